"""Catalogus (see SPEC section 3)."""


def init_app(app) -> None:
    from procure.catalogue import reminders  # noqa: F401  (registers the reminder sources)
