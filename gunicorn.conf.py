"""gunicorn settings for procure (``make serve``). Every value can be changed through the
environment named next to it; see README, section Production."""

import multiprocessing
import os

# Where to listen. Behind a reverse proxy on the same machine keep it on loopback.
bind = os.environ.get("PROCURE_BIND", "127.0.0.1:8000")

# Synchronous workers, two per CPU plus one (gunicorn's advice for I/O-bound apps), at
# most 12: each holds its own database connection pool. Long work (document batches,
# imports) runs in the job worker, not in a request.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12)))
threads = int(os.environ.get("PROCURE_THREADS", 1))
worker_class = "sync" if threads == 1 else "gthread"

# One document still renders inside a request (a few seconds for 30 pages).
timeout = int(os.environ.get("PROCURE_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5

# A worker is replaced after this many requests (bounds slow leaks); the jitter keeps the
# workers from restarting together.
max_requests = 2000
max_requests_jitter = 200

# Load the app once in the master: configuration errors stop the server at once, and the
# workers share the imported code.
preload_app = True

# Access log on stdout, as JSON lines with the request id (procure.system.logs formats the
# atoms); errors on stderr.
accesslog = os.environ.get("PROCURE_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("PROCURE_LOG_LEVEL", "info").lower()
access_log_format = "%(m)s %(U)s %(s)s %(M)sms"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "procure.system.logs.ProcureJsonFormatter"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    # The app's own records: procure.system.logs gives the root logger its JSON handler.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}

# X-Forwarded-* are honoured by the app itself (PROCURE_PROXY_HOPS, werkzeug ProxyFix);
# gunicorn only trusts them from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_fork(server, worker):
    """Each worker opens its own database connections (never share them across fork)."""
    import sys

    if "procure.wsgi" not in sys.modules:  # another app served with this config
        return
    from procure.extensions import db
    from procure.wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
