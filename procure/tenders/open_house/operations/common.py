"""Helpers shared by the open-house stages: settings, entry moments, labels, uploads,
notices."""

from datetime import date, datetime
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.audit import record
from procure.core.errors import ValidationFailed
from procure.core.timeutil import to_local
from procure.core.uploads import KINDS
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house import schedule
from procure.tenders.open_house.models import (
    Application,
    EntryMoment,
    Notice,
    OpenHouseSettings,
)

PROCEDURE = "open_house"


UPLOAD_KINDS = ("pdf", "docx", "xlsx")


VARIANTS = ("effort", "output", "task")


def localised(fn, *args, **kwargs):
    """Run a translation/formatting call also outside a request (CLI, scheduler, demo)."""
    if has_request_context():
        return fn(*args, **kwargs)
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
        return fn(*args, **kwargs)


def as_text(lazy) -> str:
    return localised(str, lazy)


def day_label(day: date) -> str:
    return localised(format_date, day, "d MMMM yyyy")


def moment_label(moment: datetime) -> str:
    return localised(format_datetime, to_local(moment), "d MMMM yyyy HH:mm", rebase=False)


def settings_for(tender: Tender) -> OpenHouseSettings:
    settings = db.session.execute(
        select(OpenHouseSettings).where(OpenHouseSettings.tender_id == tender.id)
    ).scalar()
    if settings is None:
        raise ValidationFailed(_l("Deze aanbesteding is geen open house."))
    return settings


def ensure_open_house(tender: Tender) -> None:
    if tender.procedure != PROCEDURE:
        raise ValidationFailed(_l("Deze aanbesteding is geen open house."))


def term_end(tender: Tender) -> date:
    """The end of the open-house term (without extensions)."""
    return schedule.term_end(tender.contract_start, tender.duration_months)


def moments(tender: Tender) -> list[EntryMoment]:
    return list(
        db.session.execute(
            select(EntryMoment)
            .where(EntryMoment.tender_id == tender.id)
            .order_by(EntryMoment.entry_date)
        ).scalars()
    )


def read_uploads(files: dict, requirements: dict) -> dict:
    """Read and check every uploaded file before anything is written (nothing is stored
    when one of them is refused)."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    result = {}
    for req_id, storage in (files or {}).items():
        if storage is None or not getattr(storage, "filename", ""):
            continue
        data = storage.read()
        number = requirements[req_id].number if req_id in requirements else "?"
        field = f"file_{req_id}"
        if len(data) > limit:
            raise ValidationFailed(
                _l(
                    "Het bestand bij eis %(n)s is te groot (maximaal %(mb)s MB); er is niets "
                    "opgeslagen.",
                    n=number,
                    mb=round(limit / 1_048_576, 1),
                ),
                field=field,
            )
        suffix = Path(storage.filename).suffix.lower()
        kind_ok = any(
            suffix in KINDS[k].extensions
            and (not KINDS[k].magic or data[:8].startswith(KINDS[k].magic))
            for k in UPLOAD_KINDS
        )
        if not data or not kind_ok:
            raise ValidationFailed(
                _l(
                    "Het bestand bij eis %(n)s is geen toegestaan type (PDF, DOCX of XLSX); er "
                    "is niets opgeslagen.",
                    n=number,
                ),
                field=field,
            )
        result[req_id] = (data, storage.filename)
    return result


def notify(application: Application, kind: str, message: str) -> Notice:
    notice = Notice(
        region_id=application.region_id,
        provider_id=application.provider_id,
        application_id=application.id,
        kind=kind,
        message=message,
    )
    db.session.add(notice)
    record(f"open_house.notice.{kind}", application, note=message[:2000])
    return notice
