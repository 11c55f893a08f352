"""Clean-up of what nothing needs any more.

Uploads no row references: StoredFile rows that no foreign key points at, and files in
the upload folder without a StoredFile row (a refused save writes the file before its
transaction rolls back). Both are left alone while younger than the grace period, since
they may belong to a request that has not committed yet.

Idempotency records of API writes older than API_IDEMPOTENCY_HOURS: a retry after that
runs as a new request (clients retry within minutes, not days)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select, union

from procure.audit import record
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.core.uploads import StoredFile
from procure.extensions import db


@dataclass
class CleanupResult:
    rows: list[int] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    bytes: int = 0


def _referencing_columns():
    """Every column with a foreign key to stored_files.id, across all domains."""
    table = StoredFile.__table__
    for other in db.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is table:
                yield fk.parent


def unreferenced_rows(older_than) -> list[int]:
    referenced = [select(column).where(column.is_not(None)) for column in _referencing_columns()]
    query = select(StoredFile.id).where(StoredFile.uploaded_at < older_than)
    if referenced:
        query = query.where(StoredFile.id.not_in(union(*referenced).scalar_subquery()))
    return list(db.session.execute(query.order_by(StoredFile.id)).scalars())


def orphan_files(folder: Path, known: set[str], older_than_ts: float) -> list[Path]:
    if not folder.is_dir():
        return []
    found = []
    for prefix in folder.iterdir():
        if not prefix.is_dir() or len(prefix.name) != 2:
            continue
        for path in prefix.iterdir():
            if path.is_file() and path.name not in known and path.stat().st_mtime < older_than_ts:
                found.append(path)
    return sorted(found)


@operation
def _delete_rows(ids: list[int], *, actor=None) -> None:
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_(ids)))
    record(
        "uploads.cleaned",
        object_type="stored_file",
        note=f"{len(ids)} niet-gebruikte bestanden verwijderd: {ids[:50]}",
        actor=actor,
    )


def clean_uploads(*, dry_run: bool = False, grace: timedelta | None = None) -> CleanupResult:
    """Remove unreferenced StoredFile rows, then files no remaining row names."""
    if grace is None:
        grace = timedelta(minutes=int(current_app.config["UPLOAD_CLEANUP_GRACE_MINUTES"]))
    cutoff = utcnow() - grace
    result = CleanupResult(rows=unreferenced_rows(cutoff))
    if result.rows and not dry_run:
        _delete_rows(result.rows)
    remaining = select(StoredFile.sha256)
    if dry_run and result.rows:  # as if the rows were gone
        remaining = remaining.where(StoredFile.id.not_in(result.rows))
    known = set(db.session.execute(remaining).scalars())
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    result.files = orphan_files(folder, known, cutoff.timestamp())
    for path in result.files:
        result.bytes += path.stat().st_size
        if not dry_run:
            os.unlink(path)
    return result


@operation
def clean_idempotent_requests(*, dry_run: bool = False, max_age: timedelta | None = None) -> int:
    """Remove stored answers of API writes older than `max_age` (default the configured
    API_IDEMPOTENCY_HOURS); returns how many there were."""
    from procure.api.models import IdempotentRequest

    if max_age is None:
        max_age = timedelta(hours=int(current_app.config["API_IDEMPOTENCY_HOURS"]))
    expired = IdempotentRequest.created_at < utcnow() - max_age
    count = db.session.execute(select(func.count(IdempotentRequest.id)).where(expired)).scalar_one()
    if count and not dry_run:
        db.session.execute(delete(IdempotentRequest).where(expired))
        record(
            "api.idempotency_cleaned",
            object_type="api_idempotent_request",
            note=f"{count} Idempotency-Key-antwoorden ouder dan {max_age} verwijderd",
        )
    return count
