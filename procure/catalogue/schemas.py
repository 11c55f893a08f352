"""API schemas of the product catalogue (PDC)."""

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
    QueryInt,
    Ref,
    Text,
    derived,
)
from procure.api.schemas import PageArgs, sort_direction, sort_key
from procure.catalogue.models import PRODUCT_STATUSES, VARIANTS
from procure.catalogue.queries import DEFAULT_SORT, SORTS


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
    sort = sort_key(SORTS, DEFAULT_SORT)
    direction = sort_direction()


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


class ProductEditInput(DutchSchema):
    """The fields to change; a fixed card gets a new version from `valid_from` (default:
    the next entry moment), a concept card changes in place."""

    name = Line(max_length=200)
    variant = Choice(VARIANTS)
    unit = Line(max_length=20, allow_none=True)
    task_area = Line(max_length=20, allow_none=True, metadata={"description": "Code"})
    description = Text(max_length=20_000)
    criteria = Text(max_length=20_000)
    target_group = Text(max_length=20_000)
    valid_from = Date(load_default=None)
    change_note = Text(load_default="", max_length=2000)


class ProductEditSchema(ProductDetailSchema):
    new_version = fields.Boolean(
        metadata={"description": "Een nieuwe versie (de kaart was vastgesteld)"}
    )


class TranslationRowSchema(DutchSchema):
    """One row of the translation table (vertaaltabel, seed 003)."""

    old_code = Line(
        max_length=10, load_default="", metadata={"description": "Leeg: een hele overeenkomst"}
    )
    old_task_area = Line(max_length=200, load_default="")
    new_task_area = Line(max_length=200, load_default="")
    new_task_area_code = Line(max_length=20, load_default="")
    share_pct = DecimalText(minimum=0, maximum=100, places=2, load_default=None, allow_none=True)
    new_variant = Line(max_length=10, load_default="", metadata={"enum": ["", *VARIANTS]})
    new_contract = Line(max_length=200, load_default="")
    partial = Boolean(load_default=False)
    label = Line(max_length=200, load_default="")
    note = Line(max_length=500, load_default="")


class TranslationSchema(TranslationRowSchema):
    new_task_area_code = derived(
        fields.String(), lambda t: t.task_area.code if t.task_area is not None else ""
    )


class TranslationQuery(DutchSchema):
    region = Line(max_length=20, metadata={"description": "Korte code van de regio"})


class TranslationTableInput(DutchSchema):
    rows = List(Nested(TranslationRowSchema), required=True, max_items=2000)


class TranslationTableSchema(DutchSchema):
    region = fields.String()
    changed = fields.Boolean()
    items = fields.List(fields.Nested(TranslationSchema))
