"""Sealed bids: before the bid deadline nobody in the region can read a bid's content (plan,
price) - not through the award page, not through the download URL, not through the API -
while the bidding provider sees its own. After the deadline the officers can."""

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from procure.core.errors import NotAllowed
from procure.core.timeutil import to_local
from procure.extensions import db
from procure.reminders.models import Notification
from procure.tenders import operations as ops
from procure.tenders.models import Tender
from tests import factories as f
from tests.tenders.builders import (
    BID,
    DIALOGUE_END,
    REGISTRATION,
    T0,
    edit_tender_page,
    lot_ids,
    officer,
    pdf,
    provider_user,
    to_award,
    to_dialogue,
)

SECRET_PRICE = "1234567.89"


def priced_tender():
    """Seed 003 chapter 6: day care, two lots, here effort-based with a price criterion."""
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = ops.create_tender(
            region=f.region("wbo"),
            actor=actor,
            reference="WBO-DB-2027",
            title="Dagbesteding en dagbehandeling",
            procedure="sas_dialogue",
            variant="effort",
            contract_start=date(2027, 1, 1),
            duration_months=24,
            extension_count=2,
            registration_deadline=REGISTRATION,
            dialogue_end=DIALOGUE_END,
            bid_deadline=BID,
        )
        ops.add_lot(tender, actor=actor, number=1, name="Dagbestedingsactiviteiten")
        ops.add_lot(
            tender, actor=actor, number=2, name="Dagverblijf en dagcentra (waaronder MKD en ODC)"
        )
        ops.add_criterion(tender, actor=actor, name="Kwaliteit plan", weight=60)
        ops.add_criterion(tender, actor=actor, name="Prijs", weight=40, is_price=True)
    to_dialogue(tender, actor, {"kompas": ([1, 2], True), "linde": ([1], True)})
    to_award(tender, actor)
    with time_machine.travel(DIALOGUE_END, tick=False):
        for code, price in (("kompas", SECRET_PRICE), ("linde", "999000.00")):
            ops.submit_bid(
                tender,
                actor=provider_user(code),
                lot_id=lot_ids(tender, 1)[0],
                plan=pdf(f"geheim-plan-{code}.pdf"),
                price=price,
                accepts_agreements=True,
            )
    return tender


BEFORE = BID - timedelta(seconds=1)


@pytest.mark.parametrize(
    "role", ["procurement", "admin", "contract_manager", "supervisor", "municipality"]
)
def test_region_users_cannot_open_a_bid_before_the_deadline(app, client, role):
    tender = priced_tender()
    user = f.user(role, municipality_name="Breda") if role == "municipality" else f.user(role)
    bid = ops.tender_bids(tender)[0]
    with time_machine.travel(BEFORE, tick=False):
        with pytest.raises(NotAllowed):
            ops.open_bid(bid, user)
        f.login(client, user)
        page = client.get(f"/aanbestedingen/{tender.id}/gunning")
        html = page.get_data(as_text=True)
        if role == "municipality":
            assert page.status_code == 403
        else:
            assert page.status_code == 200 and "Inschrijvingen verzegeld" in html
            assert "2 inschrijvingen ontvangen" in html
        assert SECRET_PRICE not in html and "1.234.567" not in html
        assert "geheim-plan" not in html and "/plan" not in html
        assert (
            client.get(f"/aanbestedingen/{tender.id}/inschrijvingen/{bid.id}/plan").status_code
            == 403
        )
        token = f.api_token(user)
        response = client.get(f"/api/v1/tenders/{tender.reference}/bids", headers=f.bearer(token))
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
        assert SECRET_PRICE not in response.get_data(as_text=True)


def test_the_bidder_sees_its_own_bid_and_nobody_elses(app, client):
    tender = priced_tender()
    bids = {b.provider.short_code: b for b in ops.tender_bids(tender)}
    kompas = provider_user("kompas")
    with time_machine.travel(BEFORE, tick=False):
        f.login(client, kompas)
        own = client.get(f"/aanbestedingen/{tender.id}/inschrijvingen/{bids['kompas'].id}/plan")
        assert own.status_code == 200 and own.data.startswith(b"%PDF")
        other = client.get(f"/aanbestedingen/{tender.id}/inschrijvingen/{bids['linde'].id}/plan")
        assert other.status_code == 404
        portal = client.get(f"/aanbestedingen/{tender.id}/portaal").get_data(as_text=True)
        assert "geheim-plan-kompas.pdf" in portal and "geheim-plan-linde" not in portal
        data = client.get(
            f"/api/v1/tenders/{tender.reference}/bids", headers=f.bearer(f.api_token(kompas))
        ).get_json()
        assert [(b["provider"], b["price"]) for b in data["items"]] == [("kompas", SECRET_PRICE)]
        with pytest.raises(NotAllowed):
            ops.open_bid(bids["linde"], kompas)


def test_officers_open_the_bids_from_the_deadline_on(app, client):
    tender = priced_tender()
    inkoper = officer()
    bid = ops.tender_bids(tender)[0]
    with time_machine.travel(BID, tick=False):
        assert ops.open_bid(bid, inkoper) is bid
        f.login(client, inkoper)
        html = client.get(f"/aanbestedingen/{tender.id}/gunning").get_data(as_text=True)
        assert "1.234.567,89" in html or "1,234,567.89" in html
        assert (
            client.get(f"/aanbestedingen/{tender.id}/inschrijvingen/{bid.id}/plan").status_code
            == 200
        )
        data = client.get(
            f"/api/v1/tenders/{tender.reference}/bids", headers=f.bearer(f.api_token(inkoper))
        ).get_json()
        assert sorted(b["price"] for b in data["items"]) == ["1234567.89", "999000.00"]
        # a municipality still has no business with bid content
        gemeente = f.user("municipality", municipality_name="Breda")
        with pytest.raises(NotAllowed):
            ops.open_bid(bid, gemeente)
        client = app.test_client()
        f.login(client, gemeente)
        assert (
            client.get(f"/aanbestedingen/{tender.id}/inschrijvingen/{bid.id}/plan").status_code
            == 403
        )


def test_scoring_before_the_deadline_is_refused(app):
    tender = priced_tender()
    bid = ops.tender_bids(tender)[0]
    with time_machine.travel(BEFORE, tick=False), pytest.raises(NotAllowed):
        ops.score_bid(bid, actor=officer(), criterion_id=tender.criteria[0].id, score=8)
    assert bid.scores == []


def test_price_score_is_computed_and_bids_ranked(app):
    tender = priced_tender()
    actor = officer()
    with time_machine.travel(BID, tick=False):
        for b in ops.tender_bids(tender):
            ops.score_bid(
                b,
                actor=actor,
                criterion_id=tender.criteria[0].id,
                score=8 if b.provider.short_code == "kompas" else 6,
            )
        ranked = ops.lot_results(tender)["lots"][tender.lot(1).id]
    # kompas: 8/10*60 + (999000/1234567.89*10)/10*40 = 48 + 32.3680... = 80.37 (only the
    # total is rounded); linde: 6/10*60 + 40 = 76.00
    assert [(r.provider_id, str(r.total), r.rank) for r in ranked] == [
        (provider_user("kompas").provider_id, "80.37", 1),
        (provider_user("linde").provider_id, "76.00", 2),
    ]


def test_moving_the_bid_deadline_earlier_cannot_open_the_bids(app, client):
    """The reproduction of the issue: in the award phase the officer sets the bid deadline
    to an hour ago. Refused, and the plans stay sealed until the published deadline."""
    tender = priced_tender()
    inkoper = officer()
    bid = ops.tender_bids(tender)[0]
    now = BID - timedelta(days=3)
    with time_machine.travel(now, tick=False):
        f.login(client, inkoper)
        hour_ago = to_local(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        page = edit_tender_page(
            client, tender, bid_deadline=hour_ago, change_reason="Eerder openen."
        )
        assert "alleen naar later" in page.get_data(as_text=True)
        assert db.session.get(Tender, tender.id).bid_deadline == BID
        plan = f"/aanbestedingen/{tender.id}/inschrijvingen/{bid.id}/plan"
        assert client.get(plan).status_code == 403
        # even a deadline changed behind the operations' back opens nothing early
        db.session.get(Tender, tender.id).bid_deadline = now - timedelta(hours=1)
        db.session.commit()
        assert client.get(plan).status_code == 403
        with pytest.raises(NotAllowed):
            ops.open_bid(bid, inkoper)


def test_a_later_deadline_needs_a_reason_and_every_registrant_is_told(app, client):
    tender = priced_tender()
    inkoper = officer()
    later = BID + timedelta(days=7)
    with time_machine.travel(BID - timedelta(days=3), tick=False):
        f.login(client, inkoper)
        new = to_local(later).strftime("%Y-%m-%dT%H:%M")
        page = edit_tender_page(client, tender, bid_deadline=new)
        assert "Geef de reden" in page.get_data(as_text=True)
        assert db.session.get(Tender, tender.id).bid_deadline == BID
        reason = "Nota van inlichtingen 2 vraagt meer tijd."
        edit_tender_page(client, tender, bid_deadline=new, change_reason=reason)
        assert db.session.get(Tender, tender.id).bid_deadline == later
    notes = db.session.execute(select(Notification).order_by(Notification.user_id)).scalars()
    told = {n.user_id: n for n in notes}
    assert set(told) == {provider_user("kompas").id, provider_user("linde").id}
    assert all(reason in n.body and "08-07-2026 12:00" in n.body for n in told.values())
    # the bids stay sealed until the new deadline, also the ones submitted before the move
    bid = ops.tender_bids(tender)[0]
    with time_machine.travel(BID + timedelta(days=1), tick=False), pytest.raises(NotAllowed):
        ops.open_bid(bid, inkoper)
    with time_machine.travel(later, tick=False):
        assert ops.open_bid(bid, inkoper) is bid


def test_core_terms_are_frozen_after_publication(app, client):
    tender = priced_tender()
    with time_machine.travel(BID - timedelta(days=3), tick=False):
        f.login(client, officer())
        page = edit_tender_page(client, tender, title="Andere titel", duration_months="36")
        assert "alleen deadlines en de omschrijving" in page.get_data(as_text=True)
    tender = db.session.get(Tender, tender.id)
    assert (tender.title, tender.duration_months) == ("Dagbesteding en dagbehandeling", 24)
