"""Read API for tenders: list (all procedures), one tender with lots, phases and deadlines,
and its registrations and bids (a provider: its own; region staff: registrations, and bids
only after the bid deadline, through operations.open_bid)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp
from procure.api.schemas import list_of, page_numbers, page_of
from procure.auth.permissions import scoped
from procure.auth.roles import PROVIDER, REGION_STAFF
from procure.core.errors import NotAllowed
from procure.core.listing import paginate
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.models import Bid, Registration, Tender
from procure.tenders.schemas import (
    BidSchema,
    RegistrationSchema,
    TenderQuery,
    TenderSchema,
    TenderSummarySchema,
)


def _visible(stmt):
    stmt = scoped(stmt, Tender)
    if current_user.role == PROVIDER:
        stmt = stmt.where(Tender.status != "concept")
    return stmt


def _tender(reference: str) -> Tender:
    tender = db.session.execute(
        _visible(select(Tender).where(Tender.reference == reference)).options(
            selectinload(Tender.lots)
        )
    ).scalar()
    if tender is None:
        abort(404)
    return tender


@bp.get("/tenders")
@bp.arguments(TenderQuery, location="query")
@bp.response(200, page_of(TenderSummarySchema))
def tenders(args):
    """Aanbestedingen (alle procedures, binnen de eigen regio; aanbieders zien
    gepubliceerde aanbestedingen)"""
    stmt = _visible(select(Tender)).options(selectinload(Tender.region)).order_by(Tender.id)
    if args.get("procedure"):
        stmt = stmt.where(Tender.procedure == args["procedure"])
    if args.get("status"):
        stmt = stmt.where(Tender.status == args["status"])
    return paginate(stmt, *page_numbers(args))


@bp.get("/tenders/<reference>")
@bp.response(200, TenderSchema)
def tender(reference):
    """Eén aanbesteding met percelen, fasen en deadlines"""
    return _tender(reference)


@bp.get("/tenders/<reference>/registrations")
@bp.response(200, list_of(RegistrationSchema))
def tender_registrations(reference):
    """Aanmeldingen (een aanbieder ziet alleen de eigen aanmelding)"""
    t = _tender(reference)
    if current_user.role not in (*REGION_STAFF, PROVIDER):
        abort(403)
    stmt = scoped(select(Registration).where(Registration.tender_id == t.id), Registration)
    rows = db.session.execute(
        stmt.options(selectinload(Registration.lots), selectinload(Registration.provider)).order_by(
            Registration.id
        )
    ).scalars()
    return {"items": list(rows)}


@bp.get("/tenders/<reference>/bids")
@bp.response(200, list_of(BidSchema))
def tender_bids(reference):
    """Inschrijvingen: voor de aanbieder de eigen, voor de regio pas na de
    inschrijvingsdeadline (daarvoor 403)"""
    t = _tender(reference)
    if current_user.role not in (*REGION_STAFF, PROVIDER):
        abort(403)
    stmt = scoped(select(Bid).where(Bid.tender_id == t.id), Bid)
    rows = (
        db.session.execute(
            stmt.options(
                selectinload(Bid.lot), selectinload(Bid.provider), selectinload(Bid.plan)
            ).order_by(Bid.id)
        )
        .scalars()
        .all()
    )
    for bid in rows:
        ops.open_bid(bid, current_user)  # raises NotAllowed (403) while sealed
    if current_user.role != PROVIDER and not ops.bids_are_open(t):
        raise NotAllowed(_l("Inschrijvingen zijn verzegeld tot de inschrijvingsdeadline."))
    return {"items": rows}
