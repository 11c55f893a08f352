"""Uploaded files: type and size checked before anything is stored, content-addressed on disk.

store_upload() refuses a file whose extension or leading bytes do not match an allowed
kind, or that exceeds the limit, and writes nothing in that case. The StoredFile row is
added to the current session (the caller's operation commits it with the record it
belongs to). A file written for a transaction that is rolled back afterwards (a later
refusal in the same operation) is removed again, unless a committed row uses the same
content. Access checks are the caller's job: serve files only through a view that
checks the record's scope.
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.utils import secure_filename

from procure.core.errors import ValidationFailed
from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db


def size_text(limit: int | None = None) -> str:
    """The upload limit as a reader wants it: '25 MB' (decimal comma where needed)."""
    from procure.core.formatting import number

    limit = limit or current_app.config["UPLOAD_MAX_BYTES"]
    return f"{number(round(limit / 1_048_576, 1))} MB"


@dataclass(frozen=True)
class FileKind:
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...]
    content_type: str


KINDS = {
    "pdf": FileKind((".pdf",), (b"%PDF-",), "application/pdf"),
    "docx": FileKind(
        (".docx",),
        (b"PK\x03\x04",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": FileKind(
        (".xlsx",),
        (b"PK\x03\x04",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": FileKind((".csv",), (), "text/csv"),
}


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def path(self) -> Path:
        return Path(current_app.config["UPLOAD_FOLDER"]) / self.sha256[:2] / self.sha256

    def read(self) -> bytes:
        return self.path.read_bytes()

    def send(self, *, as_attachment: bool = True):
        return send_file(
            self.path,
            mimetype=self.content_type,
            as_attachment=as_attachment,
            download_name=self.original_name,
        )


def _kind_for(filename: str, head: bytes, allowed: tuple[str, ...]) -> FileKind | None:
    suffix = Path(filename).suffix.lower()
    for name in allowed:
        kind = KINDS[name]
        if suffix in kind.extensions and (not kind.magic or head.startswith(kind.magic)):
            return kind
    return None


def store_upload(
    file_storage,
    *,
    allowed: tuple[str, ...] = ("pdf",),
    max_bytes: int | None = None,
    uploaded_by=None,
    field: str = "file",
) -> StoredFile:
    if file_storage is None or not file_storage.filename:
        raise ValidationFailed(_l("Kies een bestand."), field=field)
    data = file_storage.read()
    return store_bytes(
        data,
        file_storage.filename,
        allowed=allowed,
        max_bytes=max_bytes,
        uploaded_by=uploaded_by,
        field=field,
    )


def store_bytes(
    data: bytes,
    filename: str,
    *,
    allowed: tuple[str, ...] = ("pdf",),
    max_bytes: int | None = None,
    uploaded_by=None,
    field: str = "file",
) -> StoredFile:
    limit = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(
            _l("Het bestand is te groot (maximaal %(size)s).", size=size_text(limit)),
            field=field,
        )
    if not data:
        raise ValidationFailed(_l("Het bestand is leeg."), field=field)
    kind = _kind_for(filename, data[:8], allowed)
    if kind is None:
        names = ", ".join(a.upper() for a in allowed)
        raise ValidationFailed(
            _l("Dit bestandstype is niet toegestaan; toegestaan: %(types)s.", types=names),
            field=field,
        )
    digest = hashlib.sha256(data).hexdigest()
    stored = StoredFile(
        original_name=_stored_name(filename, kind),
        content_type=kind.content_type,
        size=len(data),
        sha256=digest,
        uploaded_by_id=uploaded_by.id if uploaded_by else None,
    )
    target = stored.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        os.utime(target)  # fresh again: the upload clean-up spares it until this commits
    else:
        target.write_bytes(data)
        db.session.info.setdefault(NEW_FILES, []).append(target)
    db.session.add(stored)
    return stored


MAX_NAME = 255  # StoredFile.original_name; PostgreSQL refuses longer, SQLite would not


def _stored_name(filename: str, kind: FileKind) -> str:
    name = secure_filename(filename) or f"bestand{kind.extensions[0]}"
    if len(name) > MAX_NAME:
        suffix = Path(name).suffix  # one of kind.extensions: short
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


# -- files of rolled-back transactions -----------------------------------------------------

NEW_FILES = "procure.uploads.new_files"


@event.listens_for(Session, "after_commit")
def _keep_new_files(session) -> None:
    session.info.pop(NEW_FILES, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_new_files(session, previous_transaction) -> None:
    """The outermost transaction was rolled back: the files it wrote belong to no row.
    (Savepoints keep theirs: the outer transaction may still commit rows using them.)"""
    if previous_transaction.parent is not None:
        return
    paths = session.info.pop(NEW_FILES, None)
    if not paths:
        return
    digests = [path.name for path in paths]
    # A separate connection: the session's own transaction has just ended.
    with session.get_bind().connect() as connection:
        in_use = set(
            connection.execute(
                select(StoredFile.sha256).where(StoredFile.sha256.in_(digests))
            ).scalars()
        )
    for path in paths:
        if path.name not in in_use:
            path.unlink(missing_ok=True)
