"""Append-only audit log: who changed what, when, with old and new values."""

from procure.audit.operations import record  # noqa: F401
