"""Context builders for the tender documents (Selectiedocument, Dialoogdocument,
Inschrijfdocument, Toelatingsdocument) and the letters (award, rejection with standstill
end date and reasons, open-house admission and rejection). The tender and open-house models
are read defensively so they can evolve without changes here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from procure.documents.contexts import DocumentSpec, _attr, party_provider, party_region
from procure.documents.formatting import (
    PROCEDURE_WORDS,
    VARIANT_WORDS,
    end_moment,
    euro,
    long_date,
    moment,
    number,
)
from procure.extensions import db
from procure.tenders.operations import lot_results


def _task_area_name(tender) -> str:
    if not tender.task_area_id:
        return "jeugdhulp"
    from procure.catalogue.models import TaskArea

    area = db.session.get(TaskArea, tender.task_area_id)
    return area.name if area else "jeugdhulp"


def _add_months(day, months: int):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def tender_data(tender) -> dict:
    criteria = sorted(getattr(tender, "criteria", None) or [], key=lambda c: c.position)
    rules = []
    for rule in getattr(tender, "lot_rules", None) or []:
        numbers = [str(lot.number) for lot in rule.lots]
        if len(numbers) >= 2:
            rules.append(
                f"De percelen {', '.join(numbers[:-1])} en {numbers[-1]} worden aan "
                "verschillende partijen gegund."
            )
    if getattr(tender, "one_partner_per_lot", False):
        rules.append("Per perceel wordt aan één partij gegund.")
    start = tender.contract_start
    end = _add_months(start, tender.duration_months) - timedelta(days=1) if start else None
    return {
        "reference": tender.reference,
        "title": tender.title,
        "procedure": tender.procedure,
        "procedure_words": PROCEDURE_WORDS.get(tender.procedure, tender.procedure),
        "description": tender.description or "",
        "task_area": _task_area_name(tender),
        "variant_words": VARIANT_WORDS.get(tender.variant, tender.variant),
        "value": euro(tender.estimated_value) if tender.estimated_value else None,
        "start": long_date(start) if start else "nader te bepalen",
        "end": long_date(end) if end else None,
        "duration_months": tender.duration_months,
        "extension_count": tender.extension_count,
        "extension_months": tender.extension_months,
        "max_partners": getattr(tender, "max_partners", None),
        "registration_deadline": moment(_attr(tender, "registration_deadline")),
        "dialogue_end": moment(_attr(tender, "dialogue_end")),
        "bid_deadline": moment(_attr(tender, "bid_deadline")),
        "standstill_days": getattr(tender, "standstill_days", 20) or 20,
        "lots": [
            {
                "number": lot.number,
                "name": lot.name,
                "areas": getattr(lot, "areas", "") or "",
                "max_partners": lot.max_partners,
            }
            for lot in tender.lots
        ],
        "rules": rules,
        "criteria": [
            {"name": c.name, "weight": number(c.weight), "is_price": c.is_price} for c in criteria
        ],
        "emvi": bool(criteria),
        "agreements": [
            {"position": a.position, "text": a.text}
            for a in sorted(getattr(tender, "agreements", None) or [], key=lambda a: a.position)
        ],
        "sessions": [
            {"held_on": long_date(s.held_on), "topic": s.topic}
            for s in sorted(getattr(tender, "sessions", None) or [], key=lambda s: s.held_on)
        ],
    }


TENDER_DOCS = {
    "selection_document": ("Selectiedocument", "documents/selection_document.html"),
    "dialogue_document": ("Dialoogdocument", "documents/dialogue_document.html"),
    "bid_document": ("Inschrijfdocument", "documents/bid_document.html"),
    "admission_document": ("Toelatingsdocument", "documents/admission_document.html"),
}


def tender_document_spec(tender, kind: str) -> DocumentSpec:
    label, template = TENDER_DOCS[kind]
    region = tender.region
    context = {"client": party_region(region), "tender": tender_data(tender)}
    if kind == "dialogue_document":
        context["selected"] = _selected_counts(tender)
    if kind == "admission_document":
        context["open_house"] = open_house_data(tender)
    return DocumentSpec(
        kind=kind,
        template=template,
        record_type="tender",
        record_id=tender.id,
        region_id=region.id,
        title=f"{label} {tender.reference}",
        reference=tender.reference,
        author=region.name,
        subject=f"{label} {tender.title}",
        created=_attr(tender, "published_at", "created_at", default=tender.contract_start),
        context=context,
        filename=f"{label.lower()}-{tender.reference}",
    )


def _selected_counts(tender) -> list[dict]:
    try:
        from procure.tenders.models import Registration
    except ImportError:
        return []
    rows = db.session.execute(
        select(Registration).where(
            Registration.tender_id == tender.id, Registration.status == "selected"
        )
    ).scalars()
    counts = {lot.number: 0 for lot in tender.lots}
    for reg in rows:
        for lot in reg.lots:
            counts[lot.number] = counts.get(lot.number, 0) + 1
    names = {lot.number: lot.name for lot in tender.lots}
    return [{"number": n, "name": names.get(n, ""), "count": c} for n, c in sorted(counts.items())]


# -- award and rejection letters -------------------------------------------------------------


def _standstill_end(tender):
    explicit = _attr(tender, "standstill_ends_at")
    if explicit:
        return explicit
    start = _attr(tender, "provisional_award_at")
    if start:
        return start + timedelta(days=getattr(tender, "standstill_days", 20) or 20)
    return None


def _bids_and_awards(tender):
    from procure.tenders.models import Bid, LotAward

    bids = db.session.execute(select(Bid).where(Bid.tender_id == tender.id)).scalars().all()
    awards = (
        db.session.execute(select(LotAward).where(LotAward.tender_id == tender.id)).scalars().all()
    )
    return bids, awards


def letter_recipients(tender, kind: str) -> list[dict]:
    """Providers a letter of this kind can be addressed to (value = provider id)."""
    try:
        bids, awards = _bids_and_awards(tender)
    except ImportError:
        return []
    awarded = {(a.lot_id, a.provider_id) for a in awards}
    providers = {}
    for bid in bids:
        won = (bid.lot_id, bid.provider_id) in awarded
        if (kind == "award_letter" and won) or (kind == "rejection_letter" and not won and awards):
            providers[bid.provider_id] = bid.provider.name
    return [
        {"value": pid, "label": name}
        for pid, name in sorted(providers.items(), key=lambda kv: kv[1])
    ]


def _points(value) -> str:
    return number(Decimal(value).quantize(Decimal("0.01"))) if value is not None else "—"


def award_letter_spec(tender, *, param: int | None = None, rejection: bool = False) -> DocumentSpec:
    from procure.organisations.models import Provider

    provider = db.session.get(Provider, param) if param else None
    if provider is None:
        from flask import abort

        abort(404)
    bids, awards = _bids_and_awards(tender)
    own_bids = [b for b in bids if b.provider_id == provider.id]
    awards_by_lot: dict[int, list] = {}
    for award in awards:
        awards_by_lot.setdefault(award.lot_id, []).append(award)
    # the totals, ranks and scores of the award page, computed once by the tender domain
    ranked = {e.bid_id: e for entries in lot_results(tender)["lots"].values() for e in entries}
    criteria = sorted(tender.criteria, key=lambda c: c.position)
    lots = []
    for bid in sorted(own_bids, key=lambda b: b.lot.number):
        lot_awards = awards_by_lot.get(bid.lot_id, [])
        own_award = next((a for a in lot_awards if a.provider_id == provider.id), None)
        if rejection == (own_award is not None):
            continue
        own = ranked.get(bid.id)
        best_award = min(lot_awards, key=lambda a: a.rank) if lot_awards else None
        best = ranked.get(best_award.bid_id) if best_award else None
        lots.append(
            {
                "number": bid.lot.number,
                "name": bid.lot.name,
                "rank": own.rank if own else None,
                "total": _points(own.total if own else None),
                "best_total": _points(best.total if best else None),
                "winners": [a.provider.name for a in sorted(lot_awards, key=lambda a: a.rank)],
                "criteria": [
                    {
                        "name": c.name,
                        "weight": number(c.weight),
                        "own": _points(own.scores.get(c.id) if own else None),
                        "best": _points(best.scores.get(c.id) if best else None),
                    }
                    for c in criteria
                ],
                "price": euro(bid.price) if bid.price is not None else None,
            }
        )
    standstill_end = _standstill_end(tender)
    decided = _attr(tender, "provisional_award_at", "awarded_at", "created_at")
    region = tender.region
    kind = "rejection_letter" if rejection else "award_letter"
    label = "Afwijzing" if rejection else "Voorlopige gunning"
    context = {
        "client": party_region(region),
        "tender": tender_data(tender),
        "provider": party_provider(provider),
        "lots": lots,
        "standstill_end": end_moment(standstill_end) if standstill_end else None,
        "standstill_days": getattr(tender, "standstill_days", 20) or 20,
        "date": long_date(decided) if decided else "",
        "letter_reference": f"{tender.reference}/{'AF' if rejection else 'GU'}/{provider.id}",
    }
    return DocumentSpec(
        kind=kind,
        template=f"documents/{kind}.html",
        record_type="tender",
        record_id=tender.id,
        region_id=region.id,
        provider_id=provider.id,
        title=f"{label} {tender.reference} – {provider.name}",
        reference=context["letter_reference"],
        author=region.name,
        subject=f"{label} in de aanbesteding {tender.title}",
        created=decided,
        context=context,
        filename=f"{kind}-{tender.reference}-{provider.short_code}",
    )


def rejection_letter_spec(tender, *, param: int | None = None) -> DocumentSpec:
    return award_letter_spec(tender, param=param, rejection=True)


# -- open house ----------------------------------------------------------------------------------


def open_house_data(tender) -> dict:
    try:
        from procure.tenders.open_house import models as oh
    except ImportError:
        return {
            "conditions": "",
            "requirements": [],
            "categories": [],
            "moments": [],
            "continuous": False,
            "months": [],
        }
    settings = db.session.execute(
        select(oh.OpenHouseSettings).filter_by(tender_id=tender.id)
    ).scalar()
    requirements = (
        db.session.execute(
            select(oh.Requirement).filter_by(tender_id=tender.id).order_by(oh.Requirement.number)
        )
        .scalars()
        .all()
    )
    categories = (
        db.session.execute(
            select(oh.Category).filter_by(tender_id=tender.id).order_by(oh.Category.code)
        )
        .scalars()
        .all()
    )
    moments = (
        db.session.execute(
            select(oh.EntryMoment)
            .filter_by(tender_id=tender.id)
            .order_by(oh.EntryMoment.entry_date)
        )
        .scalars()
        .all()
    )
    from procure.documents.formatting import month_name

    months = []
    if settings is not None and not settings.is_continuous:
        months = [month_name(m) for m in settings.months]
    return {
        "conditions": settings.admission_conditions if settings else "",
        "continuous": bool(settings and settings.is_continuous),
        "months": months,
        "application_weeks": getattr(settings, "application_weeks", 8) if settings else 8,
        "assessment_weeks": getattr(settings, "continuous_assessment_weeks", 6) if settings else 6,
        "requirements": [
            {"number": r.number, "text": r.text, "document": r.requires_document}
            for r in requirements
        ],
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "products": [f"{p.code} {p.name}" for p in c.products],
            }
            for c in categories
        ],
        "moments": [
            {"entry": long_date(m.entry_date), "deadline": moment(m.application_deadline)}
            for m in moments
        ],
    }


def application_recipients(tender, status: str) -> list[dict]:
    try:
        from procure.tenders.open_house.models import Application
    except ImportError:
        return []
    rows = (
        db.session.execute(
            select(Application)
            .where(Application.tender_id == tender.id, Application.status == status)
            .order_by(Application.reference)
        )
        .scalars()
        .all()
    )
    return [{"value": a.id, "label": f"{a.reference} {a.provider.name}"} for a in rows]


def admission_letter_spec(
    tender, *, param: int | None = None, rejection: bool = False
) -> DocumentSpec:
    from flask import abort

    from procure.tenders.open_house.models import Admission, Application

    application = db.session.get(Application, param) if param else None
    if (
        application is None
        or application.tender_id != tender.id
        or application.status != ("rejected" if rejection else "admitted")
    ):
        abort(404)
    admissions = (
        db.session.execute(select(Admission).where(Admission.application_id == application.id))
        .scalars()
        .all()
    )
    contract_refs = sorted({a.contract_id for a in admissions if a.contract_id})
    references = []
    if contract_refs:
        from procure.contracts.models import Contract

        references = [
            c.reference
            for c in db.session.execute(
                select(Contract).where(Contract.id.in_(contract_refs))
            ).scalars()
        ]
    cats = [
        {"code": ac.category.code, "name": ac.category.name, "decision": ac.decision}
        for ac in application.categories
    ]
    failed = [
        {"number": ans.requirement.number, "text": ans.requirement.text, "remark": ans.remark}
        for ans in application.answers
        if ans.score == "not_met"
    ]
    failed.sort(key=lambda r: r["number"])
    start = min((a.start_date for a in admissions), default=None) or (
        application.entry_moment.entry_date if application.entry_moment else None
    )
    region = tender.region
    kind = "admission_rejection_letter" if rejection else "admission_letter"
    label = "Afwijzing aanvraag tot toelating" if rejection else "Toelating"
    context = {
        "client": party_region(region),
        "tender": tender_data(tender),
        "provider": party_provider(application.provider),
        "application": {
            "reference": application.reference,
            "submitted": long_date(application.submitted_at),
            "reason": application.decision_reason or "",
        },
        "categories": cats,
        "failed": failed,
        "start": long_date(start) if start else None,
        "contracts": references,
        "date": long_date(application.decided_at) if application.decided_at else "",
        "letter_reference": f"{application.reference}/{'AF' if rejection else 'TO'}",
    }
    return DocumentSpec(
        kind=kind,
        template=f"documents/{kind}.html",
        record_type="tender",
        record_id=tender.id,
        region_id=region.id,
        provider_id=application.provider_id,
        title=f"{label} {application.reference} – {application.provider.name}",
        reference=context["letter_reference"],
        author=region.name,
        subject=f"{label} open house {tender.title}",
        created=application.decided_at or application.submitted_at,
        context=context,
        filename=f"{kind}-{application.reference}",
    )


def admission_rejection_letter_spec(tender, *, param: int | None = None) -> DocumentSpec:
    return admission_letter_spec(tender, param=param, rejection=True)
