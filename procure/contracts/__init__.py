"""Contracten (see SPEC section 3)."""


def init_app(app) -> None:
    # what this domain gives the others: its reminder sources and its documents
    from procure.contracts import documents, reminders  # noqa: F401
