"""Aanbestedingen (see SPEC section 3)."""


def format_end_moment(value) -> str:
    """A period end at midnight is shown as 24:00 of the previous day (standstill ends at
    24:00 on its last calendar day)."""
    from procure.core.formatting import day
    from procure.core.timeutil import period_end

    if not value:
        return "—"
    last_day, clock = period_end(value)
    return f"{day(last_day)} {clock}"


def init_app(app) -> None:
    # what this domain gives the others: its reminder sources and its documents
    from procure.tenders import documents, reminders  # noqa: F401

    app.jinja_env.filters["end_moment"] = format_end_moment
