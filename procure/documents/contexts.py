"""What every document context shares: the DocumentSpec a domain's builder returns (plain
data for its template), the parties as a document names them, the document choices, and
the uniform custom-contract format (filled from a contract by procure.contracts.documents,
or blank). The builders themselves live in the domains (procure/<domain>/documents.py)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from procure.documents.formatting import (
    euro,
    long_date,
    number,
)
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
    names = [m.name for m in region.municipalities]
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
    if provider.is_consortium:
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
