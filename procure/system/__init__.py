"""Running procure for real: request ids and JSON logs, reverse-proxy headers, health
checks for load balancers, backups, the clean-up of unreferenced uploads and of expired
API idempotency records."""

DEFAULTS = {
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    # (werkzeug ProxyFix). 0: none, the headers are ignored (direct exposure, development).
    "PROXY_HOPS": 0,
    # "json" (one JSON object per line, with the request id) or "text"; default json in
    # production, text elsewhere.
    "LOG_FORMAT": None,
    "LOG_LEVEL": "INFO",
    # /readyz fails when the last reminder sweep started longer ago than this; default two
    # sweep intervals plus the lease. None: the scheduler does not count (development).
    "READY_SCHEDULER_MAX_AGE_MINUTES": None,
    "BACKUP_FOLDER": None,  # defaults to instance/backups
    "UPLOAD_CLEANUP_GRACE_MINUTES": 60,  # younger files may belong to a running request
    # How long an API write's stored answer serves Idempotency-Key retries; older ones are
    # removed by `flask api cleanup` and the scheduler's hourly clean-up job.
    "API_IDEMPOTENCY_HOURS": 24,
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from procure.system import cli, logs, proxy

    logs.init_app(app)
    proxy.init_app(app)
    cli.init_app(app)
