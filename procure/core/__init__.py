"""Building blocks shared by every domain package."""


def init_app(app) -> None:
    from procure.core import formatting
    from procure.core.uploads import size_text

    formatting.init_app(app)
    app.jinja_env.globals["upload_limit"] = size_text
