"""The shared list macros: pagination and sort links keep the filters and stay translated."""

from tests import factories as f


def test_pagination_and_sorting_links_keep_filters(client, app):
    app.config["LIST_PER_PAGE"] = 2
    for i in range(5):
        f.provider(f"zorg{i}", f"Zorg {i}")
    f.login(client, f.user("procurement"))
    html = client.get("/organisaties/aanbieders?q=Zorg&sort=name&dir=desc").get_data(as_text=True)
    assert "Pagina 1 van 3" in html
    assert "Zorg 4" in html and "Zorg 0" not in html
    assert "page=2" in html and "q=Zorg" in html
    html = client.get("/organisaties/aanbieders?q=Zorg&sort=name&dir=desc&page=3").get_data(
        as_text=True
    )
    assert "Pagina 3 van 3" in html and "Zorg 0" in html and "Vorige" in html


def test_client_follows_redirects(client):
    f.login(client, f.user("procurement"))
    response = client.get("/organisaties/aanbieders/nieuw", follow_redirects=True)
    assert response.status_code == 200


def test_operation_error_outside_a_request_has_a_dutch_message(app):
    import pytest

    from procure.auth.operations import create_user
    from procure.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        create_user(email="geen-adres", name="X", role="procurement", password="x" * 12)
    assert str(info.value.message) == "Ongeldig e-mailadres."


def test_a_refusal_is_shown_once_at_the_field_it_names(app):
    from flask import get_flashed_messages
    from flask_wtf import FlaskForm
    from wtforms import StringField

    from procure.core.errors import ValidationFailed
    from procure.core.views import flash_error

    class Form(FlaskForm):
        name = StringField()

    with app.test_request_context(method="POST"):
        form = Form(meta={"csrf": False})
        exc = ValidationFailed(
            "Controleer de invoer.",
            field="name",
            errors=[{"field": "name", "message": "Naam ontbreekt."}],
        )
        flash_error(exc, form)
        assert get_flashed_messages() == []  # not twice: a banner as well as the field
        assert form.name.errors == ["Controleer de invoer.", "Naam ontbreekt."]
    with app.test_request_context(method="POST"):
        flash_error(ValidationFailed("Geen veld.", field="onbekend"), Form(meta={"csrf": False}))
        assert get_flashed_messages() == ["Geen veld."]  # no field to show it at: the top
