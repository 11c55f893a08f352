"""The WSGI entry point for gunicorn (``gunicorn -c gunicorn.conf.py procure.wsgi:app``).

A wrong configuration stops the server with the configuration's own messages, one per
line, instead of a traceback.
"""

import sys

from procure import ConfigError, create_app

try:
    app = create_app()
except ConfigError as exc:
    print(f"procure: configuratie onjuist:\n{exc}", file=sys.stderr)
    raise SystemExit(1) from None
