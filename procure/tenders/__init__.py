"""Aanbestedingen (see SPEC section 3)."""

from datetime import timedelta


def format_end_moment(value) -> str:
    """A period end at midnight is shown as 24:00 of the previous day (standstill ends at
    24:00 on its last calendar day)."""
    from procure.core.formatting import day, moment
    from procure.core.timeutil import to_local

    if not value:
        return "—"
    local = to_local(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return day(local - timedelta(days=1)) + " 24:00"
    return moment(local)


def init_app(app) -> None:
    app.jinja_env.filters["end_moment"] = format_end_moment
