"""The bell, the notification list and mark-read, preferences, and the admin page."""

import time_machine
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.extensions import db
from procure.reminders.models import Notification, NotificationPreference, ReminderRule
from procure.reminders.sweep import run_sweep
from tests import factories as f
from tests.reminders.conftest import local


def _notified(*users):
    with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
        run_sweep(send=False)
    return db.session.execute(select(Notification).order_by(Notification.id)).scalars().all()


def test_bell_shows_unread_count_and_mark_read_clears_it(app, client):
    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    [note] = _notified(officer)
    f.login(client, officer)
    html = client.get("/").get_data(as_text=True)
    assert 'class="bell has-unread"' in html and '<span class="bell-count">1</span>' in html
    listing = client.get("/meldingen/").get_data(as_text=True)
    assert "Tariefindexatie 2027: tarieven vaststellen" in listing
    response = f.post(client, f"/meldingen/{note.id}/gelezen", {"open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/catalogus/"
    assert db.session.get(Notification, note.id).read_at is not None
    html = client.get("/").get_data(as_text=True)
    assert "bell-count" not in html
    assert "Tariefindexatie" not in client.get("/meldingen/?status=unread").get_data(as_text=True)


def test_nobody_can_mark_someone_elses_notification(app, client):
    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    other = f.user("procurement", "wbo", email="collega@example.org")
    notes = _notified(officer, other)
    mine = next(n for n in notes if n.user_id == officer.id)
    f.login(client, other)
    f.post(client, f"/meldingen/{mine.id}/gelezen")
    assert db.session.get(Notification, mine.id).read_at is None
    assert "Melding niet gevonden" in client.get("/meldingen/").get_data(as_text=True)


def test_mark_all_read_and_csrf_is_required(app, client):
    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    _notified(officer)
    f.login(client, officer)
    assert client.post("/meldingen/alles-gelezen").status_code == 400
    f.post(client, "/meldingen/alles-gelezen")
    assert db.session.execute(select(Notification.read_at)).scalar() is not None


def test_preference_is_saved_and_audited_and_garbage_refused(app, client):
    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    f.login(client, officer)
    response = f.post(client, "/meldingen/instellingen", {"mode": "weekly"})
    assert response.status_code == 422  # garbage refused, the form again
    assert db.session.get(NotificationPreference, officer.id) is None
    f.post(client, "/meldingen/instellingen", {"mode": "digest"})
    assert db.session.get(NotificationPreference, officer.id).mode == "digest"
    assert (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "reminders.preference")
        ).scalar()
        is not None
    )


def test_admin_page_is_for_admins_only(app, client):
    for role in ("procurement", "contract_manager", "supervisor", "municipality", "provider"):
        user = f.user(role, "wbo", email=f"{role}@example.org")
        f.login(client, user)
        assert client.get("/meldingen/beheer").status_code == 403, role
        assert f.post(client, "/meldingen/beheer/sweep").status_code == 403
        client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})


def test_admin_page_shows_last_sweep_upcoming_and_sent(app, client):
    f.user("procurement", "wbo", email="inkoper@example.org")
    admin = f.user("admin", "wbo", email="beheer@example.org")
    with time_machine.travel(local(2026, 10, 1, 8, 0), tick=False):
        f.login(client, admin)
        html = client.get("/meldingen/beheer").get_data(as_text=True)
        assert "Er is nog nooit een sweep uitgevoerd" in html
        # upcoming within 30 days: the 2-week reminder of 18 October
        assert 'class="upcoming"' in html and "Tariefindexatie 2027" in html
        f.post(client, "/meldingen/beheer/sweep")
        html = client.get("/meldingen/beheer").get_data(as_text=True)
    assert "01-10-2026 08:00:00" in html  # last sweep, in Dutch time
    assert 'class="last-duration"' in html
    with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
        f.login(client, admin)
        f.post(client, "/meldingen/beheer/sweep")
        html = client.get("/meldingen/beheer").get_data(as_text=True)
    assert 'class="sent"' in html and "Procurement" in html


def test_admin_of_another_region_sees_nothing_of_this_one(app, client):
    f.user("procurement", "wbo", email="inkoper@example.org")
    _notified()
    admin = f.user("admin", "e10", email="beheer.e10@example.org")
    f.login(client, admin)
    html = client.get("/meldingen/beheer").get_data(as_text=True)
    assert "Nog geen herinneringen verstuurd" in html


def test_admin_configures_offsets_per_region_and_bad_input_is_kept(app, client):
    admin = f.user("admin", "wbo", email="beheer@example.org")
    f.login(client, admin)
    response = f.post(
        client, "/meldingen/beheer/regels/tariff_indexation", {"offsets": "8w, 3x", "active": "y"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ongeldige termijn" in html and 'value="8w, 3x"' in html
    assert db.session.execute(select(ReminderRule)).scalar() is None
    f.post(
        client, "/meldingen/beheer/regels/tariff_indexation", {"offsets": "8w,4w,1w", "active": "y"}
    )
    row = db.session.execute(select(ReminderRule)).scalar_one()
    assert (row.region_id, row.offsets, row.active) == (admin.region_id, "8w,4w,1w", True)
    assert (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "reminders.rule_configured")
        ).scalar()
        is not None
    )
    assert (
        f.post(
            client, "/meldingen/beheer/regels/bestaat-niet", {"offsets": "1d", "active": "y"}
        ).status_code
        == 404  # no such rule: the refusal keeps its own status
    )


def test_dashboard_cards_for_unread_and_for_failed_mail(app, client, no_smtp):
    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    admin = f.user("admin", "wbo", email="beheer@example.org")
    app.config["REMINDERS_MAX_ATTEMPTS"] = 1
    with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
        run_sweep()
    f.login(client, officer)
    html = client.get("/").get_data(as_text=True)
    assert "Ongelezen meldingen" in html and "/meldingen/?status=unread" in html
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, admin)
    html = client.get("/").get_data(as_text=True)
    assert "Mislukte herinneringsmails" in html


def test_bell_counts_up_to_99_and_the_list_counts_all(app, client):
    """The bell on every page reads at most 100 rows; the list says how many there are."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    rows = [
        {
            "user_id": officer.id,
            "title": f"Melding {n}",
            "body": "",
            "url": "/",
            "created_at": datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        }
        for n in range(150)
    ]
    db.session.execute(insert(Notification), rows)
    db.session.commit()
    f.login(client, officer)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="bell-count">99+</span>' in html
    assert 'aria-label="Meer dan 99 ongelezen meldingen"' in html
    assert "150" in client.get("/meldingen/?status=unread").get_data(as_text=True)
