"""Which documents exist for which record, and who may generate them.

A RecordType loads its record through the scope checks (404 outside the user's scope) and
offers document kinds, each with a builder turning the record into a DocumentSpec. The
domains register their record types (procure/<domain>/documents.py, imported by the
domain's init_app, as the page panels are); this package only runs the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from werkzeug.routing import BuildError

from procure.auth.permissions import get_scoped_or_404
from procure.auth.roles import REGION_STAFF
from procure.documents.policy import STAFF_WRITERS


@dataclass
class Kind:
    kind: str
    label: str
    build: Callable  # (record, **params) -> DocumentSpec
    params: list[dict] = field(default_factory=list)  # e.g. letters per provider
    staff_only: bool = False  # letters: only region staff preview and generate them


@dataclass
class RecordType:
    name: str
    label: str
    model: Callable  # () -> model class
    kinds: Callable  # (record) -> list[Kind]
    title: Callable  # (record) -> str
    back: Callable | None = None  # (record) -> url
    writers: Callable | None = None  # (record, user) -> bool
    # (record_id) -> record or 404, when the domain adds rules on top of the model's Scope.
    loader: Callable | None = None

    def kinds_for(self, record, user) -> list[Kind]:
        return [k for k in self.kinds(record) if not k.staff_only or user.role in REGION_STAFF]

    def load(self, record_id: int):
        if self.loader is not None:
            return self.loader(record_id)
        return get_scoped_or_404(self.model(), record_id)

    def can_generate(self, record, user) -> bool:
        if self.writers is not None:
            return self.writers(record, user)
        return user.role in STAFF_WRITERS


REGISTRY: dict[str, RecordType] = {}


def register(rt: RecordType) -> RecordType:
    REGISTRY[rt.name] = rt
    return rt


def url_or_none(endpoint: str, **values) -> str | None:
    """A link back to a record's page; None where the page takes other arguments."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
