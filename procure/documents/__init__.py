"""Documents: the PDF engine (Jinja -> HTML -> WeasyPrint), the document set, the clause
library and the custom-contract format (see SPEC sections 1 and 3)."""


def init_app(app) -> None:
    from procure.documents import panels  # noqa: F401  (registers the page panels)
    from procure.documents.formatting import FILTERS

    app.jinja_env.filters.update({f"doc_{name}": fn for name, fn in FILTERS.items()})
