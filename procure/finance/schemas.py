"""API schemas of financial steering: the framework with its lines and adjustments, money
per municipality, indicators with their values, waiting times. Amounts are exact text."""

from marshmallow import fields

from procure.api.fields import DecimalText, DutchSchema, Line

_AMOUNT = {"description": "euro, exact als tekst"}


def _amount(**kw):
    return DecimalText(allow_none=True, metadata=_AMOUNT, **kw)


class FinanceQuery(DutchSchema):
    region = Line(
        max_length=20,
        metadata={
            "description": "Korte code van de regio (alleen voor een beheerder zonder regio)"
        },
    )


class WaitingTimesQuery(FinanceQuery):
    month = Line(required=True, max_length=10, metadata={"description": "JJJJ-MM"})


class FrameworkLineSchema(DutchSchema):
    code = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)
    previous = fields.String(allow_none=True, metadata={"description": "Post in de oude indeling"})
    kind = fields.String()
    incidental = fields.Boolean()
    amount = _amount()
    adjustments = _amount()
    adjusted = _amount()
    contracted = _amount()
    realised = _amount()
    forecast = _amount()
    warnings = fields.List(fields.String())


class FrameworkSchema(DutchSchema):
    region = fields.String()
    year = fields.Integer()
    status = fields.String()
    adopted_on = fields.Date(allow_none=True)
    adoption_reference = fields.String(allow_none=True)
    stated_total = _amount()
    total = _amount()
    adjusted_total = _amount()
    total_incl_incidental = _amount()
    adjusted_total_incl_incidental = _amount()
    lines = fields.List(fields.Nested(FrameworkLineSchema))


class AdjustmentSchema(DutchSchema):
    line = fields.String()
    amount = _amount()
    decided_on = fields.Date()
    decision_reference = fields.String()
    reason = fields.String()


class MunicipalityFiguresSchema(DutchSchema):
    municipality = fields.String()
    known = fields.Boolean(metadata={"description": "false: realisatie zonder gemeente"})
    share_pct = DecimalText(allow_none=True)
    young_inhabitants = fields.Integer(allow_none=True)
    budget = _amount()
    contracted = _amount()
    realised = _amount()
    realised_per_1000_young = _amount()
    custom_contracts = fields.Integer()
    custom_amount = _amount()


class IndicatorValueSchema(DutchSchema):
    period = fields.String()
    value = DecimalText()


class IndicatorSchema(DutchSchema):
    code = fields.String()
    name = fields.String()
    definition = fields.String(allow_none=True)
    unit = fields.String()
    direction = fields.String()
    target_value = DecimalText(allow_none=True)
    target_period = fields.String(allow_none=True)
    values = fields.List(fields.Nested(IndicatorValueSchema))
    per_municipality = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=DecimalText(allow_none=True)),
        metadata={"description": "Per gemeente: periode -> waarde"},
    )
    trend = fields.String(allow_none=True, metadata={"enum": ["up", "down", "flat", None]})


class IndicatorValueInput(DutchSchema):
    period = Line(required=True, max_length=10, metadata={"description": "JJJJ, JJJJ-Qn, JJJJ-MM"})
    value = DecimalText(required=True, places=2)
    municipality = Line(
        max_length=100,
        load_default=None,
        allow_none=True,
        metadata={"description": "CBS-code of naam; leeg voor de regio"},
    )


class WaitingTimeSchema(DutchSchema):
    provider = fields.String()
    category = fields.String()
    average_days = DecimalText(allow_none=True)
    waiting = fields.Integer(allow_none=True)
    updated_on = fields.Date()


class WaitingTimesSchema(DutchSchema):
    month = fields.String()
    providers_expected = fields.Integer()
    providers_in_time = fields.Integer()
    in_time_pct = DecimalText(allow_none=True)
    average_days = DecimalText(allow_none=True)
    waiting = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(WaitingTimeSchema))
