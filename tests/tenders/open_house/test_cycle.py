"""The whole admission cycle over two entry moments (seed 003: wonen met begeleiding)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts.models import Contract, ContractedProduct
from procure.core.errors import InvalidTransition, ValidationFailed
from procure.extensions import db
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import Admission, Notice
from tests import factories as f
from tests.tenders.open_house.conftest import Upload, apply


def at(*args):
    """A moment given in UTC."""
    return datetime(*args, tzinfo=UTC)


def score_all(application, value, actor, remark="", now=None):
    ops.score(
        application,
        {a.requirement_id: (value, remark) for a in application.answers},
        actor=actor,
        now=now,
    )


def test_two_entry_moments_full_cycle(oh):
    officer = f.user("procurement")
    a = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    b = f.provider("stapsteen", "Stapsteen Begeleid Wonen")
    c = f.provider("linde", "De Linde Jeugd en Gezin")
    first, second = ops.moments(oh.tender)[:2]
    assert (first.entry_date, second.entry_date) == (date(2027, 1, 1), date(2027, 4, 1))

    # A applies in time for 1 January 2027 (deadline 6 November 2026 12:00 CET).
    app_a = apply(oh, a, now=at(2026, 11, 1, 9))
    assert app_a.entry_moment_id == first.id and app_a.queued_from_id is None
    # B applies after that deadline but well before the next one: simply for 1 April 2027,
    # not told it is late for a moment it never chose.
    app_b = apply(oh, b, now=at(2026, 11, 10, 9))
    assert app_b.entry_moment_id == second.id and app_b.queued_from_id is None
    assert ops.queue_message(app_b) is None
    # B2 chose 1 January and missed it: queued for 1 April, with a message naming both.
    b2 = f.provider("stapsteen2", "Stapsteen Ambulant")
    app_b2 = apply(oh, b2, now=at(2026, 11, 10, 9), moment_id=first.id)
    assert app_b2.entry_moment_id == second.id and app_b2.queued_from_id == first.id
    message = ops.queue_message(app_b2)
    assert "1 januari 2027" in message and "1 april 2027" in message
    assert "verstreken" in message
    # C applies in time as well.
    app_c = apply(oh, c, now=at(2026, 11, 2, 9))
    assert app_c.entry_moment_id == first.id

    # Admission of A: all requirements met; contract from the entry moment.
    score_all(app_a, "meets", officer)
    ops.decide(
        app_a, decisions={oh.gezinshuis.id: "admitted"}, actor=officer, now=at(2026, 12, 10, 10)
    )
    assert app_a.status == "admitted"
    contract_a = db.session.execute(
        select(Contract).where(Contract.provider_id == a.id)
    ).scalar_one()
    assert contract_a.origin == "open_house" and contract_a.tender_id == oh.tender.id
    assert contract_a.start_date == date(2027, 1, 1)
    assert contract_a.end_date == date(2031, 12, 31)
    assert contract_a.variant == "effort" and contract_a.status == "concept"
    # The contracts domain has the product with its unit price, the category that brought
    # it, and the extension options.
    assert [
        (cp.product.code, cp.price_for(2027), cp.category_id) for cp in contract_a.products
    ] == [("44A06", Decimal("187.45"), oh.gezinshuis.id)]
    assert [o.months for o in contract_a.options] == [12, 12]

    # C: more information, answered, then rejected with a reason.
    ops.score(
        app_c,
        {
            oh.req1.id: ("meets", ""),
            oh.req2.id: ("more_info", "Keurmerk verlopen, stuur het nieuwe."),
        },
        actor=officer,
    )
    ops.request_more_info(
        app_c,
        note="Stuur het geldige HKZ-certificaat.",
        actor=officer,
        response_days=14,
        now=at(2026, 11, 20, 10),
    )
    assert app_c.status == "more_info"
    assert app_c.response_deadline == at(2026, 12, 4, 23)  # 24:00 CET on 4 December
    with pytest.raises(InvalidTransition):
        ops.decide(
            app_c, decisions={oh.gezinshuis.id: "admitted"}, actor=officer, now=at(2026, 11, 21)
        )
    c_user = f.user("provider", provider_code="linde")
    ops.respond_to_info_request(
        app_c,
        user=c_user,
        response="Certificaat bijgevoegd.",
        files={oh.req2.id: Upload(filename="hkz-2026.pdf")},
        now=at(2026, 11, 25, 10),
    )
    assert app_c.status == "submitted"
    assert {a.requirement_id: a.score for a in app_c.answers}[oh.req2.id] is None
    ops.score(
        app_c,
        {oh.req2.id: ("not_met", "Certificaat dekt geen wonen met begeleiding.")},
        actor=officer,
    )
    with pytest.raises(ValidationFailed):  # a rejection needs a reason
        ops.decide(app_c, decisions={oh.gezinshuis.id: "rejected"}, actor=officer)
    with pytest.raises(ValidationFailed):  # cannot admit with an unmet requirement
        ops.decide(app_c, decisions={oh.gezinshuis.id: "admitted"}, actor=officer)
    ops.decide(
        app_c,
        decisions={oh.gezinshuis.id: "rejected"},
        reason="Geen geldig kwaliteitskeurmerk voor deze categorie.",
        actor=officer,
        now=at(2026, 12, 1, 10),
    )
    assert app_c.status == "rejected" and app_c.decided_by_id == officer.id
    assert db.session.execute(select(Contract).where(Contract.provider_id == c.id)).first() is None

    # B is admitted at the second moment: its contract starts on 1 April 2027.
    score_all(app_b, "meets", officer)
    ops.decide(
        app_b, decisions={oh.gezinshuis.id: "admitted"}, actor=officer, now=at(2027, 3, 1, 10)
    )
    contract_b = db.session.execute(
        select(Contract).where(Contract.provider_id == b.id)
    ).scalar_one()
    assert contract_b.start_date == date(2027, 4, 1)

    # A joins a second category at the second moment: the same contract is extended.
    app_a2 = apply(oh, a, categories=[oh.wonen], now=at(2027, 1, 15, 10))
    assert app_a2.entry_moment_id == second.id
    score_all(app_a2, "meets", officer)
    ops.decide(app_a2, decisions={oh.wonen.id: "admitted"}, actor=officer, now=at(2027, 3, 1, 11))
    assert db.session.execute(
        select(Contract).where(Contract.provider_id == a.id)
    ).scalars().all() == [contract_a]
    rows = (
        db.session.execute(
            select(ContractedProduct)
            .where(ContractedProduct.contract_id == contract_a.id)
            .order_by(ContractedProduct.id)
        )
        .scalars()
        .all()
    )
    db.session.refresh(contract_a)
    assert sorted(cp.product.code for cp in contract_a.products) == [
        "44A06",
        "44A07",
        "44A08",
        "45A46",
    ]
    assert [(r.product.code, r.effective_from) for r in rows] == [
        ("44A06", None),  # from the contract's start
        ("44A07", date(2027, 4, 1)),
        ("44A08", date(2027, 4, 1)),
        ("45A46", date(2027, 4, 1)),
    ]
    # the contract itself (page and API) names the open house and when each product joined
    manager = f.user("contract_manager")
    client = current_app.test_client()
    detail = client.get(
        f"/api/v1/contracts/{contract_a.reference}", headers=f.bearer(f.api_token(manager))
    ).get_json()
    assert detail["tender"]["reference"] == oh.tender.reference and detail["lot"] is None
    assert {p["code"]: p["effective_from"] for p in detail["products"]} == {
        "44A06": "2027-01-01",
        "44A07": "2027-04-01",
        "44A08": "2027-04-01",
        "45A46": "2027-04-01",
    }
    f.login(client, manager)
    page = client.get(f"/contracten/{contract_a.id}").get_data(as_text=True)
    assert oh.tender.reference in page and "vanaf 01-04-2027" in page

    # Decisions are audited and the providers notified in the app.
    actions = (
        db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "Application"))
        .scalars()
        .all()
    )
    assert actions.count("open_house.application_decided") == 4
    assert "open_house.more_info_requested" in actions
    kinds = {(n.provider_id, n.kind) for n in db.session.execute(select(Notice)).scalars()}
    assert {
        (a.id, "admitted"),
        (b.id, "admitted"),
        (c.id, "more_info"),
        (c.id, "rejected"),
        (b.id, "submitted"),
    } <= kinds


def test_late_answer_to_more_information_is_refused_and_may_then_be_rejected(oh):
    officer = f.user("procurement")
    application = apply(oh, f.provider("linde"), now=at(2026, 11, 1, 9))
    ops.request_more_info(
        application, note="Welke locaties?", actor=officer, response_days=7, now=at(2026, 11, 2, 10)
    )
    with pytest.raises(InvalidTransition):  # the provider still has time
        ops.decide(
            application,
            decisions={oh.gezinshuis.id: "rejected"},
            reason="Te laat",
            actor=officer,
            now=at(2026, 11, 9, 22),
        )
    with pytest.raises(ValidationFailed, match="reactietermijn"):
        ops.respond_to_info_request(
            application,
            user=f.user("provider", provider_code="linde"),
            response="Breda",
            now=at(2026, 11, 9, 23, 1),
        )
    ops.decide(
        application,
        decisions={oh.gezinshuis.id: "rejected"},
        reason="Geen reactie binnen de termijn.",
        actor=officer,
        now=at(2026, 11, 10, 9),
    )
    assert application.status == "rejected"


def test_leaving_ends_one_admission_without_touching_others(oh):
    officer = f.user("procurement")
    providers = [f.provider("kompas"), f.provider("stapsteen")]
    admitted = []
    for p in providers:
        application = apply(oh, p, now=at(2026, 11, 1, 9))
        score_all(application, "meets", officer)
        ops.decide(
            application,
            decisions={oh.gezinshuis.id: "admitted"},
            actor=officer,
            now=at(2026, 12, 1),
        )
        admitted.append(
            db.session.execute(
                select(Admission).where(Admission.application_id == application.id)
            ).scalar_one()
        )
    provider_user = f.user("provider", provider_code="kompas")
    with pytest.raises(ValidationFailed):  # a reason is required
        ops.end_admission(admitted[0], user=provider_user, reason="", end_date=date(2027, 6, 30))
    with pytest.raises(ValidationFailed):  # not before the start
        ops.end_admission(
            admitted[0], user=provider_user, reason="Stopt", end_date=date(2026, 12, 31)
        )
    ops.end_admission(
        admitted[0],
        user=provider_user,
        reason="Wij stoppen met gezinshuizen.",
        end_date=date(2027, 6, 30),
    )
    assert admitted[0].status == "ended" and admitted[0].ended_kind == "withdrawn"
    assert admitted[1].status == "active"
    row = db.session.execute(
        select(ContractedProduct).where(ContractedProduct.contract_id == admitted[0].contract_id)
    ).scalar_one()
    assert row.effective_to == date(2027, 6, 30)
    # The region ends the other admission with a reason and date; the provider is notified.
    ops.end_admission(
        admitted[1], user=officer, reason="Faillissement.", end_date=date(2027, 9, 30)
    )
    assert admitted[1].ended_kind == "terminated"
    assert db.session.execute(
        select(Notice).where(
            Notice.kind == "admission_ended", Notice.provider_id == providers[1].id
        )
    ).scalar_one()
    with pytest.raises(InvalidTransition):
        ops.end_admission(admitted[1], user=officer, reason="Nogmaals", end_date=date(2027, 9, 30))
    # After leaving, the provider may apply again for that category.
    again = apply(oh, providers[0], now=at(2027, 7, 1, 9))
    assert again.status == "submitted"
