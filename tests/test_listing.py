"""The shared list macros: pagination and sort links keep the filters and stay translated."""

from tests import factories as f


def test_pagination_and_sorting_links_keep_filters(client, app):
    app.config["LIST_PER_PAGE"] = 2
    for i in range(5):
        f.provider(f"zorg{i}", f"Zorg {i}")
    f.login(client, f.user("procurement"))
    html = client.get("/organisaties/aanbieders?q=Zorg&sort=name&dir=desc").get_data(
        as_text=True)
    assert "Pagina 1 van 3" in html
    assert "Zorg 4" in html and "Zorg 0" not in html
    assert "page=2" in html and "q=Zorg" in html
    html = client.get("/organisaties/aanbieders?q=Zorg&sort=name&dir=desc&page=3").get_data(
        as_text=True)
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
