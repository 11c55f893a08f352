"""Context builders: one function per document type, turning a record into plain data
(strings, numbers, lists, dicts) for its template. Other domains' models are read
defensively (getattr with fallbacks) so they can grow without touching this package."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.documents.clauses import OPTIONAL_ARTICLES, OPTIONAL_LABELS
from procure.documents.formatting import (
    PROCEDURE_WORDS,
    VARIANT_WORDS,
    euro,
    long_date,
    number,
    short_date,
)
from procure.documents.library import ClauseRenderer
from procure.documents.models import DocumentChoices
from procure.extensions import db


@dataclass
class DocumentSpec:
    kind: str
    template: str
    record_type: str
    record_id: int
    region_id: int
    title: str
    reference: str
    author: str
    subject: str
    created: date | datetime | None
    context: dict
    municipality_id: int | None = None
    provider_id: int | None = None
    clause_versions: dict = field(default_factory=dict)
    filename: str = "document"

    @property
    def record_version(self) -> str:
        payload = json.dumps(self.context, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _attr(obj, *names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, "", []):
            return value
    return default


# What a document says when a record lacks a party detail: words, never a dash.
UNKNOWN = {
    "kvk": "(KvK-nummer nog niet vastgelegd)",
    "agb": "",  # no AGB code: the phrase is left out (not every provider has one)
    "address": "(adres nog niet vastgelegd)",
    "contact": "de door opdrachtnemer aan te wijzen contactpersoon",
}
POSTCODE = re.compile(r"^\d{4}\s?[A-Z]{2}\s+")


def seat(address: str | None) -> str:
    """'Hoofdstraat 1, 4811 DJ Breda' -> 'gevestigd te Breda, Hoofdstraat 1 (4811 DJ Breda)':
    the place of business first, as a Dutch contract names a party."""
    if not address or not address.strip():
        return "gevestigd op een nog niet vastgelegd adres"
    street, _sep, place = address.rpartition(",")
    place = place.strip()
    town = POSTCODE.sub("", place)
    if not street.strip():
        return f"gevestigd te {town}"
    return f"gevestigd te {town}, {street.strip()}" + (f" ({place})" if town != place else "")


def party_region(region) -> dict:
    names = [m.name for m in getattr(region, "municipalities", [])]
    return {
        "name": region.name,
        "kvk": region.kvk_number or UNKNOWN["kvk"],
        "address": region.address or UNKNOWN["address"],
        "seat": seat(region.address),
        "municipalities": names,
        "municipalities_text": _join(names),
    }


def party_municipality(municipality) -> dict:
    return {
        "name": f"Gemeente {municipality.name}",
        "cbs": municipality.cbs_code,
        "plain": municipality.name,
    }


def party_provider(provider) -> dict:
    if provider is None:
        return {
            "name": "",
            "kvk": "",
            "agb": "",
            "address": "",
            "seat": "",
            "contact": "",
            "contact_email": "",
            "members": [],
        }
    members = []
    if getattr(provider, "is_consortium", False):
        members = [m.member.name for m in provider.memberships]
    return {
        "name": provider.name,
        "kvk": provider.kvk_number or UNKNOWN["kvk"],
        "agb": provider.agb_code or UNKNOWN["agb"],
        "address": provider.address or UNKNOWN["address"],
        "seat": seat(provider.address),
        "contact": provider.contact_name or UNKNOWN["contact"],
        "contact_email": provider.contact_email or "",
        "contact_known": bool(provider.contact_name),
        "members": members,
    }


def _join(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " en " + names[-1]


def choices_for(record_type: str, record_id: int) -> DocumentChoices | None:
    return db.session.execute(
        select(DocumentChoices).filter_by(record_type=record_type, record_id=record_id)
    ).scalar()


# -- contract ----------------------------------------------------------------------------


def procedure_type(contract) -> str:
    return {"lot_award": "tender", "open_house": "admission"}.get(contract.origin, "custom")


def tender_choices(contract, tender, choices) -> tuple[bool, str]:
    """(selection phase held?, "emvi" / "no_emvi") from the choices, else the tender."""
    selection = (
        choices.tender_selection
        if choices and choices.tender_selection is not None
        else (tender is None or tender.procedure == "sas_dialogue")
    )
    basis = choices.award_basis if choices and choices.award_basis else None
    if basis is None and tender is not None:
        explicit = _attr(tender, "award_basis")
        if explicit in ("emvi", "no_emvi"):
            basis = explicit
        elif hasattr(tender, "criteria"):  # named criteria with weights = EMVI
            basis = "emvi" if tender.criteria else "no_emvi"
    return selection, basis or "emvi"


def _clause_fields(contract, tender, notice_months) -> dict:
    region = contract.region
    task_area = getattr(contract, "task_area", None)
    municipality = contract.municipality
    if tender is not None:
        tender_text = f"{tender.reference} “{tender.title}”"
    else:
        # A contract from an earlier tender that is not in the app: name the procedure.
        tender_text = (
            "de toelatingsprocedure jeugdhulp"
            if contract.origin == "open_house"
            else f"de aanbesteding {task_area.name}"
            if task_area
            else "de aanbesteding"
        )
    return {
        "regio": region.name,
        "aanbieder": contract.provider.name,
        "gemeente": municipality.name if municipality else region.name,
        "contractnummer": contract.reference,
        "ingangsdatum": short_date(contract.start_date),
        "einddatum": short_date(contract.end_date),
        "uitvoeringsvariant": VARIANT_WORDS.get(contract.variant, contract.variant),
        "taakgebied": task_area.name if task_area else "jeugdhulp",
        "aanbesteding": tender_text,
        "opzegtermijn": str(notice_months),
    }


def _contracted_lines(contract) -> list:
    """The contract's product lines in three queries (no N+1 on products, tariffs, prices)."""
    rel = getattr(type(contract), "products", None)
    if rel is None:
        return []
    line_model = rel.property.mapper.class_
    options = []
    if hasattr(line_model, "product"):
        from procure.catalogue.models import Product

        options.append(selectinload(line_model.product).selectinload(Product.tariffs))
    if hasattr(line_model, "prices"):
        options.append(selectinload(line_model.prices))
    return list(
        db.session.execute(
            select(line_model).where(line_model.contract_id == contract.id).options(*options)
        ).scalars()
    )


def _products(contract) -> list[dict]:
    rows = []
    year = contract.start_date.year
    for line in _contracted_lines(contract):
        product = getattr(line, "product", None)
        if product is None:
            continue
        price = line.price_for(year) if hasattr(line, "price_for") else None
        if price is None:
            tariff = next((t for t in product.tariffs if t.year == year), None)
            price = tariff.price if tariff else None
        rows.append(
            {
                "code": product.code,
                "name": product.name,
                "unit": product.unit or "—",
                "price": euro(price) if price is not None else "—",
            }
        )
    rows.sort(key=lambda r: r["code"])
    return rows


def _years(contract) -> list[dict]:
    rows = []
    for y in getattr(contract, "years", None) or []:
        amount = _attr(y, "value", "budget", default=Decimal("0"))
        rows.append(
            {
                "year": y.year,
                "budget": euro(amount),
                "reserve": euro(getattr(y, "reserve", None))
                if getattr(y, "reserve", None)
                else "—",
            }
        )
    return rows


def _options(contract) -> list[dict]:
    rows = []
    for opt in getattr(contract, "options", None) or []:
        rows.append(
            {
                "sequence": opt.sequence,
                "months": opt.months,
                "deadline": long_date(opt.decision_deadline),
            }
        )
    if not rows and contract.tender_id:
        tender = _tender(contract)
        for i in range(getattr(tender, "extension_count", 0) or 0):
            rows.append(
                {
                    "sequence": i + 1,
                    "months": tender.extension_months,
                    "deadline": "uiterlijk zes maanden voor het einde van de looptijd",
                }
            )
    return rows


def _tender(contract):
    if not contract.tender_id:
        return None
    from procure.tenders.models import Tender

    return db.session.get(Tender, contract.tender_id)


def _lot(contract):
    if not contract.lot_id:
        return None
    from procure.tenders.models import Lot

    return db.session.get(Lot, contract.lot_id)


def contract_spec(contract) -> DocumentSpec:
    if contract.origin == "custom":
        return custom_contract_spec(contract)
    region = contract.region
    tender = _tender(contract)
    lot = _lot(contract)
    choices = choices_for("contract", contract.id)
    notice = (
        choices.notice_months
        if choices and choices.notice_months
        else getattr(contract, "notice_months", None) or 3
    )
    fields = _clause_fields(contract, tender, notice)
    clause = ClauseRenderer(region.id, fields)
    procedure = procedure_type(contract)
    selection, basis = tender_choices(contract, tender, choices)

    considerations = []
    if procedure == "tender":
        considerations.append(clause("consideration.procedure.tender"))
        if selection:
            considerations.append(clause("consideration.tender.selection"))
        considerations.append(clause(f"consideration.tender.{basis}"))
    else:
        considerations.append(clause("consideration.procedure.admission"))
    if f"consideration.variant.{contract.variant}" in clause.clauses:
        considerations.append(clause(f"consideration.variant.{contract.variant}"))

    chosen = set(choices.optional_articles if choices else [])
    optional = []
    for key in OPTIONAL_ARTICLES:
        if key in chosen:
            entry = clause(key)
            entry["applicable"] = True
        else:
            entry = {
                "key": key,
                "title": clause.clauses[key].title,
                "html": "",
                "applicable": False,
            }
        entry["label"] = OPTIONAL_LABELS[key]
        optional.append(entry)

    task_area = getattr(contract, "task_area", None)
    value = next(
        (v for v in (getattr(contract, "contract_value", None), contract.estimated_value) if v),
        None,
    )
    context = {
        "contract": {
            "reference": contract.reference,
            "title": contract.title or "Overeenkomst jeugdhulp",
            "start": long_date(contract.start_date),
            "end": long_date(contract.end_date),
            "start_short": short_date(contract.start_date),
            "variant": contract.variant,
            "variant_words": VARIANT_WORDS.get(contract.variant, contract.variant),
            "task_area": task_area.name if task_area else "jeugdhulp",
            "value": euro(value) if value else None,
            "notice_months": notice,
            "notes": contract.notes or "",
            "status": contract.status,
        },
        "procedure": procedure,
        "selection": selection,
        "award_basis": basis,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "procedure": PROCEDURE_WORDS.get(tender.procedure, tender.procedure),
        }
        if tender
        else None,
        "lot": {"number": lot.number, "name": lot.name} if lot else None,
        "client": party_region(region),
        "provider": party_provider(contract.provider),
        "considerations": considerations,
        "optional_articles": optional,
        "products": _products(contract),
        "years": _years(contract),
        "options": _options(contract),
    }
    return DocumentSpec(
        kind="contract",
        template="documents/contract.html",
        record_type="contract",
        record_id=contract.id,
        region_id=region.id,
        municipality_id=contract.municipality_id,
        provider_id=contract.provider_id,
        title=f"Overeenkomst {contract.reference}",
        reference=contract.reference,
        author=region.name,
        subject=f"Overeenkomst jeugdhulp tussen {region.name} en {contract.provider.name}",
        created=_record_moment(contract, contract.start_date),
        context=context,
        clause_versions=clause.used,
        filename=f"overeenkomst-{contract.reference}",
    )


def _record_moment(record, fallback):
    """The fixed creation date in the PDF metadata: from the record, never 'now'."""
    return _attr(record, "created_at", default=None) or fallback


# -- custom contract (maatwerkovereenkomst) ------------------------------------------------


@dataclass
class CustomFormat:
    """The data of a custom-contract format: from a contract, a form, or blank."""

    region: object
    municipality: object | None
    provider: object | None = None
    code: object | None = None  # MaatwerkCode
    unit_price: Decimal | None = None
    units: Decimal | None = None
    start: date | None = None
    end: date | None = None
    justification: str = ""
    reference: str = ""
    created: date | datetime | None = None


def custom_format_from_contract(contract) -> CustomFormat:
    return CustomFormat(
        region=contract.region,
        municipality=contract.municipality,
        provider=contract.provider,
        code=getattr(contract, "maatwerk_code", None),
        unit_price=getattr(contract, "custom_unit_price", None),
        units=getattr(contract, "custom_units", None),
        start=contract.start_date,
        end=contract.end_date,
        justification=getattr(contract, "justification", None) or "",
        reference=contract.reference,
        created=_record_moment(contract, contract.start_date),
    )


def custom_format_context(data: CustomFormat) -> dict:
    code = data.code
    product = getattr(code, "product", None) if code else None
    total = None
    if data.unit_price is not None and data.units is not None:
        total = (Decimal(data.unit_price) * Decimal(data.units)).quantize(Decimal("0.01"))
    municipality = data.municipality
    return {
        "blank": data.provider is None and code is None,
        "reference": data.reference,
        "client": party_municipality(municipality)
        if municipality
        else {"name": "Gemeente ", "cbs": "", "plain": ""},
        "region": party_region(data.region),
        "provider": party_provider(data.provider),
        "code": {
            "code": code.code,
            "name": code.name,
            "unit": code.unit or (product.unit if product else "") or "",
            "product_code": product.code if product else "",
            "product_name": product.name if product else "",
        }
        if code
        else None,
        "unit_price": euro(data.unit_price) if data.unit_price is not None else "",
        "units": number(data.units) if data.units is not None else "",
        "total": euro(total) if total is not None else "",
        "start": long_date(data.start) if data.start else "",
        "end": long_date(data.end) if data.end else "",
        "justification": data.justification or "",
    }


def custom_format_spec(data: CustomFormat, *, record_id: int = 0) -> DocumentSpec:
    from procure.documents.custom_model import custom_contract_model

    context = custom_format_context(data)
    context["model"] = custom_contract_model(context)
    municipality = data.municipality
    who = municipality.name if municipality else data.region.name
    # A blank format has no reference yet: it is a field to fill in, not a made-up one.
    reference = data.reference
    return DocumentSpec(
        kind="custom_contract",
        template="documents/custom_contract.html",
        record_type="contract",
        record_id=record_id,
        region_id=data.region.id,
        municipality_id=municipality.id if municipality else None,
        provider_id=data.provider.id if data.provider else None,
        title=f"Maatwerkovereenkomst {reference}".strip(),
        reference=reference or "",
        author=f"Gemeente {who}" if municipality else data.region.name,
        subject=f"Maatwerkovereenkomst jeugdhulp (uniform format {data.region.name})",
        created=data.created or data.start or date(2025, 1, 1),
        context=context,
        filename=f"maatwerkovereenkomst-{reference or 'format'}",
    )


def custom_contract_spec(contract) -> DocumentSpec:
    return custom_format_spec(custom_format_from_contract(contract), record_id=contract.id)
