"""Schemas shared by every domain's API: errors, pagination, the token's owner."""

from flask import current_app
from marshmallow import fields

from procure.api.fields import Choice, DutchSchema, QueryInt, Ref
from procure.auth.roles import ROLES


class ErrorDetailSchema(DutchSchema):
    field = fields.String(allow_none=True)
    message = fields.String(required=True)


class ErrorBodySchema(DutchSchema):
    code = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "Nederlandse melding"})
    details = fields.List(fields.Nested(ErrorDetailSchema))


class ErrorSchema(DutchSchema):
    error = fields.Nested(ErrorBodySchema, required=True)


class PageArgs(DutchSchema):
    """?page= and ?per_page= (at most 100) of every list endpoint."""

    page = QueryInt(minimum=1, maximum=1_000_000, load_default=1)
    per_page = QueryInt(minimum=1, maximum=100, load_default=None)


def sort_key(sorts: dict, default: str) -> Choice:
    """?sort=: one of the keys its page sorts by (the domain's SORTS)."""
    return Choice(
        list(sorts),
        load_default=default,
        metadata={"description": "Sorteren op (dezelfde sleutels als de pagina)"},
    )


def sort_direction(default: str = "asc") -> Choice:
    """?direction=: asc or desc."""
    return Choice(
        ("asc", "desc"), load_default=default, metadata={"description": "Sorteerrichting"}
    )


class PageMetaSchema(DutchSchema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


_pages: dict = {}


def page_of(item_schema: type) -> type:
    """The list answer {"items": [...], "meta": {page, per_page, total, pages}}."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _pages:
        _pages[name] = type(
            name,
            (DutchSchema,),
            {
                "items": fields.List(fields.Nested(item_schema), required=True),
                "meta": fields.Nested(PageMetaSchema, required=True),
            },
        )
    return _pages[name]


def list_of(item_schema: type) -> type:
    """An unpaged list answer {"items": [...]} (small, bounded collections)."""
    name = item_schema.__name__.removesuffix("Schema") + "ListSchema"
    if name not in _pages:
        _pages[name] = type(
            name, (DutchSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)}
        )
    return _pages[name]


def page_numbers(args: dict) -> tuple[int, int]:
    per_page = args.get("per_page") or current_app.config["API_DEFAULT_PER_PAGE"]
    return args.get("page") or 1, min(per_page, current_app.config["API_MAX_PER_PAGE"])


class MeSchema(DutchSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String(metadata={"enum": list(ROLES)})
    region = Ref("region.short_code")
    municipality = Ref("municipality.name")
    provider = Ref("provider.short_code")
