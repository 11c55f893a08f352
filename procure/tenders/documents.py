"""The documents of an SAS tender: selection, dialogue and bid documents, and the award and
rejection letters with the totals, ranks and scores of the award page (lot_results, scored
by procure.tenders.sas). Registered with procure.documents.registry from
procure.tenders.init_app; the open house adds its own kinds
(procure.tenders.open_house.documents)."""

from datetime import timedelta
from decimal import Decimal

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from procure.auth.permissions import get_scoped_or_404
from procure.documents.contexts import DocumentSpec, party_provider, party_region
from procure.documents.formatting import (
    PROCEDURE_WORDS,
    VARIANT_WORDS,
    end_moment,
    euro,
    long_date,
    moment,
    number,
)
from procure.documents.registry import Kind, RecordType, register, url_or_none
from procure.extensions import db
from procure.organisations.models import Provider
from procure.tenders.models import Bid, LotAward, Registration, Tender
from procure.tenders.operations import lot_results
from procure.tenders.policy import OFFICERS, SELECTED, is_published
from procure.tenders.sas import add_months


def _task_area_name(tender) -> str:
    return tender.task_area.name if tender.task_area else "jeugdhulp"


def tender_data(tender) -> dict:
    criteria = sorted(tender.criteria, key=lambda c: c.position)
    rules = []
    for rule in tender.lot_rules:
        numbers = [str(lot.number) for lot in rule.lots]
        if len(numbers) >= 2:
            rules.append(
                f"De percelen {', '.join(numbers[:-1])} en {numbers[-1]} worden aan "
                "verschillende partijen gegund."
            )
    if tender.one_partner_per_lot:
        rules.append("Per perceel wordt aan één partij gegund.")
    start = tender.contract_start
    end = add_months(start, tender.duration_months) - timedelta(days=1) if start else None
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
        "max_partners": tender.max_partners,
        "registration_deadline": moment(tender.registration_deadline),
        "dialogue_end": moment(tender.dialogue_end),
        "bid_deadline": moment(tender.bid_deadline),
        "standstill_days": tender.standstill_days or 20,
        "lots": [
            {
                "number": lot.number,
                "name": lot.name,
                "areas": lot.areas or "",
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
            for a in sorted(tender.agreements, key=lambda a: a.position)
        ],
        "sessions": [
            {"held_on": long_date(s.held_on), "topic": s.topic}
            for s in sorted(tender.sessions, key=lambda s: s.held_on)
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
        from procure.tenders.open_house.documents import open_house_data

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
        created=tender.published_at or tender.created_at or tender.contract_start,
        context=context,
        filename=f"{label.lower()}-{tender.reference}",
    )


def _selected_counts(tender) -> list[dict]:
    rows = db.session.execute(
        select(Registration).where(
            Registration.tender_id == tender.id, Registration.status == SELECTED
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
    if tender.standstill_ends_at:
        return tender.standstill_ends_at
    if tender.provisional_award_at:
        return tender.provisional_award_at + timedelta(days=tender.standstill_days or 20)
    return None


def _bids_and_awards(tender):
    bids = db.session.execute(select(Bid).where(Bid.tender_id == tender.id)).scalars().all()
    awards = (
        db.session.execute(select(LotAward).where(LotAward.tender_id == tender.id)).scalars().all()
    )
    return bids, awards


def letter_recipients(tender, kind: str) -> list[dict]:
    """Providers a letter of this kind can be addressed to (value = provider id)."""
    bids, awards = _bids_and_awards(tender)
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


def _letter_lot(bid, lot_awards: list, ranked: dict, criteria: list) -> dict:
    """A lot of the letter: the provider's rank, total and scores beside the best's."""
    own = ranked.get(bid.id)
    best_award = min(lot_awards, key=lambda a: a.rank) if lot_awards else None
    best = ranked.get(best_award.bid_id) if best_award else None
    return {
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


def _letter_lots(tender, provider, rejection: bool) -> list[dict]:
    """The lots the provider bid on that the letter is about: won ones for an award
    letter, the others for a rejection."""
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
        lots.append(_letter_lot(bid, lot_awards, ranked, criteria))
    return lots


def award_letter_spec(tender, *, param: int | None = None, rejection: bool = False) -> DocumentSpec:
    provider = db.session.get(Provider, param) if param else None
    if provider is None:
        abort(404)
    lots = _letter_lots(tender, provider, rejection)
    standstill_end = _standstill_end(tender)
    decided = tender.provisional_award_at or tender.awarded_at or tender.created_at
    region = tender.region
    kind = "rejection_letter" if rejection else "award_letter"
    label = "Afwijzing" if rejection else "Voorlopige gunning"
    context = {
        "client": party_region(region),
        "tender": tender_data(tender),
        "provider": party_provider(provider),
        "lots": lots,
        "standstill_end": end_moment(standstill_end) if standstill_end else None,
        "standstill_days": tender.standstill_days or 20,
        "date": long_date(decided) if decided else "",
        "letter_reference": f"{tender.reference}/{'AF' if rejection else 'GU'}/{provider.id}",
    }
    return letter_spec(
        tender,
        kind,
        context,
        provider_id=provider.id,
        title=f"{label} {tender.reference} – {provider.name}",
        subject=f"{label} in de aanbesteding {tender.title}",
        created=decided,
        filename=f"{kind}-{tender.reference}-{provider.short_code}",
    )


def letter_spec(tender, kind: str, context: dict, **spec) -> DocumentSpec:
    """A letter about a tender to one provider, from its template documents/<kind>.html."""
    return DocumentSpec(
        kind=kind,
        template=f"documents/{kind}.html",
        record_type="tender",
        record_id=tender.id,
        region_id=tender.region.id,
        reference=context["letter_reference"],
        author=tender.region.name,
        context=context,
        **spec,
    )


def rejection_letter_spec(tender, *, param: int | None = None) -> DocumentSpec:
    return award_letter_spec(tender, param=param, rejection=True)


# -- the record type -----------------------------------------------------------------------


def _tender_kinds(tender) -> list[Kind]:
    def doc(kind, label):
        return Kind(kind, label, lambda t, **_: tender_document_spec(t, kind))

    def letters(kind, label, builder, recipients):
        return (
            [Kind(kind, label, builder, params=recipients, staff_only=True)] if recipients else []
        )

    if tender.procedure == "open_house":
        from procure.tenders.open_house.documents import open_house_kinds

        return open_house_kinds(tender, doc, letters)
    kinds = []
    if tender.procedure == "sas_dialogue":
        kinds += [
            doc("selection_document", _l("Selectiedocument")),
            doc("dialogue_document", _l("Dialoogdocument")),
        ]
    kinds.append(doc("bid_document", _l("Inschrijfdocument")))
    kinds += letters(
        "award_letter",
        _l("Gunningsbrief"),
        award_letter_spec,
        letter_recipients(tender, "award_letter"),
    )
    kinds += letters(
        "rejection_letter",
        _l("Afwijzingsbrief"),
        rejection_letter_spec,
        letter_recipients(tender, "rejection_letter"),
    )
    return kinds


def _tender_back(tender):
    endpoint = "open_house.detail" if tender.procedure == "open_house" else "tenders.detail"
    return url_or_none(endpoint, tender_id=tender.id) or url_or_none("tenders.index")


def _load_tender(record_id: int):
    """Providers never see a tender (or open house) that is still in concept."""
    tender = get_scoped_or_404(Tender, record_id)
    if current_user.is_provider and not is_published(tender):
        abort(404)
    return tender


register(
    RecordType(
        "tender",
        _l("Aanbesteding"),
        lambda: Tender,
        _tender_kinds,
        loader=_load_tender,
        title=lambda t: f"{t.reference} {t.title}",
        back=_tender_back,
        writers=lambda t, u: u.role in OFFICERS,
    )
)
