"""The audit log page: the region's events newest first, as sentences with their changes,
filtered by object type and action, and without the content of confidential actions."""

from procure.audit import record
from procure.extensions import db
from tests import factories as f


def _events():
    wbo, e10 = f.region("wbo"), f.region("e10")
    record("region.renamed", wbo, old={"name": "Oud"}, new={"name": "Nieuw"})
    record(
        "signal.triaged",
        object_type="Signal",
        object_id=7,
        region_id=wbo.id,
        old={"state": "received"},
        new={"state": "triaged"},
        note="Geheime toelichting",
    )
    record(
        "product.created",
        object_type="Product",
        object_id=3,
        region_id=wbo.id,
        new={"code": "41A14"},
    )
    record(
        "product.created",
        object_type="Product",
        object_id=4,
        region_id=e10.id,
        new={"code": "99Z99"},
    )
    db.session.commit()
    return wbo, e10


def _page(client, query=""):
    response = client.get(f"/beheer/audit/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_log_shows_sentences_and_changes_newest_first_and_hides_confidential_content(client):
    _events()
    f.login(client, f.user("admin", "wbo"))
    html = _page(client)
    assert html.index("maakte een product aan") < html.index("wijzigde de regio")
    assert "41A14" in html and "99Z99" not in html  # the region's own events only
    assert "Oud" in html and "Nieuw" in html
    assert "vertrouwelijke inhoud" in html and "Geheime toelichting" not in html
    assert "<code>signal.triaged</code>" in html  # who did what stays visible


def test_log_filters_take_each_request_s_values(client):
    """The log's statements are kept per scope and filters given (the values are
    parameters): the same filter with another value, or another admin, gets its own rows."""
    _events()
    f.login(client, f.user("admin", "wbo"))
    assert "41A14" in _page(client, "type=Product")
    assert "41A14" not in _page(client, "type=Region") and "Nieuw" in _page(client, "type=Region")
    assert "41A14" in _page(client, "action=product.created")
    assert "41A14" not in _page(client, "action=region.renamed")
    by_both = _page(client, "type=Product&action=product.created")
    assert "41A14" in by_both and "Nieuw" not in by_both
    assert "Geen auditregels." in _page(client, "type=Product&action=region.renamed")
    record(
        "product.created",
        object_type="Product",
        object_id=5,
        region_id=f.region("wbo").id,
        new={"code": "41A15"},
    )
    db.session.commit()
    first, second = (
        _page(client, "type=Product&per_page=1"),
        _page(client, "type=Product&per_page=1&page=2"),
    )
    assert "41A15" in first and "41A14" not in first
    assert "41A14" in second and "41A15" not in second
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, f.user("admin", "e10", email="admin@e10.example.org"))
    assert "99Z99" in _page(client, "type=Product") and "41A14" not in _page(client, "type=Product")
