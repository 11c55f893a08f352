"""Backups: the database (SQLite through its online backup API, PostgreSQL with pg_dump) and
the uploads folder, into one directory per backup; restore reads such a directory back.

SQLite's backup API copies a consistent snapshot while the app keeps running; so does
pg_dump. Restore replaces the whole database: stop the web, worker and scheduler
processes first.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from procure.core.timeutil import AMSTERDAM

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS_FILE = "uploads.tar.gz"


class BackupError(RuntimeError):
    pass


def _database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq_url(url) -> str:
    """The SQLAlchemy URL as pg_dump understands it (no +driver)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} niet gevonden: installeer postgresql-client.")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} mislukte: {done.stderr.strip()[-500:]}")


def default_target() -> Path:
    folder = Path(
        current_app.config["BACKUP_FOLDER"] or Path(current_app.instance_path) / "backups"
    )
    stamp = datetime.now(AMSTERDAM).strftime("%Y%m%d-%H%M%S")
    return folder / f"procure-{stamp}"


def backup(target: Path | None = None) -> Path:
    """Write the database and the uploads into `target` (a new directory); returns it."""
    target = Path(target or default_target())
    target.mkdir(parents=True, exist_ok=False)
    url = _database_url()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target / SQLITE_FILE)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--file={target / PG_FILE}",
                f"--dbname={_libpq_url(url)}",
            ]
        )
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tarfile.open(target / UPLOADS_FILE, "w:gz") as archive:
        if uploads.is_dir():
            archive.add(uploads, arcname="uploads")
    return target


def restore(source: Path) -> None:
    """Replace the database and the uploads with the backup in `source`."""
    source = Path(source)
    url = _database_url()
    if url.get_backend_name() == "sqlite":
        dump = source / SQLITE_FILE
        if not dump.is_file():
            raise BackupError(f"{dump} ontbreekt: dit is geen SQLite-back-up van procure.")
        backup_db = sqlite3.connect(dump)
        live = sqlite3.connect(url.database)
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    else:
        dump = source / PG_FILE
        if not dump.is_file():
            raise BackupError(f"{dump} ontbreekt: dit is geen PostgreSQL-back-up van procure.")
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq_url(url)}",
                str(dump),
            ]
        )
    archive_path = source / UPLOADS_FILE
    if archive_path.is_file():
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(uploads.parent / ".restore", filter="data")
        restored = uploads.parent / ".restore" / "uploads"
        if uploads.exists():
            shutil.rmtree(uploads)
        if restored.is_dir():
            restored.rename(uploads)
        shutil.rmtree(uploads.parent / ".restore", ignore_errors=True)
