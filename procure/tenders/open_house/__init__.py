"""The open house (toelatingsprocedure): entry moments, applications, admissions."""


def init_app(app) -> None:
    from procure.tenders.open_house import reminders  # noqa: F401  (its reminder sources)
