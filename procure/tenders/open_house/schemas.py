"""API schemas of open houses (admission procedures)."""

from flask_smorest.fields import Upload
from marshmallow import fields

from procure.api.fields import (
    Choice,
    Date,
    DecimalText,
    DutchSchema,
    Integer,
    Line,
    List,
    Nested,
    QueryInt,
    Ref,
    Text,
    derived,
)
from procure.api.schemas import PageArgs, sort_direction, sort_key
from procure.tenders.open_house.models import SCORES
from procure.tenders.open_house.queries import (
    APPLICATION_DEFAULT_SORT,
    APPLICATION_SORTS,
    OPEN_HOUSE_DEFAULT_SORT,
    OPEN_HOUSE_SORTS,
    OPEN_HOUSE_STATUSES,
)

APPLICATION_STATUSES = ("submitted", "more_info", "admitted", "rejected", "withdrawn")


class OpenHouseSchema(DutchSchema):
    id = fields.Integer()
    reference = fields.String()
    title = fields.String()
    procedure = fields.String(metadata={"enum": ["open_house"]})
    status = fields.String()
    variant = fields.String()
    contract_start = fields.Date(allow_none=True)
    duration_months = fields.Integer(allow_none=True)
    extension_count = fields.Integer(allow_none=True)
    extension_months = fields.Integer(allow_none=True)


class CategoryTariffSchema(DutchSchema):
    year = fields.Integer()
    price = DecimalText(metadata={"description": "euro, exact"})


class CategoryProductSchema(DutchSchema):
    code = fields.String()
    version = fields.Integer()
    name = fields.String()
    unit = fields.String(allow_none=True)
    tariffs = fields.List(fields.Nested(CategoryTariffSchema))


class CategorySchema(DutchSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    products = fields.List(fields.Nested(CategoryProductSchema))
    admitted_providers = fields.Integer()


class RequirementSchema(DutchSchema):
    number = fields.Integer()
    text = fields.String()
    requires_document = fields.Boolean()


class EntryMomentSchema(DutchSchema):
    id = fields.Integer(metadata={"description": "Voor het filter moment van de aanmeldingen"})
    entry_date = fields.Date()
    application_deadline = fields.DateTime(allow_none=True)
    assessment_deadline = fields.DateTime(allow_none=True)


class OpenHouseDetailSchema(OpenHouseSchema):
    region = fields.String()
    term_end = fields.Date(allow_none=True)
    max_partners = fields.Integer(allow_none=True)
    description = fields.String(allow_none=True)
    entry_regime = fields.String(metadata={"enum": ["continuous", "moments"]})
    entry_months = fields.List(fields.Integer())
    application_weeks = fields.Integer(allow_none=True)
    assessment_weeks = fields.Integer(allow_none=True)
    admission_conditions = fields.String(allow_none=True)
    categories = fields.List(fields.Nested(CategorySchema))
    requirements = fields.List(fields.Nested(RequirementSchema))
    entry_moments = fields.List(fields.Nested(EntryMomentSchema))


class ApplicationCategorySchema(DutchSchema):
    code = Ref("category.code")
    name = Ref("category.name")
    decision = fields.String(metadata={"enum": ["pending", "admitted", "rejected"]})
    additional = fields.Boolean(
        metadata={"description": "Aanvullende producten bij een bestaande toelating"}
    )
    products = derived(fields.List(fields.String()), lambda link: [p.code for p in link.products])


def _iso_day(moment):
    return moment.entry_date if moment is not None else None


class ApplicationSchema(DutchSchema):
    id = fields.Integer()
    reference = fields.String()
    provider = Ref("provider.short_code")
    status = fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    submitted_at = fields.DateTime(allow_none=True)
    entry_date = derived(fields.Date(allow_none=True), lambda a: _iso_day(a.entry_moment))
    queued_from = derived(fields.Date(allow_none=True), lambda a: _iso_day(a.queued_from))
    assessment_deadline = fields.DateTime(attribute="effective_deadline", allow_none=True)
    response_deadline = derived(
        fields.DateTime(allow_none=True),
        lambda a: a.response_deadline if a.awaits_provider else None,
    )
    info_request = derived(fields.String(allow_none=True), lambda a: a.info_request or None)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = derived(fields.String(allow_none=True), lambda a: a.decision_reason or None)
    categories = fields.List(fields.Nested(ApplicationCategorySchema))
    municipalities = derived(
        fields.List(fields.String()), lambda a: [m.name for m in a.municipalities]
    )


class OpenHouseQuery(PageArgs):
    q = Line(max_length=100, metadata={"description": "Zoeken in kenmerk en titel"})
    status = Choice(OPEN_HOUSE_STATUSES)
    sort = sort_key(OPEN_HOUSE_SORTS, OPEN_HOUSE_DEFAULT_SORT)
    direction = sort_direction()


class ApplicationQuery(PageArgs):
    status = Choice(APPLICATION_STATUSES)
    q = Line(max_length=100, metadata={"description": "Zoeken in kenmerk en naam van de aanbieder"})
    moment = QueryInt(minimum=1, metadata={"description": "Id van het toetredingsmoment"})
    category = QueryInt(minimum=1, metadata={"description": "Id van de categorie"})
    sort = sort_key(APPLICATION_SORTS, APPLICATION_DEFAULT_SORT)
    direction = sort_direction()


class AdmittedProviderSchema(DutchSchema):
    id = fields.Integer(metadata={"description": "De toelating (om haar te beëindigen)"})
    provider = fields.String()
    provider_name = fields.String()
    start_date = fields.Date()
    municipalities = fields.List(fields.String())


class AdmissionGroupSchema(DutchSchema):
    category = fields.String()
    name = fields.String()
    providers = fields.List(fields.Nested(AdmittedProviderSchema))


# -- writes: the same operations as the open-house pages ---------------------------------

_MAX_REQUIREMENTS = 50


class _AnswersForm(DutchSchema):
    """Answers in multipart/form-data: `requirement` and `answer` pair up by position (a
    text answer per requirement number), as do `document_requirement` and `document`."""

    requirement = fields.List(
        QueryInt(minimum=1, maximum=999),
        load_default=list,
        metadata={"description": "Eisnummer bij elk antwoord", "maxItems": _MAX_REQUIREMENTS},
    )
    answer = fields.List(
        Text(max_length=20_000), load_default=list, metadata={"maxItems": _MAX_REQUIREMENTS}
    )
    document_requirement = fields.List(
        QueryInt(minimum=1, maximum=999),
        load_default=list,
        metadata={"description": "Eisnummer bij elk document", "maxItems": _MAX_REQUIREMENTS},
    )
    document = fields.List(
        Upload(),
        load_default=list,
        metadata={"description": "PDF, DOCX of XLSX", "maxItems": _MAX_REQUIREMENTS},
    )


class ApplicationForm(_AnswersForm):
    """An application (aanbieder) for one or more categories and the municipalities it
    serves, with an answer or document per requirement."""

    categories = fields.List(
        Line(max_length=20), required=True, metadata={"description": "Categoriecodes"}
    )
    municipalities = fields.List(
        Line(max_length=100), required=True, metadata={"description": "Namen van gemeenten"}
    )
    motivation = Text(load_default="", max_length=20_000)
    entry_date = Date(
        load_default=None,
        metadata={"description": "Gewenst toetredingsmoment; leeg: het eerstvolgende"},
    )


class InfoResponseForm(_AnswersForm):
    """The provider's answer to a request for more information, with changed answers and
    new documents."""

    response = Text(required=True, max_length=20_000)


class RequirementScoreInput(DutchSchema):
    requirement = Integer(required=True, minimum=1, maximum=999)
    score = Choice(SCORES, load_default=None, allow_none=True)
    remark = Text(load_default="", max_length=5000)


class RequirementScoresInput(DutchSchema):
    scores = List(Nested(RequirementScoreInput), required=True, max_items=_MAX_REQUIREMENTS)


class InfoRequestInput(DutchSchema):
    note = Text(required=True, max_length=10_000)
    response_days = Integer(
        minimum=1, maximum=90, load_default=None, metadata={"description": "Standaard: de opzet"}
    )


class CategoryDecisionInput(DutchSchema):
    category = Line(required=True, max_length=20, metadata={"description": "Categoriecode"})
    decision = Choice(("admitted", "rejected"), required=True)


class DecisionInput(DutchSchema):
    decisions = List(Nested(CategoryDecisionInput), required=True, max_items=50)
    reason = Text(load_default="", max_length=10_000)


class EndAdmissionInput(DutchSchema):
    end_date = Date(required=True)
    reason = Text(required=True, max_length=10_000)


def _contract_reference(admission) -> str | None:
    from procure.contracts.models import Contract
    from procure.extensions import db

    contract = db.session.get(Contract, admission.contract_id) if admission.contract_id else None
    return contract.reference if contract else None


class AdmissionSchema(DutchSchema):
    id = fields.Integer()
    provider = Ref("provider.short_code")
    category = Ref("category.code")
    contract = derived(fields.String(allow_none=True), _contract_reference)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": ["active", "ended"]})
    ended_kind = fields.String(allow_none=True, metadata={"enum": ["withdrawn", "terminated"]})
    ended_reason = derived(fields.String(allow_none=True), lambda a: a.ended_reason or None)
