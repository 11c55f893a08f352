"""The iCalendar feed: valid RFC 5545 that parses, only the user's own deadlines, times in
Europe/Amsterdam, a secret revocable URL (revoked or unknown -> 404)."""

import re

import icalendar
import time_machine
from sqlalchemy import select

from procure.extensions import db
from procure.reminders import operations as ops
from procure.reminders.models import CalendarFeedToken
from procure.reminders.rules import Deadline
from tests import factories as f
from tests.reminders.conftest import local


def _feed_url(client, user):
    f.login(client, user)
    html = client.post(
        "/meldingen/agenda/nieuw",
        data={"csrf_token": f.csrf_token(client, "/meldingen/instellingen")},
    ).get_data(as_text=True)
    match = re.search(r'value="https?://[^"]+(/meldingen/agenda/[^"]+\.ics)"', html)
    assert match, "the new feed URL is shown once"
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    return match.group(1)


def test_feed_parses_and_holds_only_the_users_own_deadlines(app, client, fake_rule):
    wbo_cm = f.user("contract_manager", "wbo", email="cm.wbo@example.org")
    other_cm = f.user("contract_manager", "wbo", email="cm2.wbo@example.org")
    e10_cm = f.user("contract_manager", "e10", email="cm.e10@example.org")
    fake_rule.deadlines += [
        Deadline(
            subject_type="contract",
            subject_id=1,
            due_at=local(2026, 3, 30, 17, 0),
            region_id=wbo_cm.region_id,
            recipients=(wbo_cm.id,),
            title="Verlengingsbesluit WBO-2022-001",
            url="/contracten/1",
        ),
        Deadline(
            subject_type="contract",
            subject_id=2,
            due_at=local(2026, 2, 2, 9, 0),
            region_id=wbo_cm.region_id,
            recipients=(other_cm.id,),
            title="Einde contract WBO-2022-002",
            url="/contracten/2",
        ),
        # a source bug naming a user of another region is caught by the scope check
        Deadline(
            subject_type="contract",
            subject_id=3,
            due_at=local(2026, 2, 3, 9, 0),
            region_id=e10_cm.region_id,
            recipients=(e10_cm.id, wbo_cm.id),
            title="Einde contract E10-3",
            url="/contracten/3",
        ),
    ]
    url = _feed_url(client, wbo_cm)
    with time_machine.travel(local(2026, 1, 15, 10, 0)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    assert cal["VERSION"] == "2.0" and "PRODID" in cal
    events = list(cal.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Verlengingsbesluit WBO-2022-001"]
    event = events[0]
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert (start.hour, start.minute) == (17, 0)  # summer time, wall clock
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["URL"]).endswith("/contracten/1")
    assert "UID" in event and "DTSTAMP" in event
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    raw = response.get_data(as_text=True)
    assert "\r\n" in raw and "BEGIN:VCALENDAR" in raw  # RFC 5545 line endings


def test_revoked_or_unknown_token_gives_404(app, client):
    user = f.user("procurement", "wbo", email="inkoper@example.org")
    url = _feed_url(client, user)
    assert client.get(url).status_code == 200
    ops.revoke_feed_tokens(user)
    assert client.get(url).status_code == 404
    assert client.get("/meldingen/agenda/verzonnen-geheim.ics").status_code == 404
    assert db.session.execute(select(CalendarFeedToken)).scalar_one().is_revoked


def test_a_new_feed_url_replaces_the_old_one_and_only_a_hash_is_stored(app, client):
    user = f.user("procurement", "wbo", email="inkoper@example.org")
    first = _feed_url(client, user)
    second = _feed_url(client, user)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    secret = second.rsplit("/", 1)[1].removesuffix(".ics")
    stored = db.session.execute(select(CalendarFeedToken.token_hash)).scalars().all()
    assert secret not in stored and CalendarFeedToken.hash(secret) in stored


def test_the_feed_of_a_deactivated_user_is_gone(app, client):
    user = f.user("procurement", "wbo", email="inkoper@example.org")
    url = _feed_url(client, user)
    user.active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_tariff_indexation_appears_in_the_procurement_officers_feed(app, client):
    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    cm = f.user("contract_manager", "wbo", email="cm@example.org")
    with time_machine.travel(local(2026, 9, 1, 10, 0)):
        officer_feed = icalendar.Calendar.from_ical(client.get(_feed_url(client, officer)).data)
        cm_feed = icalendar.Calendar.from_ical(client.get(_feed_url(client, cm)).data)
    summaries = [str(e["SUMMARY"]) for e in officer_feed.walk("VEVENT")]
    assert "Tariefindexatie 2027: tarieven vaststellen" in summaries
    assert list(cm_feed.walk("VEVENT")) == []
