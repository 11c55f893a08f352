"""The OpenAPI 3 description; each domain adds its paths and schemas at import time."""

_paths: dict = {}
_schemas: dict = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {},
                },
            }
        },
    },
    "PageMeta": {
        "type": "object",
        "properties": {k: {"type": "integer"} for k in ("page", "per_page", "total", "pages")},
    },
}

PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]

ERROR_RESPONSES = {
    "401": {
        "description": "Geen of ongeldig token",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "404": {
        "description": "Niet gevonden",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def add_path(path: str, method: str, operation: dict) -> None:
    operation.setdefault("responses", {}).update(
        {k: v for k, v in ERROR_RESPONSES.items() if k not in operation["responses"]}
    )
    _paths.setdefault(path, {})[method.lower()] = operation


def add_schema(name: str, schema: dict) -> None:
    _schemas[name] = schema


def list_response(item_schema: str, description: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "items": {
                                "type": "array",
                                "items": {"$ref": f"#/components/schemas/{item_schema}"},
                            },
                            "meta": {"$ref": "#/components/schemas/PageMeta"},
                        },
                    }
                }
            },
        }
    }


def object_response(schema: str, description: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    }


def document(server_url: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "procure API",
            "version": "1",
            "description": "Inkoop- en contractbeheer jeugdhulp. Alle antwoorden zijn "
            "beperkt tot de rol en de regio, gemeente of aanbieder van "
            "de eigenaar van het token.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": _paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas,
        },
    }
