"""Building blocks shared by every domain package."""


def init_app(app) -> None:
    from procure.core import formatting

    formatting.init_app(app)
