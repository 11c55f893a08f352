"""API schemas of the organisation register."""

from marshmallow import fields

from procure.api.fields import DutchSchema, Line
from procure.api.schemas import PageArgs


class ProviderSchema(DutchSchema):
    id = fields.Integer()
    short_code = fields.String()
    name = fields.String()
    kvk_number = fields.String()
    agb_code = fields.String(allow_none=True)
    is_consortium = fields.Boolean()
    active = fields.Boolean()


class ProviderQuery(PageArgs):
    q = Line(max_length=100, load_default="", metadata={"description": "Zoeken in de naam"})


class MunicipalitySchema(DutchSchema):
    name = fields.String()
    cbs_code = fields.String()


class RegionSchema(DutchSchema):
    short_code = fields.String()
    name = fields.String()
    kvk_number = fields.String(allow_none=True)
    municipalities = fields.List(fields.Nested(MunicipalitySchema))
