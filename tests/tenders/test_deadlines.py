"""Deadlines are typed and shown in Europe/Amsterdam and stored aware: late registrations and
late bids are refused to the second, also on the days summer time starts and ends."""

from datetime import UTC, date, datetime, time
from io import BytesIO

import pytest
import time_machine
from sqlalchemy import select

from procure.core.errors import InvalidTransition
from procure.core.timeutil import local_deadline
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.deadlines import tender_deadlines
from procure.tenders.models import Bid, Registration, Tender
from tests import factories as f
from tests.tenders.builders import PDF, T0, lot_ids, officer, pdf, provider_user, slt_tender

# 29 March 2026: clocks go from 02:00 to 03:00 (CET -> CEST); 12:00 local = 10:00 UTC.
SPRING = local_deadline(date(2026, 3, 29), time(12, 0))
# 25 October 2026: clocks go from 03:00 back to 02:00 (CEST -> CET); 12:00 local = 11:00 UTC.
AUTUMN = local_deadline(date(2026, 10, 25), time(12, 0))
DIALOGUE = local_deadline(date(2026, 9, 1), time(17, 0))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_dst_deadlines_are_stored_as_the_right_utc_instant():
    assert SPRING.astimezone(UTC) == utc(2026, 3, 29, 10, 0)
    assert AUTUMN.astimezone(UTC) == utc(2026, 10, 25, 11, 0)


def _register(tender, code):
    return ops.register(
        tender,
        actor=provider_user(code),
        lot_ids=lot_ids(tender, 1, 2),
        document=pdf(),
        no_exclusion_grounds=True,
        suitability_answer="ja",
    )


def test_registration_deadline_to_the_second_on_the_spring_dst_day(app):
    actor = officer()
    for code in ("kompas", "linde"):
        provider_user(code)
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor, registration=SPRING, dialogue_end=DIALOGUE, bid=AUTUMN)
        ops.publish(tender, actor=actor)
    with time_machine.travel(utc(2026, 3, 29, 9, 59, 59), tick=False):
        _register(tender, "kompas")
    with time_machine.travel(utc(2026, 3, 29, 10, 0, 0), tick=False):
        with pytest.raises(InvalidTransition) as info:
            _register(tender, "linde")
        assert "verstreken" in str(info.value.message)
    # one second before the deadline the selection phase cannot start yet
    with (
        time_machine.travel(utc(2026, 3, 29, 9, 59, 59), tick=False),
        pytest.raises(InvalidTransition),
    ):
        ops.start_selection(tender, actor=actor)
    providers = db.session.execute(select(Registration.provider_id)).scalars().all()
    assert providers == [provider_user("kompas").provider_id]


def test_late_registration_is_refused_on_the_portal_page(app, client):
    actor = officer()
    linde = provider_user("linde")
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor, registration=SPRING, dialogue_end=DIALOGUE, bid=AUTUMN)
        ops.publish(tender, actor=actor)
    with time_machine.travel(utc(2026, 3, 29, 10, 0, 0), tick=False):
        f.login(client, linde)
        page = client.get(f"/aanbestedingen/{tender.id}/portaal").get_data(as_text=True)
        assert "Aanmelden is niet (meer) mogelijk" in page
        response = f.post(
            client,
            f"/aanbestedingen/{tender.id}/portaal/aanmelden",
            {
                "lots": [tender.lot(1).id],
                "no_exclusion_grounds": "y",
                "suitability_answer": "ja",
                "document": (BytesIO(PDF), "a.pdf"),
            },
        )
        assert response.status_code == 409  # the refusal's own status (a deadline passed)
        assert "aanmeldingstermijn is verstreken" in response.get_data(as_text=True)
    assert db.session.execute(select(Registration)).first() is None


def _to_award_phase(actor, tender):
    with time_machine.travel(utc(2026, 3, 29, 9, 0), tick=False):
        _register(tender, "kompas")
    with time_machine.travel(utc(2026, 3, 30, 9, 0), tick=False):
        ops.start_selection(tender, actor=actor)
        reg = ops.registrations(tender)[0]
        ops.assess_registration(reg, actor=actor, status="selected")
        ops.decide_selection(tender, actor=actor, motivation="ok")
        ops.record_go(tender, actor=actor, go=True, motivation="ok")
        ops.start_dialogue(tender, actor=actor)
        ops.add_agreement(tender, actor=actor, text="afspraak")
        ops.record_go(tender, actor=actor, go=True, motivation="ok")
        ops.start_award(tender, actor=actor)


def test_bid_deadline_to_the_second_on_the_autumn_dst_day(app):
    actor = officer()
    kompas = provider_user("kompas")
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor, registration=SPRING, dialogue_end=DIALOGUE, bid=AUTUMN)
        ops.publish(tender, actor=actor)
    _to_award_phase(actor, tender)

    def submit(lot):
        return ops.submit_bid(
            tender,
            actor=kompas,
            lot_id=tender.lot(lot).id,
            plan=pdf("plan.pdf"),
            accepts_agreements=True,
        )

    # 10:59:59 UTC is 11:59:59 CET: still in time (a naive CEST offset would refuse it)
    with time_machine.travel(utc(2026, 10, 25, 10, 59, 59), tick=False):
        submit(1)
    with time_machine.travel(utc(2026, 10, 25, 11, 0, 0), tick=False):
        with pytest.raises(InvalidTransition):
            submit(2)
        with pytest.raises(InvalidTransition):
            submit(1)  # replacing is refused too
    bids = db.session.execute(select(Bid)).scalars().all()
    assert [(b.lot_id, b.version) for b in bids] == [(tender.lot(1).id, 1)]


def test_deadline_typed_in_the_form_is_amsterdam_time(app, client):
    f.login(client, officer())
    with time_machine.travel(T0, tick=False):
        f.login(client, officer())
        base = {
            "title": "Dagbesteding",
            "procedure": "sas_dialogue",
            "task_area_id": "0",
            "variant": "task",
            "duration_months": "24",
            "extension_count": "2",
            "extension_months": "12",
            "score_scale_max": "10",
            "standstill_days": "20",
            "contract_start": "2027-01-01",
        }
        response = f.post(
            client,
            "/aanbestedingen/nieuw",
            {
                **base,
                "registration_deadline": "2026-03-29T12:00",
                "bid_deadline": "2026-10-25T12:00",
            },
        )
        assert response.status_code == 302
        tender = db.session.execute(select(Tender)).scalar_one()
        assert tender.registration_deadline == utc(2026, 3, 29, 10, 0)
        assert tender.bid_deadline == utc(2026, 10, 25, 11, 0)
        page = client.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
        assert "25-10-2026 12:00" in page and "29-03-2026 12:00" in page
        # 02:30 on 29 March does not exist in the Netherlands
        response = f.post(
            client,
            "/aanbestedingen/nieuw",
            {**base, "title": "Ander", "registration_deadline": "2026-03-29T02:30"},
        )
        assert response.status_code == 422
        assert "bestaat niet" in response.get_data(as_text=True)
        assert "Ander" in response.get_data(as_text=True)  # input kept
        # deadlines out of order: registration after the bid deadline
        response = f.post(
            client,
            "/aanbestedingen/nieuw",
            {
                **base,
                "title": "Omgekeerd",
                "registration_deadline": "2026-10-25T12:00",
                "bid_deadline": "2026-03-29T12:00",
            },
        )
        assert "in volgorde liggen" in response.get_data(as_text=True)
    assert db.session.execute(select(Tender)).scalars().all() == [tender]


def test_deadline_query_for_reminders(app):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor, registration=SPRING, dialogue_end=DIALOGUE, bid=AUTUMN)
        assert tender_deadlines(utc(2026, 1, 1), utc(2027, 1, 1)) == []  # concept: none
        ops.publish(tender, actor=actor)
    rows = tender_deadlines(utc(2026, 1, 1), utc(2027, 1, 1))
    assert [(r.kind, r.moment) for r in rows] == [
        ("registration", SPRING),
        ("go_no_go_selection", SPRING),
        ("dialogue_end", DIALOGUE),
        ("bid_deadline", AUTUMN),
    ]
    assert {r.officer_id for r in rows} == {actor.id}
    assert tender_deadlines(utc(2026, 4, 1), utc(2026, 9, 1)) == []
    assert len({r.key for r in rows}) == 4


def test_standstill_end_is_shown_as_24_00_of_its_last_day():
    from procure.core.timeutil import end_of_day
    from procure.tenders import format_end_moment

    assert format_end_moment(end_of_day(date(2026, 7, 21))) == "21-07-2026 24:00"
    # the last day of the autumn DST change still ends at local midnight
    end = end_of_day(date(2026, 10, 25))
    assert end.astimezone(UTC) == utc(2026, 10, 25, 23, 0)
    assert format_end_moment(end) == "25-10-2026 24:00"
    assert format_end_moment(AUTUMN) == "25-10-2026 12:00"
