"""API schemas of supervision: signals in and out."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields, post_dump, validate

from procure.api.fields import (
    Boolean,
    Choice,
    Date,
    DecimalText,
    DutchSchema,
    Integer,
    Line,
    Money,
    Nested,
    QueryBool,
    QueryInt,
    Ref,
    Text,
    derived,
)
from procure.api.schemas import PageArgs, sort_direction, sort_key
from procure.supervision import policy
from procure.supervision.models import (
    CATEGORIES,
    DECISIONS,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    NOTE_KINDS,
    SIGNAL_MACHINE,
    SOURCES,
    STATE_LABELS,
    URGENCIES,
)
from procure.supervision.queue import DEFAULT_SORT as QUEUE_DEFAULT_SORT
from procure.supervision.queue import SORTS as QUEUE_SORTS

INVESTIGATION_FIELDS = (
    "triage_due_on",
    "triage_decision",
    "investigation_due_on",
    "other_party",
    "follow_up_on",
    "assigned_to",
    "closed_on",
    "outcome",
    "merged_into",
)


class ProviderRefSchema(DutchSchema):
    id = fields.Integer()
    short_code = fields.String()
    name = fields.String()


class ReporterSchema(DutchSchema):
    name = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    confidential = fields.Boolean()


class SignalSchema(DutchSchema):
    id = fields.Integer()
    reference = fields.String()
    received_on = fields.Date()
    provider = fields.Nested(ProviderRefSchema)
    contract = Ref("contract.reference")
    municipality = Ref("municipality.name")
    source = fields.String(metadata={"enum": list(SOURCES)})
    category = fields.String(metadata={"enum": list(CATEGORIES)})
    urgency = fields.String(metadata={"enum": list(URGENCIES)})
    description = fields.String()
    state = fields.String(metadata={"enum": list(STATE_LABELS)})
    state_label = derived(fields.String(), lambda s: str(SIGNAL_MACHINE.label(s.state)))
    reporter = derived(
        fields.Nested(
            ReporterSchema,
            allow_none=True,
            metadata={"description": "null als de melder vertrouwelijk is voor u"},
        ),
        lambda s: policy.reporter_view(s, current_user),
    )
    triage_due_on = fields.Date(allow_none=True)
    triage_decision = fields.String(allow_none=True)
    investigation_due_on = fields.Date(allow_none=True)
    other_party = fields.String(allow_none=True)
    follow_up_on = fields.Date(allow_none=True)
    assigned_to = Ref("assigned_to.name")
    closed_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True)
    merged_into = Ref("merged_into.reference")

    @post_dump
    def _hide_investigation(self, data, **kwargs):
        """Investigation details only for supervision staff (absent for the others)."""
        if not policy.can_see_investigation(current_user):
            for name in INVESTIGATION_FIELDS:
                data.pop(name, None)
        return data


class SignalInput(DutchSchema):
    provider = Line(
        required=True, max_length=40, metadata={"description": "id of korte code van de aanbieder"}
    )
    contract = Line(
        max_length=40,
        metadata={"description": "id of kenmerk; alleen een contract van deze aanbieder"},
    )
    municipality = Line(max_length=100, metadata={"description": "CBS-code of naam"})
    source = Choice(SOURCES, load_default="municipality")
    received_on = Date(required=True)
    category = Choice(CATEGORIES, required=True)
    urgency = Choice(URGENCIES, load_default="normal")
    description = Text(
        required=True,
        max_length=10_000,
        metadata={"description": "Zonder namen van cliënten of BSN (die worden geweigerd)."},
    )
    reporter_name = Line(max_length=200)
    reporter_contact = Line(max_length=200)
    reporter_confidential = Boolean(load_default=False)


ASSIGNEE = r"^(none|[1-9][0-9]{0,8})$"


class SignalQuery(PageArgs):
    """The work queue's filters and sort, plus what only the API offers (closed signals,
    a year, a provider by short code)."""

    open = QueryBool(
        load_default=False,
        metadata={"description": "Alleen open signalen (de werkvoorraad van de pagina)"},
    )
    view = Choice(
        ("team", "mine"), load_default="team", metadata={"description": "mine: mij toegewezen"}
    )
    state = Choice(list(STATE_LABELS))
    category = Choice(CATEGORIES)
    urgency = Choice(URGENCIES)
    provider = Line(max_length=40, metadata={"description": "Korte code van de aanbieder"})
    provider_id = QueryInt(minimum=1)
    provider_q = Line(max_length=100, metadata={"description": "Deel van de naam van de aanbieder"})
    overdue = QueryBool(load_default=False, metadata={"description": "Alleen over de termijn"})
    assignee = Line(
        max_length=10,
        validate=[validate.Regexp(ASSIGNEE, error=_l("Geef none of het id van een gebruiker."))],
        metadata={
            "pattern": ASSIGNEE,
            "description": "none: niet toegewezen; of een gebruikers-id",
        },
    )
    year = QueryInt(minimum=1900, maximum=2200)
    sort = sort_key(QUEUE_SORTS, QUEUE_DEFAULT_SORT)
    direction = sort_direction("desc")


class CountsQuery(DutchSchema):
    year = QueryInt(minimum=1900, maximum=2200)


class CountsSchema(DutchSchema):
    year = fields.Integer(allow_none=True)
    state = fields.Dict(keys=fields.String(), values=fields.Integer())
    category = fields.Dict(keys=fields.String(), values=fields.Integer())
    provider = fields.Dict(keys=fields.String(), values=fields.Integer())
    month = fields.Dict(keys=fields.String(), values=fields.Integer())


__all__ = ["CountsQuery", "CountsSchema", "Nested", "SignalInput", "SignalQuery", "SignalSchema"]


# -- the life cycle (supervisors and contract managers) -----------------------------------


class TriageInput(DutchSchema):
    decision = Choice(list(DECISIONS), required=True)
    motivation = Text(required=True, max_length=10_000)
    investigation_due_on = Date(load_default=None)
    other_party = Line(max_length=200, load_default=None)
    follow_up_on = Date(load_default=None)


class InvestigationInput(DutchSchema):
    due_on = Date(required=True)
    motivation = Text(required=True, max_length=10_000)


class HandOverInput(DutchSchema):
    other_party = Line(required=True, max_length=200)
    follow_up_on = Date(required=True)
    motivation = Text(required=True, max_length=10_000)


class FollowUpInput(DutchSchema):
    follow_up_on = Date(required=True)
    note = Text(required=True, max_length=10_000)


class NoteInput(DutchSchema):
    text = Text(required=True, max_length=20_000)
    kind = Choice(list(NOTE_KINDS), load_default="note")


class NoteSchema(DutchSchema):
    id = fields.Integer()
    kind = fields.String()
    text = fields.String()


class MeasureInput(DutchSchema):
    kind = Choice(list(MEASURE_KINDS), required=True)
    description = Text(required=True, max_length=10_000)
    due_on = Date(required=True)
    follow_up_on = Date(load_default=None)
    amount = Money(load_default=None, metadata={"description": "Alleen bij financiële correctie"})


class MeasureSchema(DutchSchema):
    id = fields.Integer()
    signal_id = fields.Integer()
    kind = fields.String(metadata={"enum": list(MEASURE_KINDS)})
    description = fields.String()
    amount = DecimalText(allow_none=True)
    imposed_on = fields.Date()
    due_on = fields.Date()
    follow_up_on = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": list(MEASURE_STATUSES)})


class MeasureCompletionInput(DutchSchema):
    result = Text(required=True, max_length=10_000)


class ReasonInput(DutchSchema):
    reason = Text(required=True, max_length=10_000)


class CloseInput(DutchSchema):
    outcome = Text(required=True, max_length=10_000)


class MergeInput(DutchSchema):
    into = Integer(required=True, minimum=1, metadata={"description": "id van het signaal"})
    reason = Text(required=True, max_length=10_000)


class AssignInput(DutchSchema):
    assignee = Integer(required=True, minimum=1, allow_none=True)
