"""Reminders (SPEC section 4): a registry of deadline rules, a sweep run by APScheduler,
in-app notifications and e-mail, exactly once, with catch-up, an iCalendar feed per user
and an admin page."""

DEFAULTS = {
    "REMINDERS_SWEEP_MINUTES": 15,
    "REMINDERS_HORIZON_DAYS": 7,  # reminders whose moment is older than this are not sent
    "REMINDERS_LATE_AFTER_MINUTES": 30,  # created later than this after its moment: late
    "REMINDERS_MAX_ATTEMPTS": 5,
    "REMINDERS_RETRY_BASE_MINUTES": 5,  # 5, 10, 20, 40 minutes between attempts
    "REMINDERS_DIGEST_HOUR": 7,  # Amsterdam time, for users who chose a daily digest
    "REMINDERS_LEASE_SECONDS": 600,
    "REMINDERS_UPCOMING_DAYS": 30,  # the admin page's look-ahead
    "REMINDERS_FEED_PAST_DAYS": 60,
    "REMINDERS_FEED_FUTURE_DAYS": 550,
    "REMINDERS_INDEXATION_DATE": "11-01",  # month-day by which next year's tariffs are set
    "SCHEDULER_JOBSTORE_URL": None,  # defaults to the app's database URL
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from procure.reminders import panels  # noqa: F401  (the bell in the top bar)
    from procure.reminders.scheduler import start_in_dev_server

    start_in_dev_server(app)
