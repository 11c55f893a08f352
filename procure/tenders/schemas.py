"""API schemas of tenders: procedures with lots, phases and deadlines, registrations and
bids (sealed until the bid deadline)."""

from marshmallow import fields

from procure.api.fields import Choice, DecimalText, DutchSchema, Line, Ref, derived
from procure.api.schemas import PageArgs
from procure.tenders.models import PROCEDURES
from procure.tenders.states import PHASE_ORDER, TENDER_STATES


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
        {"status": s, "label": str(TENDER_STATES.label(s))}
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
    status = Line(max_length=20)


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
