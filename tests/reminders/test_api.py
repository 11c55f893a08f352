"""Reminders over the API: a user's notifications (own only), marking read, the iCal feed."""

from sqlalchemy import select

from procure.extensions import db
from procure.reminders.models import CalendarFeedToken, Notification
from tests import factories as f


def _note(user, title):
    row = Notification(user_id=user.id, title=title, body="", url="/contracten")
    db.session.add(row)
    db.session.commit()
    return row


def test_notifications_list_and_mark_read_are_per_user(client):
    me = f.user("contract_manager", email="cm@example.org")
    other = f.user("contract_manager", email="cm2@example.org")
    mine = _note(me, "Optie WBO-C2026-0001 verloopt over 30 dagen")
    theirs = _note(other, "Plafond bereikt")
    token = {**f.bearer(f.api_token(me)), "Idempotency-Key": "n-1"}
    body = client.get("/api/v1/notifications?unread=true", headers=token).get_json()
    assert [n["id"] for n in body["items"]] == [mine.id]
    assert client.post(f"/api/v1/notifications/{theirs.id}/read", headers=token).status_code == 404
    token["Idempotency-Key"] = "n-2"
    read = client.post(f"/api/v1/notifications/{mine.id}/read", headers=token)
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert db.session.get(Notification, theirs.id).read_at is None


def test_calendar_feed_token_over_the_api(client):
    me = f.user("supervisor")
    headers = {**f.bearer(f.api_token(me)), "Idempotency-Key": "c-1"}
    created = client.post("/api/v1/calendar-feed", headers=headers)
    assert created.status_code == 201
    path = created.get_json()["url"].split("://", 1)[-1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    headers["Idempotency-Key"] = "c-2"
    assert client.post("/api/v1/calendar-feed/revocation", headers=headers).get_json() == {
        "revoked": 1
    }
    assert client.get(f"/{path}").status_code == 404
    assert db.session.execute(select(CalendarFeedToken.revoked_at)).scalar() is not None
