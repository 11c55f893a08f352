"""Unhappy paths and the smaller rules of the SAS operations: uploads, duplicates, replacing
a bid, prices, set-up validation, objections and revising the award, market consultation."""

from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from sqlalchemy import func, select

from procure.contracts.models import Contract
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.uploads import StoredFile
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.models import Bid, ConsultationQuestion, LotAward, Registration
from tests import factories as f
from tests.tenders.builders import (
    BID,
    DIALOGUE_END,
    PDF,
    REGISTRATION,
    T0,
    lot_ids,
    officer,
    pdf,
    provider_user,
    slt_tender,
    to_award,
    to_dialogue,
)
from tests.tenders.test_transitions import build


def _published():
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        ops.publish(tender, actor=actor)
    return tender


def test_registration_requires_pdf_lots_and_declarations(app):
    tender = _published()
    kompas = provider_user("kompas")
    good = dict(lot_ids=lot_ids(tender, 1), no_exclusion_grounds=True, suitability_answer="ja")
    with time_machine.travel(T0, tick=False):
        with pytest.raises(ValidationFailed) as info:
            ops.register(tender, actor=kompas, document=pdf("a.docx", b"PK\x03\x04xx"), **good)
        assert "niet toegestaan" in str(info.value.message)
        with pytest.raises(ValidationFailed):  # .pdf name, but not a PDF inside
            ops.register(tender, actor=kompas, document=pdf("a.pdf", b"MZ\x90\x00"), **good)
        with pytest.raises(ValidationFailed):
            ops.register(tender, actor=kompas, document=None, **good)
        app.config["UPLOAD_MAX_BYTES"] = 100
        with pytest.raises(ValidationFailed) as info:
            ops.register(tender, actor=kompas, document=pdf("a.pdf", PDF + b"x" * 200), **good)
        assert "te groot" in str(info.value.message)
        app.config["UPLOAD_MAX_BYTES"] = 10_000_000
        with pytest.raises(ValidationFailed):
            ops.register(tender, actor=kompas, document=pdf(), **{**good, "lot_ids": []})
        with pytest.raises(ValidationFailed):
            ops.register(
                tender, actor=kompas, document=pdf(), **{**good, "no_exclusion_grounds": False}
            )
        with pytest.raises(NotAllowed):
            ops.register(tender, actor=officer(), document=pdf(), **good)
        assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(StoredFile.id))).scalar_one() == 0
        ops.register(tender, actor=kompas, document=pdf(), **good)
        with pytest.raises(Conflict):
            ops.register(tender, actor=kompas, document=pdf(), **good)
    assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 1


def test_registration_page_keeps_input_on_error(app, client):
    tender = _published()
    with time_machine.travel(T0, tick=False):
        f.login(client, provider_user("kompas"))
        response = f.post(
            client,
            f"/aanbestedingen/{tender.id}/portaal/aanmelden",
            {
                "lots": [tender.lot(2).id],
                "suitability_answer": "Mijn uitgebreide toelichting",
                "document": (BytesIO(b"not a pdf"), "a.pdf"),
            },
        )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "uitsluitingsgronden" in html and "Mijn uitgebreide toelichting" in html


def test_rejection_needs_a_reason_and_selection_needs_everyone_assessed(app):
    actor = officer()
    tender = _published()
    with time_machine.travel(T0, tick=False):
        for code in ("kompas", "linde"):
            ops.register(
                tender,
                actor=provider_user(code),
                lot_ids=lot_ids(tender, 1),
                document=pdf(),
                no_exclusion_grounds=True,
                suitability_answer="ja",
            )
    with time_machine.travel(REGISTRATION, tick=False):
        ops.start_selection(tender, actor=actor)
        first, second = ops.registrations(tender)
        with pytest.raises(ValidationFailed):
            ops.assess_registration(first, actor=actor, status="rejected", reason="")
        ops.assess_registration(first, actor=actor, status="selected")
        ops.assess_registration(second, actor=actor, status="admissible")
        with pytest.raises(InvalidTransition):
            ops.decide_selection(tender, actor=actor, motivation="klaar")
        ops.assess_registration(second, actor=actor, status="rejected", reason="Te klein.")
        ops.decide_selection(tender, actor=actor, motivation="klaar")
        with pytest.raises(InvalidTransition):  # the selection is a recorded decision
            ops.assess_registration(second, actor=actor, status="selected")


def test_bid_can_be_replaced_until_the_deadline_and_needs_acceptance(app):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
    to_dialogue(tender, actor, {"kompas": ([2], True)})
    to_award(tender, actor)
    kompas = provider_user("kompas")
    with time_machine.travel(DIALOGUE_END, tick=False):
        with pytest.raises(ValidationFailed):
            ops.submit_bid(
                tender, actor=kompas, lot_id=tender.lot(2).id, plan=pdf(), accepts_agreements=False
            )
        with pytest.raises(NotAllowed):  # not selected for lot 3
            ops.submit_bid(
                tender, actor=kompas, lot_id=tender.lot(3).id, plan=pdf(), accepts_agreements=True
            )
        ops.submit_bid(
            tender,
            actor=kompas,
            lot_id=tender.lot(2).id,
            plan=pdf("v1.pdf"),
            accepts_agreements=True,
        )
    with time_machine.travel(BID - timedelta(seconds=1), tick=False):
        ops.submit_bid(
            tender,
            actor=kompas,
            lot_id=tender.lot(2).id,
            plan=pdf("v2.pdf"),
            accepts_agreements=True,
        )
    bid = db.session.execute(select(Bid)).scalar_one()
    assert bid.version == 2 and bid.plan.original_name == "v2.pdf"


def test_setup_validation(app):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        with pytest.raises(ValidationFailed):  # weights would exceed 100
            ops.add_criterion(tender, actor=actor, name="Extra", weight=1)
        with pytest.raises(ValidationFailed):  # lumpsum has no price criterion
            ops.add_criterion(tender, actor=actor, name="Prijs", weight="0.5", is_price=True)
        with pytest.raises(Conflict):
            ops.add_lot(tender, actor=actor, number=2, name="Dubbel")
        with pytest.raises(ValidationFailed):
            ops.add_lot_rule(tender, actor=actor, lot_numbers=[2])
        ops.remove_criterion(tender.criteria[-1], actor=actor)
        with pytest.raises(ValidationFailed) as info:  # 70 % is not 100 %
            ops.publish(tender, actor=actor)
        assert "100" in str(info.value.message)
        assert tender.status == "concept"
        late = ops.create_tender(
            region=f.region("wbo"),
            actor=actor,
            title="Laat",
            contract_start=date(2027, 1, 1),
            registration_deadline=T0 - timedelta(hours=1),
            dialogue_end=DIALOGUE_END,
            bid_deadline=BID,
        )
        ops.add_lot(late, actor=actor, number=1, name="Een")
        ops.add_criterion(late, actor=actor, name="Kwaliteit", weight=100)
        with pytest.raises(ValidationFailed):
            ops.publish(late, actor=actor)
        with pytest.raises(ValidationFailed) as info:  # deadlines out of order: not even saved
            ops.create_tender(
                region=f.region("wbo"),
                actor=actor,
                title="Volgorde",
                contract_start=date(2027, 1, 1),
                registration_deadline=BID,
                dialogue_end=DIALOGUE_END,
                bid_deadline=REGISTRATION,
            )
        assert "volgorde" in str(info.value.message)
        other = f.user("procurement", "e10")
        with pytest.raises(NotAllowed):
            ops.create_tender(region=f.region("wbo"), actor=other, title="x")


def test_upheld_objection_lets_the_officer_revise_the_award(app):
    actor = officer()
    tender, moment = build("standstill")
    with time_machine.travel(moment, tick=False):
        objection = ops.record_objection(
            tender,
            actor=actor,
            provider_id=provider_user("kompas").provider_id,
            description="Perceel 2 had naar ons gemoeten.",
        )
        with pytest.raises(ValidationFailed):
            ops.resolve_objection(objection, actor=actor, status="upheld", resolution="")
        ops.resolve_objection(
            objection, actor=actor, status="upheld", resolution="Herbeoordeling nodig."
        )
        with pytest.raises(InvalidTransition):
            ops.resolve_objection(objection, actor=actor, status="rejected", resolution="x")
        ops.revise_award(tender, actor=actor, motivation="Bezwaar gegrond.")
    assert tender.status == "award" and tender.standstill_ends_at is None
    assert db.session.execute(select(func.count(LotAward.id))).scalar_one() == 0
    assert [d.kind for d in tender.decisions][-2:] == ["provisional_award", "revise_award"]


def test_market_consultation_answers_everyone_anonymously(app, client):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = ops.create_tender(
            region=f.region("wbo"),
            actor=actor,
            reference="WBO-WMB-2027",
            title="Wonen met begeleiding",
            procedure="sas_open",
            variant="effort",
            contract_start=date(2027, 1, 1),
            registration_deadline=REGISTRATION,
            bid_deadline=BID,
        )
        ops.add_lot(tender, actor=actor, number=1, name="Wonen met begeleiding")
        ops.add_criterion(tender, actor=actor, name="Kwaliteit", weight=70)
        ops.add_criterion(tender, actor=actor, name="Prijs", weight=30, is_price=True)
        ops.publish(tender, actor=actor)
        question = ops.ask_question(
            tender, actor=provider_user("stapsteen"), question="Is onderaanneming toegestaan?"
        )
        with pytest.raises(NotAllowed):
            ops.ask_question(tender, actor=actor, question="x")
        ops.answer_question(question, actor=actor, answer="Ja, met toestemming vooraf.")
        f.login(client, provider_user("horizon"))
        html = client.get(f"/aanbestedingen/{tender.id}/portaal").get_data(as_text=True)
    assert "Is onderaanneming toegestaan?" in html and "Ja, met toestemming vooraf." in html
    assert "Stapsteen" not in html
    with time_machine.travel(REGISTRATION, tick=False), pytest.raises(InvalidTransition):
        ops.ask_question(tender, actor=provider_user("stapsteen"), question="Te laat")
    assert db.session.execute(select(func.count(ConsultationQuestion.id))).scalar_one() == 1
    # the open procedure has no dialogue: selection leads straight to the award phase
    with time_machine.travel(REGISTRATION, tick=False):
        ops.start_selection(tender, actor=actor)
        with pytest.raises(InvalidTransition):
            ops.start_dialogue(tender, actor=actor)


def test_lot_with_two_partners_is_awarded_to_the_best_two(app):
    """Seed 003 chapter 6: specialist ambulant treatment has several partners per lot."""
    actor = officer()
    codes = ("brug", "kinderkracht", "baken")
    users = {c: provider_user(c) for c in codes}
    with time_machine.travel(T0, tick=False):
        tender = ops.create_tender(
            region=f.region("wbo"),
            actor=actor,
            reference="WBO-SAB-2027",
            title="Specialistische ambulante behandeling",
            variant="effort",
            contract_start=date(2027, 1, 1),
            duration_months=24,
            extension_count=2,
            max_partners=20,
            registration_deadline=REGISTRATION,
            dialogue_end=DIALOGUE_END,
            bid_deadline=BID,
        )
        ops.add_lot(tender, actor=actor, number=1, name="SAB regio", max_partners=2)
        ops.add_criterion(tender, actor=actor, name="Kwaliteit", weight=70)
        ops.add_criterion(tender, actor=actor, name="Prijs", weight=30, is_price=True)
    to_dialogue(tender, actor, {c: ([1], True) for c in codes})
    to_award(tender, actor)
    prices = {"brug": "100.00", "kinderkracht": "120.00", "baken": "100.00"}
    with time_machine.travel(DIALOGUE_END, tick=False):
        for code in codes:
            ops.submit_bid(
                tender,
                actor=users[code],
                lot_id=tender.lot(1).id,
                plan=pdf(),
                price=prices[code],
                accepts_agreements=True,
            )
    quality = {"brug": 8, "kinderkracht": 9, "baken": 6}
    with time_machine.travel(BID, tick=False):
        for b in ops.tender_bids(tender):
            ops.score_bid(
                b,
                actor=actor,
                criterion_id=tender.criteria[0].id,
                score=quality[b.provider.short_code],
            )
        # brug 56 + 30 = 86; kinderkracht 63 + 25 = 88; baken 42 + 30 = 72
        options = ops.award_options(tender)
        expected = tuple(sorted(users[c].provider_id for c in ("brug", "kinderkracht")))
        assert [o.winners[tender.lot(1).id] for o in options] == [expected]
        with pytest.raises(ValidationFailed):  # only one of the best two is not legal
            ops.record_provisional_award(
                tender, actor=actor, motivation="m", winners={tender.lot(1).id: expected[0]}
            )
        ops.record_provisional_award(
            tender, actor=actor, motivation="Beste twee.", winners={tender.lot(1).id: expected}
        )
    with time_machine.travel(BID + timedelta(days=30), tick=False):
        ops.finalize_award(tender, actor=actor)
    awards = db.session.execute(select(LotAward).order_by(LotAward.rank)).scalars().all()
    assert [(a.provider_id, a.rank, str(a.total)) for a in awards] == [
        (users["kinderkracht"].provider_id, 1, "88.00"),
        (users["brug"].provider_id, 2, "86.00"),
    ]
    assert all(a.contract_id for a in awards)
    for award in awards:  # the tender's 2 x 12 months of extension options are carried over
        contract = db.session.get(Contract, award.contract_id)
        assert [(o.sequence, o.months, o.status) for o in contract.options] == [
            (1, 12, "open"),
            (2, 12, "open"),
        ]


def test_simultaneous_duplicate_registration_is_a_conflict_not_a_crash(app, monkeypatch):
    """Two submissions racing past the existence check hit the unique constraint."""
    tender = _published()
    kompas = provider_user("kompas")
    good = dict(lot_ids=lot_ids(tender, 1), no_exclusion_grounds=True, suitability_answer="ja")
    with time_machine.travel(T0, tick=False):
        ops.register(tender, actor=kompas, document=pdf(), **good)
        real_execute = db.session.execute

        def blind(stmt, *args, **kwargs):  # the racing request did not see the first row yet
            result = real_execute(stmt, *args, **kwargs)
            if "tender_registrations.id" in str(stmt) and "provider_id" in str(stmt):
                return real_execute(select(Registration.id).where(Registration.id < 0))
            return result

        monkeypatch.setattr(db.session, "execute", blind)
        with pytest.raises(Conflict):
            ops.register(tender, actor=kompas, document=pdf(), **good)
        monkeypatch.undo()
    assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 1
