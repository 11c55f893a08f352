"""Rectificatie (issue 12, item 2): after publication the core terms (title, value, term,
extension options, contract start, lots, criteria) change only through a recorded, numbered
correction with a reason that every registered party receives in the app and by e-mail.
Only the tender's officers, after publication and before the bid deadline; the bid deadline
only moves later, and once bids are in a correction of what they answer must extend it, so
that no sealed bid becomes readable earlier than published.

The journey goes through the pages (test client with CSRF) and the public OCDS API, and on
to the concept contracts of the award, which carry the corrected terms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from procure.contracts.models import Contract
from procure.core.errors import InvalidTransition, NotAllowed, OperationError, ValidationFailed
from procure.core.timeutil import to_local
from procure.extensions import db
from procure.ocds.validation import package_errors
from procure.reminders.models import EmailDelivery, Notification
from procure.reminders.sweep import deliver_outbox
from procure.tenders import operations as ops
from procure.tenders import policy
from procure.tenders.models import Tender, TenderRectification
from tests import factories as f
from tests.reminders.conftest import smtp_server  # noqa: F401 (fixture)
from tests.tenders.builders import (
    BID,
    REGISTRATION,
    T0,
    bid,
    lot_ids,
    officer,
    pdf,
    provider_user,
    score_all,
    slt_tender,
    to_award,
)
from tests.tenders.test_transitions import REGS, SCORES
from tests.tenders.test_transitions import build as build_in_state

DAY_AFTER = T0 + timedelta(days=1)
REASON = "De raming is herzien na de marktconsultatie; het plan van aanpak weegt zwaarder."


def _published(*codes: str) -> Tender:
    """The seed 003 SLT tender, published at T0, with registrations of `codes` (all lots)."""
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        ops.publish(tender, actor=actor)
        for code in codes:
            ops.register(
                tender,
                actor=provider_user(code),
                lot_ids=lot_ids(tender, *REGS[code][0]),
                document=pdf(),
                no_exclusion_grounds=True,
                suitability_answer="Referenties: drie jaar wijkteam.",
            )
    return tender


def _form(tender: Tender, reason: str = REASON, **changes) -> dict:
    """The rectification form as the officer's browser posts it: the current terms, with
    `changes` (weights: `weight_<position>`, lot names: `lot_<number>`)."""
    data = {
        "title": tender.title,
        "estimated_value": str(tender.estimated_value or ""),
        "contract_start": tender.contract_start.isoformat(),
        "duration_months": str(tender.duration_months),
        "extension_count": str(tender.extension_count),
        "extension_months": str(tender.extension_months),
        "bid_deadline": to_local(tender.bid_deadline).strftime("%Y-%m-%dT%H:%M"),
        "reason": reason,
    }
    for i, lot in enumerate(tender.lots):
        data[f"lot_rows-{i}-number"] = str(lot.number)
        data[f"lot_rows-{i}-name"] = changes.pop(f"lot_{lot.number}", lot.name)
        data[f"lot_rows-{i}-areas"] = lot.areas
        data[f"lot_rows-{i}-max_partners"] = str(lot.max_partners or "")
    for i, criterion in enumerate(tender.criteria):
        data[f"criterion_rows-{i}-criterion_id"] = str(criterion.id)
        data[f"criterion_rows-{i}-name"] = criterion.name
        data[f"criterion_rows-{i}-weight"] = str(
            changes.pop(f"weight_{criterion.position}", criterion.weight)
        )
    data.update(changes)
    return data


def _terms(tender: Tender) -> tuple:
    db.session.expire_all()
    tender = db.session.get(Tender, tender.id)
    return (
        tender.title,
        tender.estimated_value,
        tender.duration_months,
        tender.bid_deadline,
        [(lot.name, lot.areas, lot.max_partners) for lot in tender.lots],
        [(c.name, c.weight) for c in tender.criteria],
    )


def test_journey_officer_rectifies_provider_is_told_and_contracts_carry_it(
    app,
    smtp_server,  # noqa: F811
):
    actor = officer()
    tender = _published(*REGS)
    kompas = provider_user("kompas")
    staff, portal = app.test_client(), app.test_client()
    with time_machine.travel(DAY_AFTER, tick=False):
        f.login(staff, actor)
        page = staff.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
        assert "Rectificatie publiceren" in page
        form = staff.get(f"/aanbestedingen/{tender.id}/rectificatie")
        assert form.status_code == 200
        assert "Plan van aanpak Stevig Lokaal Team" in form.get_data(as_text=True)
        response = f.post(
            staff,
            f"/aanbestedingen/{tender.id}/rectificatie",
            _form(
                tender,
                estimated_value="45000000.00",
                duration_months="48",
                weight_1="50",
                weight_2="25",
                weight_3="25",
                lot_1="SLT's Altena en Oosterhout",
            ),
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        assert response.headers["Location"].endswith("#rectificaties")
        page = staff.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
        assert "Rectificatie 1 gepubliceerd" in page
        assert "Rectificatie 1" in page and REASON in page

    # the tender carries the corrected terms; the rectification records old and new
    db.session.expire_all()
    tender = db.session.get(Tender, tender.id)
    assert tender.estimated_value == Decimal("45000000.00")
    assert tender.duration_months == 48
    assert [c.weight for c in tender.criteria] == [50, 25, 25]
    assert tender.lot(1).name == "SLT's Altena en Oosterhout"
    rectification = db.session.execute(select(TenderRectification)).scalar_one()
    assert rectification.number == 1 and rectification.reason == REASON
    assert rectification.published_by_id == actor.id
    changed = {(c["field"], c.get("lot"), c.get("criterion")) for c in rectification.changes}
    assert ("estimated_value", None, None) in changed
    assert ("weight", None, "Plan van aanpak Stevig Lokaal Team") in changed
    assert ("name", 1, None) in changed
    assert {"field": "estimated_value", "old": "42000000.00", "new": "45000000.00"} in (
        rectification.changes
    )

    # every registered party: the bell and an e-mail through the outbox
    bell = db.session.execute(
        select(Notification).where(Notification.user_id == kompas.id)
    ).scalar_one()
    assert bell.title == "Rectificatie 1: WBO-SLT-2027"
    assert "€ 45.000.000,00" in bell.body and REASON in bell.body
    mails = db.session.execute(select(EmailDelivery)).scalars().all()
    assert {m.to_address for m in mails} == {
        provider_user(code).email for code in ("kompas", "linde", "gezinsplein")
    }
    deliver_outbox(to_local(DAY_AFTER))
    messages = {m["To"]: m for m in smtp_server.messages()}
    assert len(messages) == 3
    message = messages[kompas.email]
    assert message["Subject"] == "Rectificatie 1: WBO-SLT-2027"
    body = message.get_content()
    assert "Geraamde opdrachtwaarde: € 42.000.000,00 → € 45.000.000,00" in body
    assert "Looptijd: 60 maanden → 48 maanden" in body
    assert REASON in body
    assert f"https://procure.example.nl/aanbestedingen/{tender.id}/portaal" in body

    # the provider sees the rectification on the tender's portal page
    with time_machine.travel(DAY_AFTER, tick=False):
        f.login(portal, kompas)
        page = portal.get(f"/aanbestedingen/{tender.id}/portaal").get_data(as_text=True)
    assert "Rectificatie 1" in page and REASON in page
    assert "€ 45.000.000,00" in page

    # the public OCDS release: a tenderAmendment with tender.amendments
    package = app.test_client().get("/api/v1/ocds/releases").get_json()
    assert package_errors(package) == []
    amendment_releases = [r for r in package["releases"] if r["tag"] == ["tenderAmendment"]]
    assert len(amendment_releases) == 1
    amendments = amendment_releases[0]["tender"]["amendments"]
    assert [a["id"] for a in amendments] == ["1"]
    assert amendments[0]["rationale"] == REASON
    assert "€ 45.000.000,00" in amendments[0]["description"]
    assert amendments[0]["amendsReleaseID"].endswith("-tender")
    assert amendment_releases[0]["tender"]["value"]["amount"] == 45000000.0

    # on to the award: the concept contracts carry the corrected term and lot name
    _to_contracts(tender, actor)
    contracts = db.session.execute(
        select(Contract).where(Contract.tender_id == tender.id).order_by(Contract.id)
    ).scalars()
    contracts = list(contracts)
    assert len(contracts) == 3
    for contract in contracts:
        assert contract.start_date == date(2027, 1, 1)
        assert contract.end_date == date(2030, 12, 31)  # 48 months, no longer 60
        assert len(contract.options) == 2
    assert any("SLT's Altena en Oosterhout" in c.title for c in contracts)


def _to_contracts(tender: Tender, actor) -> None:
    """The registered tender from selection through dialogue and award to its contracts."""
    with time_machine.travel(REGISTRATION, tick=False):
        ops.start_selection(tender, actor=actor)
        for registration in ops.registrations(tender):
            ops.assess_registration(registration, actor=actor, status="selected")
        ops.decide_selection(tender, actor=actor, motivation="Selectie volgens de eisen.")
        ops.record_go(tender, actor=actor, go=True, motivation="Voldoende partijen.")
        ops.start_dialogue(tender, actor=actor)
    to_award(tender, actor)
    for code, (numbers, _selected) in REGS.items():
        for number in numbers:
            bid(tender, code, number)
    score_all(tender, actor, SCORES)
    with time_machine.travel(BID, tick=False):
        option = ops.award_options(tender)[0]
        ops.record_provisional_award(
            tender, actor=actor, winners=option.winners, motivation="Rangorde."
        )
    with time_machine.travel(BID + timedelta(days=40), tick=False):
        ops.finalize_award(tender, actor=actor)


# -- refusals: nothing changes ------------------------------------------------------------


def _refused_page(client, tender, data, *expected: str):
    before = _terms(tender), f.row_counts()
    response = f.post(client, f"/aanbestedingen/{tender.id}/rectificatie", data)
    assert response.status_code in (403, 409, 422), response.status_code
    html = response.get_data(as_text=True)
    for text in expected:
        assert text in html, text
    assert (_terms(tender), f.row_counts()) == before
    return html


def test_refusals_on_the_page_keep_the_input_and_change_nothing(app):
    tender = _published("kompas")
    client = app.test_client()
    with time_machine.travel(DAY_AFTER, tick=False):
        f.login(client, officer())
        edit = client.get(f"/aanbestedingen/{tender.id}/bewerken").get_data(as_text=True)
        assert f"/aanbestedingen/{tender.id}/rectificatie" in edit  # where the terms change
        # no reason
        html = _refused_page(
            client, tender, _form(tender, reason="", estimated_value="45000000.00"), "verplicht"
        )
        assert "45000000.00" in html  # the user's input is kept
        # weights no longer 100 %
        html = _refused_page(
            client,
            tender,
            _form(tender, weight_1="50", weight_2="30", weight_3="30"),
            "tellen op tot 110 %",
        )
        assert 'value="50' in html
        # the bid deadline earlier
        _refused_page(
            client,
            tender,
            _form(tender, bid_deadline="2026-06-30T12:00"),
            "alleen naar later",
        )
        # nothing changed at all
        _refused_page(client, tender, _form(tender), "niets gewijzigd")
        # a provider or a municipality may not
        for user in (provider_user("kompas"), f.user("municipality", municipality_name="Breda")):
            other = app.test_client()
            f.login(other, user)
            _refused_page(other, tender, _form(tender, estimated_value="1.00"))


def test_the_operation_refuses_wrong_roles_states_and_input(app):
    tender = _published("kompas")
    actor = officer()
    value = {"estimated_value": Decimal("45000000.00")}
    weights = {c.id: {"weight": w} for c, w in zip(tender.criteria, (50, 30, 30), strict=True)}
    cases = [
        (provider_user("kompas"), value, REASON, NotAllowed),
        (f.user("contract_manager"), value, REASON, NotAllowed),
        (f.user("procurement", "svj", email="inkoper@svj.example.org"), value, REASON, NotAllowed),
        (actor, value, "  ", ValidationFailed),
        (actor, {"criteria": weights}, REASON, ValidationFailed),
        (actor, {"criteria": {999999: {"weight": 10}}}, REASON, ValidationFailed),
        (actor, {"lots": {7: {"name": "Nieuw"}}}, REASON, ValidationFailed),
        (actor, {"lots": {1: {"name": " "}}}, REASON, ValidationFailed),
        (actor, {"variant": "effort"}, REASON, ValidationFailed),
        (actor, {"duration_months": 0}, REASON, ValidationFailed),
        (actor, {"contract_start": date(2026, 6, 1)}, REASON, ValidationFailed),
        (actor, {"bid_deadline": BID - timedelta(hours=1)}, REASON, InvalidTransition),
    ]
    with time_machine.travel(DAY_AFTER, tick=False):
        for user, changes, reason, error in cases:
            before = _terms(tender), f.row_counts()
            with pytest.raises(error) as refused:
                ops.rectify_tender(tender, actor=user, changes=changes, reason=reason)
            assert str(refused.value.message)
            db.session.rollback()
            assert (_terms(tender), f.row_counts()) == before, (changes, reason)
    # after the bid deadline, and before publication: the wrong phase
    with time_machine.travel(BID, tick=False):
        assert not policy.can_rectify(actor, tender)
        with pytest.raises(InvalidTransition, match="verstreken"):
            ops.rectify_tender(tender, actor=actor, changes=value, reason=REASON)
    with time_machine.travel(T0, tick=False):
        concept = slt_tender(actor, reference="WBO-SLT-CONCEPT")
        assert not policy.can_rectify(actor, concept)
        with pytest.raises(InvalidTransition, match="na publicatie"):
            ops.rectify_tender(concept, actor=actor, changes=value, reason=REASON)


@pytest.mark.parametrize("state", ["concept", "standstill", "awarded", "cancelled"])
def test_no_rectification_outside_its_phases(app, state):
    tender, moment = build_in_state(state)
    before = _terms(tender), f.row_counts()
    with time_machine.travel(moment, tick=False):
        assert not policy.can_rectify(officer(), tender)
        with pytest.raises(OperationError):
            ops.rectify_tender(
                tender, actor=officer(), changes={"title": "Nieuwe titel"}, reason=REASON
            )
    db.session.rollback()
    assert (_terms(tender), f.row_counts()) == before


def test_after_bids_a_correction_extends_the_deadline_and_bids_stay_sealed(app):
    tender, moment = build_in_state("award")  # bids are in, the bid deadline is BID
    actor = officer()
    later = BID + timedelta(days=14)
    with time_machine.travel(moment, tick=False):
        before = _terms(tender), f.row_counts()
        with pytest.raises(InvalidTransition, match="Verleng") as refused:
            ops.rectify_tender(tender, actor=actor, changes={"extension_count": 1}, reason=REASON)
        assert refused.value.field == "bid_deadline"
        db.session.rollback()
        assert (_terms(tender), f.row_counts()) == before
        # a title alone does not touch what the bids answer
        ops.rectify_tender(tender, actor=actor, changes={"title": "SLT WBO"}, reason="Typfout.")
        rectification = ops.rectify_tender(
            tender,
            actor=actor,
            changes={"extension_count": 1, "bid_deadline": later},
            reason=REASON,
        )
    assert rectification.number == 2
    assert tender.bid_deadline == later and tender.extension_count == 1
    kompas = provider_user("kompas")
    bells = db.session.execute(
        select(Notification.body).where(Notification.user_id == kompas.id)
    ).scalars()
    assert any("vervangen" in body for body in bells)
    # at the originally published deadline the bids are still sealed
    with time_machine.travel(BID + timedelta(hours=1), tick=False):
        assert not ops.bids_are_open(tender)
        for row in ops.tender_bids(tender):
            with pytest.raises(NotAllowed):
                ops.open_bid(row, actor)
        # and a bidder may replace its bid on the corrected terms
        bid(tender, "kompas", 2, moment=BID + timedelta(hours=1))
    with time_machine.travel(later, tick=False):
        assert ops.bids_are_open(tender)


# -- API ----------------------------------------------------------------------------------


def test_api_rectification(app):
    tender = _published("kompas")
    client = app.test_client()
    officer_token = f.bearer(f.api_token(officer()))
    provider_token = f.bearer(f.api_token(provider_user("kompas")))
    url = f"/api/v1/tenders/{tender.reference}/rectifications"
    first, second, third = tender.criteria
    body = {
        "reason": REASON,
        "estimated_value": "45000000.00",
        "lots": [{"number": 2, "areas": "Breda Noordwest, Breda Noordoost, Teteringen"}],
        "criteria": [{"id": first.id, "weight": "50"}, {"id": second.id, "weight": "20"}],
    }
    with time_machine.travel(DAY_AFTER, tick=False):
        before = _terms(tender), f.row_counts()
        assert client.post(url, json=body, headers=provider_token).status_code == 403
        missing = client.post(url, json={"estimated_value": "1.00"}, headers=officer_token)
        assert missing.status_code == 422
        accepted = client.post(url, json=body, headers=officer_token)  # 50 + 20 + 30
        assert accepted.status_code == 201, accepted.get_json()
        answer = accepted.get_json()
    assert before[0] != _terms(tender)
    assert answer["number"] == 1 and answer["reason"] == REASON
    assert {c["field"] for c in answer["changes"]} == {"estimated_value", "areas", "weight"}
    assert "Perceel 2: gemeenten / gebieden" in answer["summary"]
    assert [c.weight for c in db.session.get(Tender, tender.id).criteria] == [50, 20, 30]
    with time_machine.travel(DAY_AFTER, tick=False):
        weights = {"reason": REASON, "criteria": [{"id": third.id, "weight": "40"}]}
        refused = client.post(url, json=weights, headers=officer_token)
        assert refused.status_code == 422
        assert "tellen op tot 110 %" in refused.get_data(as_text=True)
        listed = client.get(url, headers=provider_token)
    assert listed.status_code == 200
    assert [r["number"] for r in listed.get_json()["items"]] == [1]


@pytest.mark.parametrize("state", ["selection", "dialogue"])
def test_rectification_in_the_running_phases_before_the_bid_deadline(app, state):
    tender, moment = build_in_state(state)
    with time_machine.travel(moment, tick=False):
        assert policy.can_rectify(officer(), tender)
        rectification = ops.rectify_tender(
            tender, actor=officer(), changes={"extension_months": 6}, reason=REASON
        )
    assert rectification.number == 1 and tender.extension_months == 6
    assert rectification.lines() == [("Maanden per verlenging", "12 maanden", "6 maanden")]


HOSTILE = [
    {"estimated_value": "1e30"},
    {"estimated_value": "NaN"},
    {"duration_months": "99999999999999999999"},
    {"extension_count": "-1"},
    {"bid_deadline": "2026-13-45T99:99"},
    {"bid_deadline": "2026-03-29T02:30"},  # does not exist in Amsterdam (summer time)
    {"lot_rows-0-number": "abc"},
    {"criterion_rows-0-criterion_id": "1e30"},
    {"criterion_rows-0-weight": "-5"},
    {"title": "x" * 400},
]


def test_hostile_input_on_the_page_is_refused_in_dutch(app):
    tender = _published("kompas")
    client = app.test_client()
    with time_machine.travel(DAY_AFTER, tick=False):
        f.login(client, officer())
        for changes in HOSTILE:
            data = {**_form(tender), **changes}
            if "estimated_value" not in changes:
                data["estimated_value"] = "45000000.00"  # so that something changes
            _refused_page(client, tender, data)
