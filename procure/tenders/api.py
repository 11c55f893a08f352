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
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import order_by_key, paginate
from procure.core.operations import unit_of_work
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.tenders import operations as ops
from procure.tenders import policy, queries
from procure.tenders.models import Bid, Objection, Registration, Tender
from procure.tenders.schemas import (
    AgreementInput,
    AgreementSchema,
    AssessmentInput,
    BidForm,
    BidSchema,
    DecisionSchema,
    GoInput,
    LotAwardSchema,
    MotivationInput,
    ObjectionInput,
    ObjectionResolutionInput,
    ObjectionSchema,
    ProvisionalAwardInput,
    RectificationInput,
    RectificationSchema,
    RegistrationForm,
    RegistrationSchema,
    ScoresInput,
    SessionForm,
    SessionSchema,
    TenderInput,
    TenderQuery,
    TenderSchema,
    TenderSummarySchema,
    TransitionInput,
)


def _visible(stmt):
    return policy.visible_tenders(scoped(stmt, Tender), current_user)


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
    stmt = queries.tenders_stmt(args, current_user)
    stmt = order_by_key(stmt, queries.SORTS, args["sort"], args["direction"])
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
    if not policy.can_read_documents(current_user):
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
    if not policy.can_read_documents(current_user):
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
    if not current_user.is_provider and not ops.bids_are_open(t):
        raise NotAllowed(_l("Inschrijvingen zijn verzegeld tot de inschrijvingsdeadline."))
    return {"items": rows}


# -- writes: the same operations as the pages (roles and phases are checked there) -------


def _lot_id(tender: Tender, number: int) -> int:
    lot = tender.lot(number)
    if lot is None:
        raise ValidationFailed(_l("Onbekend perceel %(n)s.", n=number), field="lot")
    return lot.id


def _provider_id(short_code: str) -> int:
    provider_id = db.session.execute(
        select(Provider.id).where(Provider.short_code == short_code)
    ).scalar()
    if provider_id is None:
        raise ValidationFailed(_l("Onbekende aanbieder."), field="provider")
    return provider_id


def _of_tender(model, object_id: int, tender: Tender):
    """A registration, bid or objection of `tender` (another tender's: not found)."""
    row = db.session.get(model, object_id)
    if row is None or row.tender_id != tender.id:
        abort(404)
    return row


def _own_region(tender: Tender) -> Tender:
    """The tender pages' officers (procurement, admin) act on their own region's tenders
    only; checked before any input is looked up, so others learn nothing from a 422."""
    if current_user.region_id != tender.region_id or not policy.is_officer(current_user, tender):
        raise NotAllowed(_l("Alleen inkoop van de regio kan dit."))
    return tender


@bp.write("/tenders", 201, TenderSchema, arguments=TenderInput)
def tender_create(body):
    """Een aanbesteding aanmaken met percelen, perceelregels en gunningscriteria (inkoop)"""
    if current_user.region_id is None:
        raise NotAllowed(_l("Alleen inkoop van een regio maakt aanbestedingen."))
    region = db.session.get(Region, current_user.region_id)
    lots, criteria, rules = body.pop("lots"), body.pop("criteria"), body.pop("lot_rules")
    values = {k: v for k, v in body.items() if v is not None}  # unset: the model's default
    with unit_of_work():
        tender = ops.create_tender(region=region, actor=current_user, **values)
        for lot in lots:
            ops.add_lot(tender, actor=current_user, **lot)
        for criterion in criteria:
            ops.add_criterion(tender, actor=current_user, **criterion)
        for numbers in rules:
            ops.add_lot_rule(tender, actor=current_user, lot_numbers=numbers)
    return _tender(tender.reference)


_TRANSITIONS = {
    "published": ops.publish,
    "selection": ops.start_selection,
    "dialogue": ops.start_dialogue,
    "award": ops.start_award,
    "contracted": ops.mark_contracted,
}


@bp.write("/tenders/<reference>/transitions", 200, TenderSchema, arguments=TransitionInput)
def tender_transition(body, reference):
    """Naar de volgende fase (publiceren, selectie, dialoog, gunning, gecontracteerd) of
    intrekken met reden"""
    tender = _own_region(_tender(reference))
    if body["to"] == "cancelled":
        ops.cancel(tender, actor=current_user, reason=body["reason"])
    else:
        _TRANSITIONS[body["to"]](tender, actor=current_user)
    return _tender(reference)


@bp.write("/tenders/<reference>/go-decisions", 201, DecisionSchema, arguments=GoInput)
def tender_go(body, reference):
    """Go/no-go-besluit van de huidige fase vastleggen"""
    tender = _own_region(_tender(reference))
    return ops.record_go(tender, actor=current_user, **body)


@bp.write(
    "/tenders/<reference>/registrations",
    201,
    RegistrationSchema,
    arguments=RegistrationForm,
    location="multipart",
)
def tender_register(form, reference):
    """Aanmelden voor percelen met het aanmeldingsdocument (PDF) (aanbieder)"""
    tender = _tender(reference)
    return ops.register(
        tender,
        actor=current_user,
        lot_ids=[_lot_id(tender, n) for n in form["lots"]],
        document=form["document"],
        no_exclusion_grounds=form["no_exclusion_grounds"],
        suitability_answer=form["suitability_answer"],
    )


@bp.write(
    "/tenders/<reference>/registrations/<int:registration_id>/assessment",
    200,
    RegistrationSchema,
    arguments=AssessmentInput,
)
def registration_assess(body, reference, registration_id):
    """Een aanmelding beoordelen: ontvankelijk, geselecteerd of afgewezen (inkoop)"""
    tender = _own_region(_tender(reference))
    registration = _of_tender(Registration, registration_id, tender)
    return ops.assess_registration(registration, actor=current_user, **body)


@bp.write("/tenders/<reference>/selection", 201, DecisionSchema, arguments=MotivationInput)
def tender_selection(body, reference):
    """De definitieve selectiebeslissing vastleggen (inkoop)"""
    tender = _own_region(_tender(reference))
    return ops.decide_selection(tender, actor=current_user, motivation=body["motivation"])


@bp.write(
    "/tenders/<reference>/sessions", 201, SessionSchema, arguments=SessionForm, location="multipart"
)
def tender_session(form, reference):
    """Een dialoogsessie vastleggen, met verslag (inkoop)"""
    tender = _own_region(_tender(reference))
    return ops.add_session(
        tender,
        actor=current_user,
        held_on=form["held_on"],
        topic=form["topic"],
        participants=form["participants"],
        lot_ids=[_lot_id(tender, n) for n in form["lots"]],
        minutes=form.get("minutes"),
    )


@bp.write("/tenders/<reference>/agreements", 201, AgreementSchema, arguments=AgreementInput)
def tender_agreement(body, reference):
    """Een afspraak uit de dialoog vastleggen (inkoop)"""
    tender = _own_region(_tender(reference))
    return ops.add_agreement(tender, actor=current_user, text=body["text"])


@bp.write("/tenders/<reference>/bids", 201, BidSchema, arguments=BidForm, location="multipart")
def tender_bid(form, reference):
    """Inschrijven of de inschrijving vervangen tot de deadline (aanbieder); verzegeld voor
    de regio tot de inschrijvingsdeadline"""
    tender = _tender(reference)
    return ops.submit_bid(
        tender,
        actor=current_user,
        lot_id=_lot_id(tender, form["lot"]),
        plan=form["plan"],
        price=form["price"],
        accepts_agreements=form["accepts_agreements"],
    )


def _bid(tender: Tender, bid_id: int) -> Bid:
    bid = _of_tender(Bid, bid_id, tender)
    return bid


@bp.write("/tenders/<reference>/bids/<int:bid_id>/scores", 200, BidSchema, arguments=ScoresInput)
def bid_scores(body, reference, bid_id):
    """Scores per criterium vastleggen (inkoop, na de inschrijvingsdeadline)"""
    tender = _own_region(_tender(reference))
    bid = _bid(tender, bid_id)
    with unit_of_work():
        for row in body["scores"]:
            ops.score_bid(bid, actor=current_user, **row)
    return bid


@bp.write(
    "/tenders/<reference>/award/provisional",
    201,
    list_of(LotAwardSchema),
    arguments=ProvisionalAwardInput,
)
def award_provisional(body, reference):
    """De voorlopige gunningsbeslissing; de standstilltermijn begint (inkoop)"""
    tender = _own_region(_tender(reference))
    winners = {
        _lot_id(tender, w["lot"]): tuple(_provider_id(p) for p in w["providers"])
        for w in body["winners"]
    }
    awards = ops.record_provisional_award(
        tender, actor=current_user, winners=winners, motivation=body["motivation"]
    )
    return {"items": awards}


@bp.write("/tenders/<reference>/objections", 201, ObjectionSchema, arguments=ObjectionInput)
def objection_create(body, reference):
    """Een bezwaar tijdens de standstill vastleggen (inkoop)"""
    tender = _own_region(_tender(reference))
    return ops.record_objection(
        tender,
        actor=current_user,
        provider_id=_provider_id(body["provider"]),
        description=body["description"],
        lot_id=_lot_id(tender, body["lot"]) if body["lot"] else None,
    )


@bp.write(
    "/tenders/<reference>/objections/<int:objection_id>/resolution",
    200,
    ObjectionSchema,
    arguments=ObjectionResolutionInput,
)
def objection_resolve(body, reference, objection_id):
    """Een bezwaar afhandelen: ingetrokken, afgewezen of gegrond (inkoop)"""
    tender = _own_region(_tender(reference))
    objection = _of_tender(Objection, objection_id, tender)
    return ops.resolve_objection(objection, actor=current_user, **body)


@bp.write("/tenders/<reference>/award/revision", 200, TenderSchema, arguments=MotivationInput)
def award_revise(body, reference):
    """De voorlopige gunning herzien na een gegrond bezwaar (inkoop)"""
    tender = _own_region(_tender(reference))
    ops.revise_award(tender, actor=current_user, motivation=body["motivation"])
    return _tender(reference)


@bp.write(
    "/tenders/<reference>/award/definitive", 201, list_of(LotAwardSchema), arguments=MotivationInput
)
def award_definitive(body, reference):
    """Definitief gunnen na de standstill; de overeenkomsten komen in concept klaar"""
    tender = _own_region(_tender(reference))
    return {"items": ops.finalize_award(tender, actor=current_user, motivation=body["motivation"])}


@bp.get("/tenders/<reference>/rectifications")
@bp.response(200, list_of(RectificationSchema))
def tender_rectifications(reference):
    """De rectificaties van een aanbesteding (openbaar voor wie de aanbesteding ziet)"""
    return {"items": ops.rectifications(_tender(reference))}


@bp.write(
    "/tenders/<reference>/rectifications", 201, RectificationSchema, arguments=RectificationInput
)
def tender_rectify(body, reference):
    """Een rectificatie publiceren: de kernvoorwaarden corrigeren met reden; alle aanmelders
    krijgen een melding en een e-mail (inkoop, na publicatie en voor de
    inschrijvingsdeadline; de deadline alleen later)"""
    tender = _own_region(_tender(reference))
    reason = body.pop("reason")
    lots = {row.pop("number"): row for row in body.pop("lots")}
    criteria = {row.pop("id"): row for row in body.pop("criteria")}
    return ops.rectify_tender(
        tender,
        actor=current_user,
        reason=reason,
        changes={**body, "lots": lots, "criteria": criteria},
    )
