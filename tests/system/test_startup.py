"""Start-up stays light: create_app() in a fresh interpreter loads none of the libraries
that only some requests or commands need (they are imported where they are used)."""

import json
import os
import subprocess
import sys

from procure import PROJECT_ROOT

LOADED_WHERE_USED = (
    "weasyprint",
    "openpyxl",
    "docx",
    "pypdf",
    "huey",
    "redis",
    "jsonschema",
    "email_validator",
    "alembic",
    "apscheduler",
    "sqlalchemy.dialects.postgresql",
)

PROGRAM = f"""
import json, sys
from procure import create_app
app = create_app()
print(json.dumps([name for name in {LOADED_WHERE_USED!r} if name in sys.modules]))
"""


def test_create_app_loads_no_library_that_only_some_requests_need(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROCURE_")}
    env["PROCURE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'startup.sqlite3'}"
    out = subprocess.run(  # noqa: S603  (our own interpreter, a fixed program)
        [sys.executable, "-c", PROGRAM],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
