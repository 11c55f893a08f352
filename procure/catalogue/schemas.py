"""API schemas of the product catalogue (PDC)."""

from marshmallow import fields

from procure.api.fields import (
    Choice,
    Date,
    DecimalText,
    DutchSchema,
    Integer,
    Line,
    Money,
    QueryInt,
    Ref,
    Text,
)
from procure.api.schemas import PageArgs
from procure.catalogue.models import PRODUCT_STATUSES, VARIANTS
from procure.catalogue.queries import SORTS


class TaskAreaRefSchema(DutchSchema):
    code = fields.String()
    name = fields.String()


class TariffSchema(DutchSchema):
    year = fields.Integer()
    price = Money(metadata={"description": "euro, 2 decimalen"})
    indexation_applied = fields.Boolean()


class ProductSchema(DutchSchema):
    id = fields.Integer()
    code = fields.String()
    category = fields.String()
    version = fields.Integer()
    name = fields.String()
    task_area = fields.Nested(TaskAreaRefSchema, allow_none=True)
    variant = fields.String(metadata={"enum": list(VARIANTS)})
    unit = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(PRODUCT_STATUSES)})
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    is_current = fields.Boolean()
    tariffs = fields.List(fields.Nested(TariffSchema))


class ProductVersionSchema(DutchSchema):
    id = fields.Integer()
    version = fields.Integer()
    status = fields.String()
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)


class ProductDetailSchema(ProductSchema):
    description = fields.Function(lambda p: p.description or "", dump_only=True)
    criteria = fields.Function(lambda p: p.criteria or "", dump_only=True)
    target_group = fields.Function(lambda p: p.target_group or "", dump_only=True)
    versions = fields.List(fields.Nested(ProductVersionSchema))


class ProductQuery(PageArgs):
    q = Line(max_length=100, metadata={"description": "Zoeken in code, naam en tekst"})
    task_area = Line(max_length=20, metadata={"description": "Code van het taakgebied"})
    variant = Choice(VARIANTS)
    status = Choice(PRODUCT_STATUSES)
    valid_on = Date(metadata={"description": "Geldig op datum"})
    region = Line(max_length=20, metadata={"description": "Korte code van de regio"})
    sort = Choice(list(SORTS))
    dir = Choice(("asc", "desc"))


class ProductDetailQuery(DutchSchema):
    region = Line(max_length=20, metadata={"description": "Korte code van de regio"})


# -- writes (procurement of the region) ---------------------------------------------------


class ProductInput(DutchSchema):
    code = Line(required=True, max_length=10)
    name = Line(required=True, max_length=200)
    variant = Choice(VARIANTS, required=True)
    valid_from = Date(required=True)
    valid_to = Date(load_default=None)
    unit = Line(load_default=None, max_length=20)
    description = Text(load_default="", max_length=20_000)
    criteria = Text(load_default="", max_length=20_000)
    target_group = Text(load_default="", max_length=20_000)
    price = Money(load_default=None, metadata={"description": "Tarief in het beginjaar"})


class TariffInput(DutchSchema):
    year = Integer(required=True, minimum=2000, maximum=2100)
    price = Money(required=True)


class IndexationQuery(DutchSchema):
    from_year = QueryInt(required=True, minimum=2000, maximum=2100)
    percentage = DecimalText(required=True, minimum=-50, maximum=50, places=3)


class IndexationInput(DutchSchema):
    from_year = Integer(required=True, minimum=2000, maximum=2100)
    percentage = DecimalText(required=True, minimum=-50, maximum=50, places=3)


class IndexationLineSchema(DutchSchema):
    code = Ref("product.code")
    name = Ref("product.name")
    old_price = DecimalText()
    new_price = DecimalText(allow_none=True)
    skipped = fields.String()


class IndexationRunSchema(DutchSchema):
    id = fields.Integer()
    from_year = fields.Integer()
    to_year = fields.Integer()
    percentage = fields.String()
    tariff_count = fields.Integer()
