"""Building blocks shared by every domain package."""


def init_app(app) -> None:
    from procure.core import formatting
    from procure.core.uploads import size_text
    from procure.core.urls import template_url_for
    from procure.core.widgets import options

    formatting.init_app(app)
    app.jinja_env.globals.update(upload_limit=size_text, options=options)
    if not app.url_map.host_matching and not app.subdomain_matching:
        app.jinja_env.globals["url_for"] = template_url_for
