import pytest
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.auth.models import User
from procure.extensions import db
from tests import factories as f

ADMIN_PAGES = ["/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/audit/"]


@pytest.mark.parametrize(
    "role", ["procurement", "contract_manager", "supervisor", "municipality", "provider"]
)
def test_every_non_admin_role_gets_403_on_admin_pages(client, role):
    user = f.user(role)
    f.login(client, user)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    target = f.user("procurement", email="target@example.org")
    assert client.get(f"/beheer/gebruikers/{target.id}").status_code == 403
    response = f.post(client, f"/beheer/gebruikers/{target.id}/actief", {"active": "0"})
    assert response.status_code == 403
    assert db.session.get(User, target.id).active is True


def test_anonymous_is_sent_to_login(client):
    response = client.get("/beheer/gebruikers")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_admin_sees_only_users_of_own_region(client):
    admin = f.user("admin", "wbo")
    f.user("procurement", "wbo", email="inkoper.wbo@example.org")
    f.user("procurement", "e10", email="inkoper.e10@example.org")
    f.login(client, admin)
    html = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert "inkoper.wbo@example.org" in html
    assert "inkoper.e10@example.org" not in html
    other = db.session.execute(select(User).filter_by(email="inkoper.e10@example.org")).scalar()
    assert client.get(f"/beheer/gebruikers/{other.id}").status_code == 404


def test_municipality_user_sees_only_its_own_region(client):
    f.region("e10")
    user = f.user("municipality", "wbo", municipality_name="Breda")
    f.login(client, user)
    html = client.get("/organisaties/regio").get_data(as_text=True)
    assert "Breda" in html and "Oosterhout" in html
    assert "Helmond" not in html and "Een 10 voor de Jeugd" not in html


def test_provider_user_sees_nothing_of_other_providers(client):
    mine = f.provider("kompas", "Stichting Kompas")
    other = f.provider("linde", "De Linde")
    user = f.user("provider", provider_code="kompas")
    f.login(client, user)
    html = client.get("/organisaties/aanbieders").get_data(as_text=True)
    assert "Stichting Kompas" in html and "De Linde" not in html
    assert client.get(f"/organisaties/aanbieders/{mine.id}").status_code == 200
    assert client.get(f"/organisaties/aanbieders/{other.id}").status_code == 404


def test_admin_creates_user_changes_role_and_both_are_audited(client):
    admin = f.user("admin")
    f.login(client, admin)
    response = f.post(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "email": "Nieuwe.Inkoper@Example.org",
            "name": "Nieuwe Inkoper",
            "role": "procurement",
            "municipality_id": "0",
            "provider_id": "0",
            "password": "een-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    created = db.session.execute(
        select(User).filter_by(email="nieuwe.inkoper@example.org")
    ).scalar_one()
    assert created.region_id == admin.region_id

    response = f.post(
        client,
        f"/beheer/gebruikers/{created.id}",
        {"role-role": "supervisor", "role-municipality_id": "0", "role-provider_id": "0"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, created.id).role == "supervisor"

    events = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == "User", AuditEvent.object_id == str(created.id))
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [e.action for e in events] == ["user.created", "user.role_changed"]
    assert events[1].old_values["role"] == "procurement"
    assert events[1].new_values["role"] == "supervisor"
    assert events[1].actor_id == admin.id


def test_create_user_validation_messages_are_dutch(client):
    admin = f.user("admin")
    f.login(client, admin)
    response = f.post(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "email": admin.email,
            "name": "Dubbel",
            "role": "procurement",
            "municipality_id": "0",
            "provider_id": "0",
            "password": "een-lang-wachtwoord",
        },
    )
    assert response.status_code == 409
    assert "bestaat al een gebruiker" in response.get_data(as_text=True)
    response = f.post(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "email": "gemeente@example.org",
            "name": "Gemeente",
            "role": "municipality",
            "municipality_id": "0",
            "provider_id": "0",
            "password": "een-lang-wachtwoord",
        },
    )
    assert "hoort bij een gemeente" in response.get_data(as_text=True)


def test_admin_resets_password_and_deactivates(client):
    admin = f.user("admin")
    target = f.user("contract_manager", email="cm@example.org")
    f.login(client, admin)
    f.post(
        client,
        f"/beheer/gebruikers/{target.id}",
        {"pw-password": "nieuw-wachtwoord-123", "pw-confirm": "nieuw-wachtwoord-123"},
    )
    f.post(client, f"/beheer/gebruikers/{target.id}/actief", {"active": "0"})
    db.session.expire_all()
    refreshed = db.session.get(User, target.id)
    assert refreshed.check_password("nieuw-wachtwoord-123")
    assert refreshed.active is False
    response = f.post(client, f"/beheer/gebruikers/{admin.id}/actief", {"active": "0"})
    assert response.status_code == 302
    assert db.session.get(User, admin.id).active is True  # cannot deactivate yourself


def test_region_admin_cannot_take_over_provider_accounts(client):
    admin = f.user("admin", "wbo")
    provider_user = f.user("provider", provider_code="kompas", email="p@example.org")
    f.login(client, admin)
    response = f.post(
        client,
        f"/beheer/gebruikers/{provider_user.id}",
        {"pw-password": "overname-wachtwoord-1", "pw-confirm": "overname-wachtwoord-1"},
    )
    assert "landelijk beheerder" in response.get_data(as_text=True)
    response = f.post(
        client,
        f"/beheer/gebruikers/{provider_user.id}",
        {"role-role": "admin", "role-municipality_id": "0", "role-provider_id": "0"},
    )
    assert "landelijk beheerder" in response.get_data(as_text=True)
    refreshed = db.session.get(User, provider_user.id)
    assert refreshed.role == "provider" and refreshed.check_password(f.PASSWORD)
    response = f.post(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "email": "nep@example.org",
            "name": "Nep",
            "role": "provider",
            "municipality_id": "0",
            "provider_id": str(provider_user.provider_id),
            "password": "een-lang-wachtwoord",
        },
    )
    assert db.session.execute(select(User).filter_by(email="nep@example.org")).scalar() is None


def test_role_change_keeps_the_user_in_the_admins_region(client):
    admin = f.user("admin", "wbo")
    target = f.user("supervisor", "wbo", email="t@example.org")
    f.login(client, admin)
    f.post(
        client,
        f"/beheer/gebruikers/{target.id}",
        {"role-role": "admin", "role-municipality_id": "0", "role-provider_id": "0"},
    )
    refreshed = db.session.get(User, target.id)
    assert refreshed.role == "admin" and refreshed.region_id == admin.region_id
