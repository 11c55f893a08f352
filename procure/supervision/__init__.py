"""Supervision (toezicht): signals about providers with intake, triage, work queue,
investigation, measures, closure, heightened supervision and reporting (SPEC section 3)."""


def init_app(app) -> None:
    from procure.supervision import reminders  # noqa: F401  (registers the reminder sources)
