"""API schemas of tenders: procedures with lots, phases and deadlines, registrations and
bids (sealed until the bid deadline)."""

from flask_smorest.fields import Upload
from marshmallow import fields

from procure.api.fields import (
    Boolean,
    Choice,
    Date,
    DateTime,
    DecimalText,
    DutchSchema,
    Integer,
    Line,
    List,
    Money,
    Nested,
    QueryBool,
    QueryInt,
    Ref,
    Text,
    derived,
)
from procure.api.schemas import PageArgs, sort_direction, sort_key
from procure.catalogue.models import VARIANTS
from procure.tenders.models import PROCEDURES
from procure.tenders.policy import PHASE_ORDER, STATUS_LABELS
from procure.tenders.queries import DEFAULT_SORT, LIST_STATUSES, SORTS


class TenderSummarySchema(DutchSchema):
    id = fields.Integer()
    reference = fields.String()
    title = fields.String()
    procedure = fields.String(metadata={"enum": list(PROCEDURES)})
    status = fields.String()
    region = Ref("region.short_code")
    variant = fields.String()
    registration_deadline = fields.DateTime(allow_none=True)
    bid_deadline = fields.DateTime(allow_none=True)


class DeadlinesSchema(DutchSchema):
    registration = fields.DateTime(attribute="registration_deadline", allow_none=True)
    dialogue_end = fields.DateTime(allow_none=True)
    bid = fields.DateTime(attribute="bid_deadline", allow_none=True)
    standstill_end = fields.DateTime(attribute="standstill_ends_at", allow_none=True)


class PhaseSchema(DutchSchema):
    status = fields.String()
    label = fields.String()


class LotSchema(DutchSchema):
    id = fields.Integer()
    number = fields.Integer()
    name = fields.String()
    areas = fields.String(allow_none=True)
    max_partners = fields.Integer(allow_none=True)


class LotRuleSchema(DutchSchema):
    kind = fields.String()
    lots = fields.List(fields.Integer(), attribute="lot_numbers")


class CriterionSchema(DutchSchema):
    id = fields.Integer()
    name = fields.String()
    weight = DecimalText()
    is_price = fields.Boolean()


def _phases(tender):
    return [
        {"status": s, "label": str(STATUS_LABELS[s])}
        for s in PHASE_ORDER
        if tender.has_dialogue or s != "dialogue"
    ]


class TenderSchema(TenderSummarySchema):
    status_label = fields.String()
    task_areas = derived(fields.List(fields.String()), lambda t: [a.code for a in t.task_areas])
    estimated_value = DecimalText(allow_none=True)
    contract_start = fields.Date(allow_none=True)
    duration_months = fields.Integer(allow_none=True)
    extension_count = fields.Integer(allow_none=True)
    extension_months = fields.Integer(allow_none=True)
    max_partners = fields.Integer(allow_none=True)
    one_partner_per_lot = fields.Boolean()
    standstill_days = fields.Integer(allow_none=True)
    deadlines = derived(fields.Nested(DeadlinesSchema), lambda t: t)
    phases = derived(fields.List(fields.Nested(PhaseSchema)), _phases)
    lots = fields.List(fields.Nested(LotSchema))
    lot_rules = fields.List(fields.Nested(LotRuleSchema))
    criteria = fields.List(fields.Nested(CriterionSchema))


class TenderQuery(PageArgs):
    procedure = Choice(PROCEDURES)
    status = Choice(list(LIST_STATUSES))
    region = Line(max_length=20, metadata={"description": "Korte code van de regio"})
    task_area = Line(max_length=20, metadata={"description": "Code van het taakgebied"})
    q = Line(max_length=100, metadata={"description": "Zoeken in kenmerk en titel"})
    sort = sort_key(SORTS, DEFAULT_SORT)
    direction = sort_direction()


class RegistrationSchema(DutchSchema):
    id = fields.Integer()
    provider = Ref("provider.short_code")
    status = fields.String()
    lots = fields.List(fields.Integer(), attribute="lot_numbers")
    submitted_at = fields.DateTime(allow_none=True)
    assessment_reason = fields.String(allow_none=True)


class BidSchema(DutchSchema):
    id = fields.Integer()
    lot = Ref("lot.number")
    provider = Ref("provider.short_code")
    price = DecimalText(allow_none=True)
    plan = Ref("plan.original_name")
    version = fields.Integer()
    accepts_agreements = fields.Boolean()
    submitted_at = fields.DateTime(allow_none=True)


# -- input ------------------------------------------------------------------------------


class LotInput(DutchSchema):
    number = Integer(required=True, minimum=1, maximum=99)
    name = Line(required=True, max_length=200)
    areas = Text(load_default="", max_length=2000)
    max_partners = Integer(minimum=1, maximum=999, load_default=None)


class CriterionInput(DutchSchema):
    name = Line(required=True, max_length=200)
    weight = DecimalText(required=True, minimum=0, maximum=100, places=2)
    is_price = Boolean(load_default=False)


class TenderInput(DutchSchema):
    title = Line(required=True, max_length=200)
    procedure = Choice(("sas_dialogue", "sas_open"), load_default="sas_dialogue")
    variant = Choice(VARIANTS, load_default="task")
    reference = Line(max_length=40, load_default=None)
    description = Text(max_length=20_000, load_default="")
    estimated_value = Money(load_default=None)
    contract_start = Date(load_default=None)
    duration_months = Integer(minimum=1, maximum=240, load_default=None)
    extension_count = Integer(minimum=0, maximum=20, load_default=None)
    extension_months = Integer(minimum=0, maximum=120, load_default=None)
    max_partners = Integer(minimum=1, maximum=999, load_default=None)
    one_partner_per_lot = Boolean(load_default=False)
    score_scale_max = Integer(minimum=1, maximum=100, load_default=None)
    standstill_days = Integer(minimum=0, maximum=365, load_default=None)
    registration_deadline = DateTime(load_default=None)
    dialogue_end = DateTime(load_default=None)
    bid_deadline = DateTime(load_default=None)
    lots = List(Nested(LotInput), max_items=50, load_default=list)
    criteria = List(Nested(CriterionInput), max_items=30, load_default=list)
    lot_rules = List(
        List(Integer(minimum=1, maximum=99), max_items=50),
        max_items=20,
        load_default=list,
        metadata={"description": "Groepen percelen die aan verschillende partijen gaan"},
    )


TRANSITIONS = ("published", "selection", "dialogue", "award", "contracted", "cancelled")


class TransitionInput(DutchSchema):
    to = Choice(TRANSITIONS, required=True, metadata={"description": "De volgende fase"})
    reason = Text(max_length=5000, load_default="", metadata={"description": "Bij intrekken"})


class GoInput(DutchSchema):
    go = Boolean(required=True)
    motivation = Text(required=True, max_length=5000)


class MotivationInput(DutchSchema):
    motivation = Text(load_default="", max_length=5000)


class RegistrationForm(DutchSchema):
    lots = fields.List(QueryInt(minimum=1, maximum=99), required=True)
    no_exclusion_grounds = QueryBool(required=True)
    suitability_answer = Text(required=True, max_length=20_000)
    document = Upload(required=True, metadata={"description": "PDF"})


class AssessmentInput(DutchSchema):
    status = Choice(("admissible", "selected", "rejected"), required=True)
    reason = Text(load_default="", max_length=5000)


class SessionForm(DutchSchema):
    held_on = Date(required=True)
    topic = Line(required=True, max_length=200)
    participants = Text(required=True, max_length=5000)
    lots = fields.List(QueryInt(minimum=1, maximum=99), load_default=list)
    minutes = Upload(metadata={"description": "Verslag (PDF)"})


class SessionSchema(DutchSchema):
    id = fields.Integer()
    held_on = fields.Date()
    topic = fields.String()
    participants = fields.String()


class AgreementInput(DutchSchema):
    text = Text(required=True, max_length=10_000)


class AgreementSchema(DutchSchema):
    id = fields.Integer()
    text = fields.String()


class BidForm(DutchSchema):
    lot = QueryInt(required=True, minimum=1, maximum=99)
    price = DecimalText(minimum=0, places=2, load_default=None)
    accepts_agreements = QueryBool(load_default=False)
    plan = Upload(required=True, metadata={"description": "Plan van aanpak (PDF)"})


class ScoreInput(DutchSchema):
    criterion_id = Integer(required=True, minimum=1)
    score = DecimalText(required=True, minimum=0, maximum=100, places=2)
    note = Text(load_default="", max_length=5000)


class ScoresInput(DutchSchema):
    scores = List(Nested(ScoreInput), required=True, max_items=30)


class WinnerInput(DutchSchema):
    lot = Integer(required=True, minimum=1, maximum=99)
    providers = List(Line(max_length=40), max_items=50, load_default=list)


class ProvisionalAwardInput(DutchSchema):
    winners = List(Nested(WinnerInput), required=True, max_items=50)
    motivation = Text(required=True, max_length=10_000)


class ObjectionInput(DutchSchema):
    provider = Line(required=True, max_length=40, metadata={"description": "korte code"})
    lot = Integer(minimum=1, maximum=99, load_default=None)
    description = Text(required=True, max_length=10_000)


class ObjectionResolutionInput(DutchSchema):
    status = Choice(("withdrawn", "rejected", "upheld"), required=True)
    resolution = Text(required=True, max_length=10_000)


class ObjectionSchema(DutchSchema):
    id = fields.Integer()
    provider = Ref("provider.short_code")
    lot = Ref("lot.number")
    description = fields.String()
    status = fields.String()
    resolution = fields.String(allow_none=True)


class LotAwardSchema(DutchSchema):
    lot = Ref("lot.number")
    provider_id = fields.Integer()
    total = DecimalText()
    rank = fields.Integer()
    status = fields.String()


class DecisionSchema(DutchSchema):
    id = fields.Integer()
    phase = fields.String()
    kind = fields.String()
    motivation = fields.String()


# -- rectificatie --------------------------------------------------------------------------


class LotCorrectionInput(DutchSchema):
    number = Integer(required=True, minimum=1, maximum=99)
    name = Line(max_length=200)
    areas = Text(max_length=2000)
    max_partners = Integer(minimum=1, maximum=999, allow_none=True)


class CriterionCorrectionInput(DutchSchema):
    id = Integer(required=True, minimum=1)
    name = Line(max_length=200)
    weight = DecimalText(minimum=0, maximum=100, places=2)


class RectificationInput(DutchSchema):
    """The corrected core terms (left out: unchanged) and the reason, which is required."""

    reason = Text(required=True, max_length=5000)
    title = Line(max_length=300, load_default=None)
    estimated_value = Money(load_default=None)
    contract_start = Date(load_default=None)
    duration_months = Integer(minimum=1, maximum=240, load_default=None)
    extension_count = Integer(minimum=0, maximum=20, load_default=None)
    extension_months = Integer(minimum=1, maximum=120, load_default=None)
    bid_deadline = DateTime(
        load_default=None, metadata={"description": "Alleen later; verplicht na inschrijvingen"}
    )
    lots = List(Nested(LotCorrectionInput), max_items=50, load_default=list)
    criteria = List(Nested(CriterionCorrectionInput), max_items=30, load_default=list)


class RectificationChangeSchema(DutchSchema):
    field = fields.String()
    lot = fields.Integer(allow_none=True)
    criterion = fields.String(allow_none=True)
    old = fields.String(allow_none=True)
    new = fields.String(allow_none=True)


class RectificationSchema(DutchSchema):
    number = fields.Integer()
    reason = fields.String()
    published_at = fields.DateTime()
    changes = fields.List(fields.Nested(RectificationChangeSchema))
    summary = fields.String()
