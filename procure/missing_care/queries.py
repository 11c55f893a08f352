"""Reads of the missing-care survey: a municipality's own reports, the region's overview
per half-year and theme, and the reports that fed a consultation."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from procure.auth.permissions import scoped
from procure.extensions import db
from procure.missing_care.models import THEMES, MissingCareEntry


@dataclass
class ThemeRow:
    theme: str
    label: str
    reports: int = 0
    municipalities: list[str] = field(default_factory=list)
    youngsters: int = 0
    open_reports: int = 0
    consultations: list = field(default_factory=list)


def entries(user, year=None, half=None):
    stmt = scoped(select(MissingCareEntry), MissingCareEntry, user).options(
        joinedload(MissingCareEntry.municipality), joinedload(MissingCareEntry.consultation)
    )
    if year is not None:
        stmt = stmt.where(MissingCareEntry.year == year, MissingCareEntry.half == half)
    stmt = stmt.order_by(
        MissingCareEntry.year.desc(), MissingCareEntry.half.desc(), MissingCareEntry.theme
    )
    return list(db.session.execute(stmt).unique().scalars())


def periods(user) -> list[tuple[int, int]]:
    stmt = scoped(
        select(MissingCareEntry.year, MissingCareEntry.half).distinct(), MissingCareEntry, user
    ).order_by(MissingCareEntry.year.desc(), MissingCareEntry.half.desc())
    return [tuple(row) for row in db.session.execute(stmt)]


def overview(user, year: int, half: int) -> list[ThemeRow]:
    """Per theme (in the seed's order): reports, the municipalities that report it, the
    youngsters concerned, and the consultations that took it up."""
    from procure.missing_care.models import resolved_themes

    labels = resolved_themes()
    rows = {key: ThemeRow(key, labels[key]) for key in THEMES}
    for entry in entries(user, year, half):
        row = rows[entry.theme]
        row.reports += 1
        if entry.municipality.name not in row.municipalities:
            row.municipalities.append(entry.municipality.name)
        row.youngsters += entry.youngsters or 0
        if entry.consultation is None:
            row.open_reports += 1
        elif entry.consultation not in row.consultations:
            row.consultations.append(entry.consultation)
    return [r for r in rows.values() if r.reports]


def linked_to(consultation_id: int) -> list[MissingCareEntry]:
    stmt = (
        select(MissingCareEntry)
        .where(MissingCareEntry.consultation_id == consultation_id)
        .options(joinedload(MissingCareEntry.municipality))
        .order_by(MissingCareEntry.year, MissingCareEntry.half, MissingCareEntry.theme)
    )
    return list(db.session.execute(stmt).scalars())
