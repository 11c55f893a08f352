"""Authentication hardening: equal work for unknown e-mails, logout ends the session on the
server, a password policy against guessable passwords, tokens revoked on a reset."""

import pytest
from sqlalchemy import select

from procure.auth import passwords
from procure.auth.models import User
from procure.extensions import db
from tests import factories as f


def test_unknown_email_costs_a_password_hash_too(client, monkeypatch):
    calls = []
    real = passwords.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    response = f.login(client, "niemand@wbo.example.org", password="een-gok-van-iemand")
    assert response.status_code == 401 and len(calls) == 1
    # the dummy hash uses the configured method, so both paths cost the same
    assert calls[0].startswith(client.application.config["PASSWORD_HASH_METHOD"].split(":")[0])


def test_logout_ends_the_session_on_the_server(client):
    user = f.user("contract_manager")
    f.login(client, user)
    assert client.get("/contracten/").status_code == 200
    copied = client.get_cookie("session").value
    f.post(client, "/uitloggen")
    thief = client.application.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/contracten/")
    assert response.status_code in (302, 401) and "/inloggen" in response.headers.get(
        "Location", "/inloggen"
    )
    f.login(client, user)  # logging in again works
    assert client.get("/contracten/").status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password12", "te makkelijk te raden"),
        ("1234567890", "te makkelijk te raden"),
        ("qwertyuiop", "te makkelijk te raden"),
        ("jeugdhulp-demo-2026", "demowachtwoord"),
        ("wim.janssen@breda.nl", "e-mailadres"),
        ("Wim Janssen 2026", "uw naam"),
        ("kort", "Minstens 10 tekens"),
    ],
)
def test_admin_page_refuses_a_weak_password_next_to_the_field(client, password, message):
    f.login(client, f.user("admin"))
    response = f.post(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "email": "wim.janssen@breda.nl",
            "name": "Wim Janssen",
            "role": "procurement",
            "municipality_id": "0",
            "provider_id": "0",
            "password": password,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert "wim.janssen@breda.nl" in html  # the input is kept
    assert db.session.execute(select(User).filter_by(email="wim.janssen@breda.nl")).first() is None


def test_a_strong_passphrase_is_accepted(client):
    f.login(client, f.user("admin"))
    response = f.post(
        client,
        "/beheer/gebruikers/nieuw",
        {
            "email": "wim.janssen@breda.nl",
            "name": "Wim Janssen",
            "role": "procurement",
            "municipality_id": "0",
            "provider_id": "0",
            "password": "fiets-molen-tulp-zeilboot",
        },
    )
    assert response.status_code == 302


def test_password_reset_revokes_the_users_api_tokens(client):
    user = f.user("contract_manager")
    raw = f.api_token(user)
    assert client.get("/api/v1/contracts", headers=f.bearer(raw)).status_code == 200
    f.login(client, f.user("admin", email="beheer@wbo.example.org"))
    response = f.post(
        client,
        f"/beheer/gebruikers/{user.id}",
        {"pw-password": "fiets-molen-tulp-zeilboot", "pw-confirm": "fiets-molen-tulp-zeilboot"},
    )
    assert response.status_code == 302
    assert "API-tokens" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/api/v1/contracts", headers=f.bearer(raw)).status_code == 401
