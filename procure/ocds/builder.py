"""OCDS releases built from procure's records: one release per event of a process (the
published tender, its award, its contracts), the buyer and suppliers as parties with their
KvK numbers, values in EUR, lots through the lots extension.

A rectificatie is a tenderAmendment release with the tender's amendments (every release
shows the tender's current terms; the amendments say what changed from what).

Sealed parts stay out: bids (prices, plans, who bid) are never published, and the number
of tenderers only once the published bid deadline has passed."""

from datetime import UTC, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from procure.contracts.models import Contract
from procure.core.urls import base_url
from procure.organisations.models import Provider, Region
from procure.tenders import operations as tender_ops
from procure.tenders.models import Bid, LotAward, Tender
from procure.tenders.open_house.models import Admission
from procure.tenders.open_house.policy import ACTIVE as ADMISSION_ACTIVE
from procure.tenders.policy import DEFINITIVE, PUBLIC_STATES

TENDER_STATUS = {
    "cancelled": "cancelled",
    "awarded": "complete",
    "contracted": "complete",
    "closed": "complete",
}
CONTRACT_STATUS = {
    "concept": "pending",
    "active": "active",
    "extended": "active",
    "ended": "terminated",
    "terminated": "terminated",
}
METHOD_DETAILS = {
    "sas_dialogue": "Sociaal en ander specifiek (SAS) met dialoog",
    "sas_open": "Sociaal en ander specifiek (SAS), openbaar",
    "open_house": "Open house (toelatingsprocedure)",
}


def _amount(value: Decimal) -> dict:
    # OCDS values are JSON numbers; amounts are exact to the cent before conversion.
    return {"amount": float(Decimal(value).quantize(Decimal("0.01"))), "currency": "EUR"}


def _iso(moment) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return (
        datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
        .isoformat()
        .replace("+00:00", "Z")
    )


def ocid(tender: Tender) -> str:
    return f"{current_app.config['OCDS_OCID_PREFIX']}-{tender.reference}"


def _party(org, role: str) -> dict:
    kind = "region" if isinstance(org, Region) else "provider"
    return {
        "id": f"NL-KVK-{org.kvk_number}",
        "name": org.name,
        "identifier": {"scheme": "NL-KVK", "id": org.kvk_number, "legalName": org.name},
        "roles": [role],
        "details": {"procureType": kind},
    }


def published_tenders(region_code: str | None = None) -> Select:
    stmt = (
        select(Tender)
        .where(Tender.status.in_(PUBLIC_STATES))
        .options(selectinload(Tender.region), selectinload(Tender.lots))
        .order_by(Tender.id)
    )
    if region_code:
        stmt = stmt.join(Region, Region.id == Tender.region_id).where(
            Region.short_code == region_code
        )
    return stmt


def _tender_section(tender: Tender) -> dict:
    base = base_url()
    section = {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.description or tender.title,
        "status": TENDER_STATUS.get(tender.status, "active"),
        "procurementMethod": "open" if tender.procedure != "sas_dialogue" else "selective",
        "procurementMethodDetails": METHOD_DETAILS.get(tender.procedure, tender.procedure),
        "mainProcurementCategory": "services",
        "documents": [
            {
                "id": f"{tender.reference}-notice",
                "documentType": "tenderNotice",
                "title": tender.title,
                "url": f"{base}/api/v1/tenders/{tender.reference}",
                "format": "application/json",
            }
        ],
        "lots": [
            {
                "id": str(lot.number),
                "title": lot.name,
                "description": lot.areas or lot.name,
                "status": TENDER_STATUS.get(tender.status, "active"),
            }
            for lot in tender.lots
        ],
    }
    if tender.estimated_value is not None:
        section["value"] = _amount(tender.estimated_value)
    if tender.bid_deadline is not None:
        section["tenderPeriod"] = {
            "startDate": _iso(tender.published_at or tender.created_at),
            "endDate": _iso(tender.bid_deadline),
        }
    if tender.registration_deadline is not None:
        section["enquiryPeriod"] = {"endDate": _iso(tender.registration_deadline)}
    if tender.procedure != "open_house" and tender_ops.bids_are_open(tender):
        bidders = db_scalars(select(Bid.provider_id).where(Bid.tender_id == tender.id).distinct())
        section["numberOfTenderers"] = len(bidders)
    return section


def db_scalars(stmt) -> list:
    from procure.extensions import db

    return list(db.session.execute(stmt).scalars())


def _awards(tender: Tender) -> tuple[list[dict], list]:
    """Awards with their suppliers: lot awards of an SAS tender, admissions of an open
    house. Only decided awards exist, so nothing here precedes the bid deadline."""
    awards, suppliers = [], []
    if tender.procedure == "open_house":
        rows = db_scalars(
            select(Admission).where(Admission.tender_id == tender.id).order_by(Admission.id)
        )
        for row in rows:
            provider = _provider(row.provider_id)
            suppliers.append(provider)
            awards.append(
                {
                    "id": f"{tender.reference}-A{row.id}",
                    "status": "active" if row.status == ADMISSION_ACTIVE else "cancelled",
                    "date": _iso(row.start_date),
                    "suppliers": [{"id": f"NL-KVK-{provider.kvk_number}", "name": provider.name}],
                }
            )
        return awards, suppliers
    rows = db_scalars(select(LotAward).where(LotAward.tender_id == tender.id).order_by(LotAward.id))
    for row in rows:
        provider = _provider(row.provider_id)
        suppliers.append(provider)
        awards.append(
            {
                "id": f"{tender.reference}-A{row.id}",
                "status": "active" if row.status == DEFINITIVE else "pending",
                "date": _iso(row.decided_at),
                "relatedLots": [str(row.lot.number)],
                "suppliers": [{"id": f"NL-KVK-{provider.kvk_number}", "name": provider.name}],
            }
        )
    return awards, suppliers


def _provider(provider_id: int) -> Provider:
    from procure.extensions import db

    return db.session.get(Provider, provider_id)


def _contracts(tender: Tender, awards: list[dict]) -> list[dict]:
    rows = db_scalars(select(Contract).where(Contract.tender_id == tender.id).order_by(Contract.id))
    by_supplier = {a["suppliers"][0]["id"]: a["id"] for a in awards}
    out = []
    for c in rows:
        award_id = by_supplier.get(f"NL-KVK-{c.provider.kvk_number}")
        if award_id is None:
            continue
        contract = {
            "id": c.reference,
            "awardID": award_id,
            "title": c.title or c.reference,
            "status": CONTRACT_STATUS.get(c.status, "pending"),
            "period": {"startDate": _iso(c.start_date), "endDate": _iso(c.end_date)},
        }
        if c.contract_value is not None:
            contract["value"] = _amount(c.contract_value)
        out.append(contract)
    return out


def releases_for(tender: Tender) -> list[dict]:
    """The releases of one process, oldest first: tender, then award, then contract."""
    buyer = _party(tender.region, "buyer")
    buyer["roles"] = ["buyer", "procuringEntity"]
    common = {
        "ocid": ocid(tender),
        "initiationType": "tender",
        "language": "nl",
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
    }
    tender_section = _tender_section(tender)
    published = tender.published_at or tender.created_at
    releases = [
        {
            **common,
            "id": f"{ocid(tender)}-tender",
            "date": _iso(published),
            "tag": ["tender"],
            "parties": [buyer],
            "tender": tender_section,
        }
    ]
    releases += _amendment_releases(tender, common, buyer, tender_section, releases[0]["id"])
    awards, suppliers = _awards(tender)
    if not awards:
        return releases
    parties = [buyer, *{s.id: _party(s, "supplier") for s in suppliers}.values()]
    award_date = max((a["date"] for a in awards if a.get("date")), default=_iso(published))
    releases.append(
        {
            **common,
            "id": f"{ocid(tender)}-award",
            "date": award_date,
            "tag": ["award"],
            "parties": parties,
            "tender": {"id": tender.reference, "lots": tender_section["lots"]},
            "awards": awards,
        }
    )
    contracts = _contracts(tender, awards)
    if contracts:
        releases.append(
            {
                **common,
                "id": f"{ocid(tender)}-contract",
                "date": max(c["period"]["startDate"] for c in contracts),
                "tag": ["contract"],
                "parties": parties,
                "awards": awards,
                "contracts": contracts,
            }
        )
    return releases


def _amendment_releases(tender, common, buyer, tender_section, first_id: str) -> list[dict]:
    """A tenderAmendment release per rectificatie, each with `tender.amendments` so far:
    the date, the reason as rationale, the changes (old -> new) as description, and the
    releases before and after it."""
    releases, amendments, before = [], [], first_id
    for rectification in tender_ops.rectifications(tender):
        release_id = f"{ocid(tender)}-rectificatie-{rectification.number}"
        amendments.append(
            {
                "id": str(rectification.number),
                "date": _iso(rectification.published_at),
                "rationale": rectification.reason,
                "description": rectification.summary,
                "amendsReleaseID": before,
                "releaseID": release_id,
            }
        )
        releases.append(
            {
                **common,
                "id": release_id,
                "date": _iso(rectification.published_at),
                "tag": ["tenderAmendment"],
                "parties": [buyer],
                "tender": {**tender_section, "amendments": list(amendments)},
            }
        )
        before = release_id
    return releases


def release_package(releases: list[dict], uri: str) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _iso(datetime.now(UTC)),
        "publisher": {"name": current_app.config["OCDS_PUBLISHER"]},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "extensions": [
            "https://raw.githubusercontent.com/open-contracting-extensions/"
            "ocds_lots_extension/v1.1.5/extension.json"
        ],
        "releases": releases,
    }
