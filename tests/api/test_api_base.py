from openapi_spec_validator import validate

from procure.auth.models import ApiToken
from procure.auth.operations import revoke_token
from procure.extensions import db
from tests import factories as f


def test_no_token_gives_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"]["code"] == "unauthorized"
    assert "token" in body["error"]["message"]


def test_session_cookie_does_not_authenticate_api(client):
    user = f.user("procurement")
    f.login(client, user)
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_gives_401(client):
    user = f.user("contract_manager")
    raw = f.api_token(user)
    assert client.get("/api/v1/me", headers=f.bearer(raw)).status_code == 200
    token = db.session.query(ApiToken).filter_by(token_hash=ApiToken.hash(raw)).one()
    revoke_token(token)
    response = client.get("/api/v1/me", headers=f.bearer(raw))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_token_acts_with_its_users_identity_and_scope(client):
    user = f.user("municipality", municipality_name="Breda")
    raw = f.api_token(user)
    body = client.get("/api/v1/me", headers=f.bearer(raw)).get_json()
    assert body["email"] == user.email
    assert body["role"] == "municipality"
    assert body["region"] == "wbo" and body["municipality"] == "Breda"


def test_deactivated_users_token_stops_working(client):
    from procure.auth.operations import set_active

    user = f.user("supervisor")
    raw = f.api_token(user)
    set_active(user, False)
    assert client.get("/api/v1/me", headers=f.bearer(raw)).status_code == 401


def test_unknown_api_path_is_json_404(client):
    user = f.user("procurement")
    response = client.get("/api/v1/bestaat-niet", headers=f.bearer(f.api_token(user)))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "/me" in spec["paths"]


def test_profile_page_creates_and_revokes_tokens(client):
    user = f.user("procurement")
    f.login(client, user)
    html = f.post(client, "/profiel", {"name": "koppeling"}).get_data(as_text=True)
    assert 'data-testid="new-token"' in html
    raw = html.split('data-testid="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/me", headers=f.bearer(raw)).status_code == 200
    token = db.session.query(ApiToken).filter_by(token_hash=ApiToken.hash(raw)).one()
    f.post(client, f"/profiel/tokens/{token.id}/intrekken")
    assert client.get("/api/v1/me", headers=f.bearer(raw)).status_code == 401


def test_cli_token_create_prints_a_working_token(app, client):
    user = f.user("supervisor")
    result = app.test_cli_runner().invoke(args=["token", "create", user.email])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert client.get("/api/v1/me", headers=f.bearer(raw)).get_json()["id"] == user.id
    result = app.test_cli_runner().invoke(args=["token", "create", "nobody@example.org"])
    assert result.exit_code != 0


def test_list_pagination_convention_and_per_page_maximum(client):
    for i in range(7):
        f.provider(f"p{i}", f"Aanbieder {i:02d}")
    raw = f.api_token(f.user("procurement"))
    body = client.get("/api/v1/providers?per_page=3&page=2", headers=f.bearer(raw)).get_json()
    assert body["meta"] == {"page": 2, "per_page": 3, "total": 7, "pages": 3}
    assert [p["name"] for p in body["items"]] == ["Aanbieder 03", "Aanbieder 04", "Aanbieder 05"]
    # the schema says per_page is at most 100: more is refused, not silently clamped
    response = client.get("/api/v1/providers?per_page=5000", headers=f.bearer(raw))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "per_page"


def test_provider_token_sees_only_its_own_provider(client):
    f.provider("kompas", "Stichting Kompas")
    f.provider("linde", "De Linde")
    raw = f.api_token(f.user("provider", provider_code="kompas"))
    body = client.get("/api/v1/providers", headers=f.bearer(raw)).get_json()
    assert [p["short_code"] for p in body["items"]] == ["kompas"]
    assert client.get("/api/v1/providers/linde", headers=f.bearer(raw)).status_code == 404
    assert client.get("/api/v1/providers/kompas", headers=f.bearer(raw)).status_code == 200


def test_municipality_token_sees_only_its_region(client):
    f.region("e10")
    raw = f.api_token(f.user("municipality", "wbo", municipality_name="Breda"))
    body = client.get("/api/v1/regions", headers=f.bearer(raw)).get_json()
    assert [r["short_code"] for r in body["items"]] == ["wbo"]


def test_profile_links_the_api_documentation_served_from_vendored_files(client):
    f.login(client, f.user("procurement"))
    profile = client.get("/profiel").get_data(as_text=True)
    assert 'data-testid="api-docs-link"' in profile and "/api/docs" in profile
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/api/v1/openapi.json" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", "")  # no CDN
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and b"SwaggerUIBundle" in bundle.data[:200_000]


def test_every_api_route_is_described_with_a_response_schema(app):
    """No plain routes: each rule under /api/v1 is an operation of the document whose 2xx
    answer has a schema (what the fuzz checks responses against)."""
    import re

    from procure.api.views import openapi_document

    with app.test_request_context():
        document = openapi_document()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi_json":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            described = [
                code
                for code, answer in operation["responses"].items()
                if code.startswith("2") and answer.get("content")
            ]
            assert described, f"{method} {path}"
