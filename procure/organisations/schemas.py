"""API schemas of the organisation register."""

from marshmallow import fields

from procure.api.fields import DutchSchema, Line
from procure.api.schemas import PageArgs, sort_direction, sort_key
from procure.organisations.queries import PROVIDER_DEFAULT_SORT, PROVIDER_SORTS


class ProviderSchema(DutchSchema):
    id = fields.Integer()
    short_code = fields.String()
    name = fields.String()
    kvk_number = fields.String()
    agb_code = fields.String(allow_none=True)
    is_consortium = fields.Boolean()
    active = fields.Boolean()


class ProviderQuery(PageArgs):
    q = Line(
        max_length=100,
        load_default="",
        metadata={"description": "Zoeken in naam, KvK-nummer en korte code"},
    )
    sort = sort_key(PROVIDER_SORTS, PROVIDER_DEFAULT_SORT)
    direction = sort_direction()


class MunicipalitySchema(DutchSchema):
    name = fields.String()
    cbs_code = fields.String()


class RegionSchema(DutchSchema):
    short_code = fields.String()
    name = fields.String()
    kvk_number = fields.String(allow_none=True)
    municipalities = fields.List(fields.Nested(MunicipalitySchema))
