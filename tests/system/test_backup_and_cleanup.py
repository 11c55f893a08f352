"""`flask backup` / `flask restore` round trip (SQLite online backup API, or pg_dump and
pg_restore on PostgreSQL) with the uploads, and `flask uploads cleanup`, which removes
only uploads no row references."""

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.auth.models import User
from procure.core.uploads import StoredFile, store_bytes
from procure.documents.models import GeneratedDocument
from procure.extensions import db
from tests import factories as f


def _emails() -> set[str]:
    return set(db.session.execute(select(User.email)).scalars())


def test_backup_then_restore_brings_back_database_and_uploads(app, tmp_path):
    runner = app.test_cli_runner()
    f.user("procurement", email="inkoper@regiowbojeugd.nl")
    kept = store_bytes(b"%PDF-1.7 ondertekende overeenkomst Kompas", "overeenkomst.pdf")
    db.session.commit()
    kept_path = kept.path

    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "backup" / "uploads.tar.gz").is_file()

    f.user("contract_manager", email="contractmanager@regiowbojeugd.nl")
    db.session.execute(db.delete(User).where(User.email == "inkoper@regiowbojeugd.nl"))
    db.session.commit()
    kept_path.unlink()
    db.session.remove()
    db.engine.dispose()  # restore replaces the database: no open connections

    result = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert result.exit_code == 0, result.output
    db.engine.dispose()
    assert "inkoper@regiowbojeugd.nl" in _emails()
    assert "contractmanager@regiowbojeugd.nl" not in _emails()
    assert kept_path.read_bytes() == b"%PDF-1.7 ondertekende overeenkomst Kompas"


def test_restore_refuses_a_directory_that_is_no_backup(app, tmp_path):
    (tmp_path / "leeg").mkdir()
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "leeg"), "--yes"])
    assert result.exit_code != 0 and "geen" in result.output


def _document_for(stored: StoredFile) -> GeneratedDocument:
    region = f.region()
    document = GeneratedDocument(
        region_id=region.id,
        kind="contract",
        record_type="contract",
        record_id=1,
        title="Overeenkomst Jeugdhulp Kompas 2026",
        file_id=stored.id,
        sha256=stored.sha256,
        template_name="documents/contract.html",
        template_version="t",
        record_version="r",
    )
    db.session.add(document)
    db.session.commit()
    return document


def test_cleanup_removes_only_uploads_no_row_references(app):
    referenced = store_bytes(b"%PDF-1.7 gegenereerde overeenkomst", "overeenkomst.pdf")
    unreferenced = store_bytes(b"%PDF-1.7 los geuploade bijlage", "bijlage.pdf")
    db.session.commit()
    _document_for(referenced)
    # A file without a row, as a process killed between writing and committing leaves it
    # (a refused save removes its own files on rollback).
    content = b"%PDF-1.7 geweigerde opslag"
    digest = hashlib.sha256(content).hexdigest()
    refused_path = referenced.path.parent.parent / digest[:2] / digest
    refused_path.parent.mkdir(parents=True, exist_ok=True)
    refused_path.write_bytes(content)
    paths = {"referenced": referenced.path, "unreferenced": unreferenced.path}
    runner = app.test_cli_runner()

    result = runner.invoke(args=["uploads", "cleanup"])  # all younger than the grace period
    assert "0 niet-gebruikte bestandsregels, 0 bestanden" in result.output

    app.config["UPLOAD_CLEANUP_GRACE_MINUTES"] = -1
    dry = runner.invoke(args=["uploads", "cleanup", "--dry-run"])
    assert "Zou verwijderen: 1 niet-gebruikte bestandsregels, 2 bestanden" in dry.output
    assert refused_path.exists() and paths["unreferenced"].exists()

    result = runner.invoke(args=["uploads", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "Verwijderd: 1 niet-gebruikte bestandsregels, 2 bestanden" in result.output
    assert paths["referenced"].exists() and db.session.get(StoredFile, referenced.id)
    assert not paths["unreferenced"].exists() and not refused_path.exists()
    assert db.session.execute(select(func.count(StoredFile.id))).scalar() == 1
    event = db.session.execute(select(AuditEvent).filter_by(action="uploads.cleaned")).scalar()
    assert event is not None and str(unreferenced.id) in event.note


def test_cleanup_keeps_a_file_shared_by_a_referenced_row(app):
    data = b"%PDF-1.7 dezelfde inhoud twee keer"
    first = store_bytes(data, "a.pdf")
    second = store_bytes(data, "b.pdf")  # content-addressed: one file on disk
    db.session.commit()
    first_path, second_id = first.path, second.id
    _document_for(first)
    app.config["UPLOAD_CLEANUP_GRACE_MINUTES"] = -1
    result = app.test_cli_runner().invoke(args=["uploads", "cleanup"])
    assert "1 niet-gebruikte bestandsregels, 0 bestanden" in result.output
    db.session.expire_all()
    assert db.session.get(StoredFile, second_id) is None
    assert Path(first_path).exists()
