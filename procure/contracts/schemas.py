"""API schemas of contracts: contracts with budgets and utilisation, realisation."""

from flask_smorest.fields import Upload
from marshmallow import fields

from procure.api.fields import (
    Boolean,
    Choice,
    Date,
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
from procure.contracts import operations as ops
from procure.contracts.models import (
    CONTRACT_STATUSES,
    CUSTOM_REASONS,
    OPTION_STATUSES,
    ORIGINS,
    TERMINATION_REASONS,
)
from procure.contracts.queries import DEFAULT_SORT, SORTS

PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class ContractYearSchema(DutchSchema):
    year = fields.Integer()
    budget = DecimalText(attribute="value", allow_none=True)
    realised = DecimalText(allow_none=True)
    utilisation_pct = DecimalText(attribute="pct", allow_none=True)
    level = fields.String(metadata={"enum": ["none", "ok", "warn", "alert"]})


class OptionSchema(DutchSchema):
    id = fields.Integer()
    sequence = fields.Integer()
    months = fields.Integer()
    decision_deadline = fields.Date()
    status = fields.String(metadata={"enum": list(OPTION_STATUSES)})


class ContractProductSchema(DutchSchema):
    code = Ref("product.code")
    name = Ref("product.name")
    unit = Ref("product.unit")
    prices = derived(
        fields.Dict(keys=fields.String(), values=DecimalText()),
        lambda cp: {str(p.year): p.price for p in cp.prices},
    )
    effective_from = derived(fields.Date(), lambda cp: cp.effective_from or cp.contract.start_date)


class CustomTermsSchema(DutchSchema):
    maatwerk_code = Ref("maatwerk_code.code")
    unit_price = DecimalText(attribute="custom_unit_price", allow_none=True)
    units = DecimalText(attribute="custom_units", allow_none=True)
    total = DecimalText(attribute="custom_total", allow_none=True)
    reason = fields.String(attribute="custom_reason", allow_none=True)
    reason_text = fields.String(attribute="custom_reason_text", allow_none=True)


class OriginTenderSchema(DutchSchema):
    reference = fields.String()
    title = fields.String()


class OriginLotSchema(DutchSchema):
    number = fields.Integer()
    name = fields.String()


class ContractSchema(DutchSchema):
    reference = fields.String()
    title = fields.String()
    status = fields.String(metadata={"enum": list(CONTRACT_STATUSES)})
    origin = fields.String(metadata={"enum": list(ORIGINS)})
    variant = fields.String(metadata={"enum": list(VARIANTS)})
    provider = Ref("provider.name")
    provider_kvk = Ref("provider.kvk_number")
    municipality = Ref("municipality.name")
    task_area = Ref("task_area.name")
    start_date = fields.Date()
    end_date = fields.Date()
    contract_value = DecimalText(allow_none=True, metadata={"description": "euro, exact"})
    years = derived(fields.List(fields.Nested(ContractYearSchema)), ops.utilisation)
    tender = fields.Nested(
        OriginTenderSchema,
        allow_none=True,
        metadata={"description": "the tender the contract was awarded or admitted in"},
    )
    lot = fields.Nested(OriginLotSchema, allow_none=True)
    transition_until = fields.Date(
        allow_none=True,
        metadata={
            "description": "clients in care at the contract's end stay with the provider "
            "until this date (transition period)"
        },
    )
    transition_note = fields.String(allow_none=True)


class ContractDetailSchema(ContractSchema):
    extension_options = fields.List(fields.Nested(OptionSchema), attribute="options")
    products = fields.List(fields.Nested(ContractProductSchema))
    custom = derived(
        fields.Nested(CustomTermsSchema, allow_none=True), lambda c: c if c.is_custom else None
    )


class ContractQuery(PageArgs):
    q = Line(max_length=100)
    variant = Choice(VARIANTS)
    status = Choice(CONTRACT_STATUSES)
    origin = Choice(ORIGINS)
    provider_id = QueryInt(minimum=1)
    provider_q = Line(
        max_length=100, metadata={"description": "Zoeken in de naam van de aanbieder"}
    )
    task_area_id = QueryInt(minimum=1)
    ending_months = QueryInt(minimum=1, maximum=600)
    sort = sort_key(SORTS, DEFAULT_SORT)
    direction = sort_direction()


class RealisationInput(DutchSchema):
    product_code = Line(required=True, max_length=20, metadata={"example": "45A53"})
    period = Line(required=True, max_length=7, metadata={"pattern": PERIOD, "example": "2026-03"})
    units = DecimalText(required=True, metadata={"example": "12.5"})
    municipality = Line(
        max_length=80,
        load_default=None,
        metadata={"description": "CBS code or name of the municipality", "example": "0758"},
    )
    override = Boolean(load_default=False)
    override_reason = Text(max_length=2000, load_default=None)
    idempotency_key = Line(max_length=100)


class RealisationSchema(DutchSchema):
    id = fields.Integer()
    contract = Ref("contract_product.contract.reference")
    product_code = Ref("contract_product.product.code")
    period = fields.Function(lambda r: r.period.strftime("%Y-%m"), metadata={"example": "2026-03"})
    units = DecimalText()
    unit_price = DecimalText()
    amount = DecimalText()
    municipality = Ref("municipality.cbs_code")
    override = fields.Boolean()
    idempotency_key = fields.String(allow_none=True)


# -- writes (contract managers of the region; custom contracts also municipalities) -------


class ContractTransitionInput(DutchSchema):
    to = Choice(("active", "ended"), required=True)


class OptionInput(DutchSchema):
    months = Integer(required=True, minimum=1, maximum=120)
    decision_deadline = Date(load_default=None)


class OptionDecisionInput(DutchSchema):
    decision = Choice(("exercise", "decline"), required=True)


class TerminateInput(DutchSchema):
    reason = Choice(TERMINATION_REASONS, required=True)
    note = Text(required=True, max_length=10_000)
    notice_given_on = Date(required=True)
    effective_on = Date(required=True)


class BudgetInput(DutchSchema):
    year = Integer(required=True, minimum=2000, maximum=2100)
    budget = Money(required=True)
    indexation_pct = DecimalText(load_default="0", minimum=-100, maximum=100, places=3)
    efficiency_pct = DecimalText(load_default="0", minimum=-100, maximum=100, places=3)
    reserve = Money(load_default="0")
    decided_on = Date(load_default=None)
    reason = Text(load_default="", max_length=5000)
    decision_reference = Line(load_default="", max_length=100)
    guaranteed_pct = DecimalText(load_default=None, minimum=0, maximum=100, places=3)
    clients_min = Integer(load_default=None, maximum=1_000_000)
    clients_max = Integer(load_default=None, maximum=1_000_000)


class PaymentInput(DutchSchema):
    paid_on = Date(required=True)
    amount = Money(load_default=None)
    reference = Line(load_default="", max_length=100)


class PaymentSchema(DutchSchema):
    id = fields.Integer()
    year = fields.Integer()
    month = fields.Integer()
    amount_due = DecimalText()
    amount_paid = DecimalText(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    payment_reference = fields.String(allow_none=True)


class RealisationBatchInput(DutchSchema):
    lines = List(Nested(RealisationInput), required=True, max_items=500)


class RealisationCsvForm(DutchSchema):
    file = Upload(
        required=True,
        metadata={"description": "CSV met kolommen periode;productcode;eenheden (UTF-8)"},
    )
    override = QueryBool(load_default=False)
    override_reason = Text(load_default=None, max_length=2000)


class CustomContractInput(DutchSchema):
    provider = Line(required=True, max_length=40, metadata={"description": "korte code"})
    maatwerk_code = Line(required=True, max_length=20)
    unit_price = Money(required=True)
    units = DecimalText(required=True, minimum=0, places=2)
    start_date = Date(required=True)
    end_date = Date(required=True)
    justification = Text(required=True, max_length=10_000)
    reason = Choice(CUSTOM_REASONS, required=True, metadata={"description": "Reden voor maatwerk"})
    reason_text = Text(load_default="", max_length=2000, metadata={"description": "Bij 'other'"})
    municipality = Line(load_default=None, max_length=100, metadata={"description": "naam"})
