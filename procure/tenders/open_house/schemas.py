"""API schemas of open houses (admission procedures)."""

from marshmallow import fields

from procure.api.fields import DecimalText, DutchSchema, Line, Ref, derived
from procure.api.schemas import PageArgs

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
        lambda a: a.response_deadline if a.status == "more_info" else None,
    )
    info_request = derived(fields.String(allow_none=True), lambda a: a.info_request or None)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = derived(fields.String(allow_none=True), lambda a: a.decision_reason or None)
    categories = fields.List(fields.Nested(ApplicationCategorySchema))
    municipalities = derived(
        fields.List(fields.String()), lambda a: [m.name for m in a.municipalities]
    )


class ApplicationQuery(PageArgs):
    status = Line(max_length=20, metadata={"enum": list(APPLICATION_STATUSES)})


class AdmittedProviderSchema(DutchSchema):
    provider = fields.String()
    provider_name = fields.String()
    start_date = fields.Date()
    municipalities = fields.List(fields.String())


class AdmissionGroupSchema(DutchSchema):
    category = fields.String()
    name = fields.String()
    providers = fields.List(fields.Nested(AdmittedProviderSchema))
