"""Append-only audit log: who changed what, when, with old and new values."""

from procure.audit.operations import record, record_new  # noqa: F401


def init_app(app) -> None:
    from procure.audit import describe

    describe.init_app(app)
