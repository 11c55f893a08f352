"""Missing-care operations: report, withdraw, and feed a theme of a period into a market
consultation. Each runs in one transaction and writes the audit log."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.audit import record, record_new
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.timeutil import to_local
from procure.core.types import utcnow
from procure.extensions import db
from procure.missing_care import policy
from procure.missing_care.models import HALVES, THEMES, MissingCareEntry
from procure.organisations.models import Municipality


@operation
def record_entry(
    *,
    actor,
    year: int,
    half: int,
    theme: str,
    description: str,
    youngsters: int | None = None,
    at: datetime | None = None,
) -> MissingCareEntry:
    """A municipality's report; `at` is the moment of reporting (now by default), which
    decides the half-years still open for it."""
    moment = at or utcnow()
    if half not in HALVES:
        raise ValidationFailed(_l("Kies het eerste of tweede halfjaar."), field="period")
    refusal = policy.entry_refusal(actor, year, half, to_local(moment).date())
    if refusal:
        raise (
            ValidationFailed(refusal, field="period")
            if policy.can_enter(actor)
            else NotAllowed(refusal)
        )
    if theme not in THEMES:
        raise ValidationFailed(_l("Kies een thema."), field="theme")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(
            _l("Beschrijf welke zorg de toegang niet kan vinden."), field="description"
        )
    if youngsters is not None and not 0 < youngsters <= 10_000:
        raise ValidationFailed(_l("Geef een aantal tussen 1 en 10.000."), field="youngsters")
    municipality = db.session.get(Municipality, actor.municipality_id)
    entry = MissingCareEntry(
        region_id=municipality.region_id,
        municipality_id=municipality.id,
        year=year,
        half=half,
        theme=theme,
        description=description,
        youngsters=youngsters,
        entered_by_id=actor.id,
        entered_at=moment,
    )
    return record_new(
        entry,
        "missing_care.reported",
        actor=actor,
        new={"period": entry.period_label, "theme": theme, "youngsters": youngsters},
    )


@operation
def withdraw_entry(entry: MissingCareEntry, *, actor) -> None:
    if not policy.can_withdraw(actor, entry):
        raise NotAllowed(
            _l(
                "Alleen de melder trekt een melding in, zolang die niet tot een "
                "marktconsultatie leidde."
            )
        )
    record(
        "missing_care.withdrawn",
        entry,
        actor=actor,
        old={"period": entry.period_label, "theme": entry.theme, "description": entry.description},
    )
    db.session.delete(entry)


@operation
def feed_consultation(
    *, region_id: int, year: int, half: int, theme: str, consultation, actor
) -> int:
    """Link the period's reports on `theme` to the market consultation that takes them up
    in the next purchasing round; returns how many reports it took up."""
    if not policy.can_link(actor, region_id) or consultation.region_id != region_id:
        raise NotAllowed(
            _l("Alleen inkopers van de regio koppelen ontbrekend aanbod aan een marktconsultatie.")
        )
    entries = list(
        db.session.execute(
            select(MissingCareEntry).where(
                MissingCareEntry.region_id == region_id,
                MissingCareEntry.year == year,
                MissingCareEntry.half == half,
                MissingCareEntry.theme == theme,
                MissingCareEntry.consultation_id.is_(None),
            )
        ).scalars()
    )
    if not entries:
        raise ValidationFailed(
            _l("Geen open meldingen voor dit thema in deze periode."), field="theme"
        )
    for entry in entries:
        entry.consultation_id = consultation.id
    record(
        "missing_care.fed_consultation",
        consultation,
        actor=actor,
        new={"period": f"{year}-H{half}", "theme": theme, "entries": [e.id for e in entries]},
    )
    return len(entries)
