"""The API's list endpoints filter and sort as their pages do, from the same definitions:
the same sort key gives the same order (compared by reference), the same filter the same
rows, an unknown sort key or direction is a 422 with a Dutch message, and the number of
queries does not grow with the page size."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders.models import Notification
from procure.supervision.models import Signal
from procure.tenders.models import Tender
from procure.tenders.open_house.models import Application
from tests import factories as f

DEMO_PASSWORD = "jeugdhulp-demo-2026"


@dataclass
class Listing:
    """One list: its page and API path, the user, the field a row is known by on both,
    the page's sort keys, a filter (page query, API query), and what the API always adds
    to mean what the page means."""

    name: str
    email: str
    page: str
    api: str
    ident: str
    sorts: tuple
    page_filter: dict
    api_filter: dict
    api_base: dict = field(default_factory=dict)


LISTINGS = [
    Listing(
        "contracts",
        "contract_manager.wbo@example.org",
        "/contracten/",
        "/api/v1/contracts",
        "reference",
        ("reference", "end", "start", "value", "status"),
        {"provider_q": "Kompas"},
        {"provider_q": "Kompas"},
    ),
    Listing(
        "tenders",
        "procurement.wbo@example.org",
        "/aanbestedingen/",
        "/api/v1/tenders",
        "reference",
        ("reference", "title", "status", "bid_deadline", "created"),
        {"procedure": "open_house"},
        {"procedure": "open_house"},
    ),
    Listing(
        "open_houses",
        "procurement.wbo@example.org",
        "/open-house/",
        "/api/v1/open-houses",
        "reference",
        ("reference", "title", "start"),
        {"q": "WMB"},
        {"q": "WMB"},
    ),
    Listing(
        "providers",
        "procurement.wbo@example.org",
        "/organisaties/aanbieders",
        "/api/v1/providers",
        "kvk_number",
        ("name", "kvk"),
        {"q": "Zorg"},
        {"q": "Zorg"},
    ),
    Listing(
        "products",
        "procurement.wbo@example.org",
        "/catalogus/",
        "/api/v1/products",
        "code",
        ("code", "name", "task_area", "variant", "status", "valid_from"),
        {"variant": "output"},
        {"variant": "output"},
    ),
    Listing(
        "signals",
        "supervisor.wbo@example.org",
        "/signalen/",
        "/api/v1/signals",
        "reference",
        ("received",),
        {"category": "safety"},
        {"category": "safety"},
        api_base={"open": "true"},  # the page is the work queue of open signals
    ),
]


def _applications_listing() -> Listing:
    """The open house with the most applications the demo has."""
    tender_id, _count = db.session.execute(
        select(Application.tender_id, func.count())
        .group_by(Application.tender_id)
        .order_by(func.count().desc(), Application.tender_id)
    ).first()
    tender = db.session.get(Tender, tender_id)
    return Listing(
        "applications",
        "procurement.wbo@example.org",
        f"/open-house/{tender.id}/aanvragen-overzicht",
        f"/api/v1/open-houses/{tender.reference}/applications",
        "reference",
        ("submitted", "reference", "provider", "status", "moment"),
        {"status": "admitted"},
        {"status": "admitted"},
    )


def _more_open_houses() -> None:
    """The demo has one open house; two more (titles not in reference order) to sort."""
    from datetime import date

    from procure.organisations.models import Region
    from procure.tenders.open_house import operations as oh_ops

    region = db.session.execute(select(Region).where(Region.short_code == "wbo")).scalar_one()
    for reference, title, start in (
        ("WBO-OH-DYS-2028", "Zorg bij ernstige dyslexie", date(2028, 1, 1)),
        ("WBO-OH-AAA-2029", "Begeleiding thuis", date(2027, 7, 1)),
    ):
        oh_ops.create_open_house(
            region=region, reference=reference, title=title, contract_start=start
        )


def _listing(name: str) -> Listing:
    if name == "applications":
        return _applications_listing()
    if name == "open_houses":
        _more_open_houses()
    return next(item for item in LISTINGS if item.name == name)


NAMES = [item.name for item in LISTINGS] + ["applications"]


def _table(html: str) -> str:
    match = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert match, "the page has no table body"
    return match.group(1)


def _page_order(html: str, idents: list[str]) -> list[str]:
    """`idents` in the order the page's table shows them (each must be there)."""
    body = _table(html)
    positions = {}
    for ident in idents:
        found = re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", body)
        assert found, f"{ident} is not in the page's table"
        positions[ident] = found.start()
    assert body.count("<tr") == len(idents), "the page shows other rows than the API"
    return sorted(idents, key=positions.__getitem__)


def _api_idents(client, token, listing: Listing, params: dict) -> list[str]:
    query = {"per_page": 100, **listing.api_base, **params}
    response = client.get(listing.api, query_string=query, headers=f.bearer(token))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body["meta"]) == {"page", "per_page", "total", "pages"}
    return [str(item[listing.ident]) for item in body["items"]]


def _sessions(client, listing: Listing):
    from procure.auth.models import User

    f.login(client, listing.email, DEMO_PASSWORD)
    user = db.session.execute(select(User).where(User.email == listing.email)).scalar_one()
    return f.api_token(user)


def _page(client, listing: Listing, params: dict) -> str:
    response = client.get(listing.page, query_string={"per_page": 100, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("name", NAMES)
def test_api_sorts_every_key_of_its_page_in_the_pages_order(client, demo, name):
    listing = _listing(name)
    token = _sessions(client, listing)
    for key in listing.sorts:
        for direction in ("asc", "desc"):
            api = _api_idents(client, token, listing, {"sort": key, "direction": direction})
            assert len(api) >= 2, f"{name}: too few rows to compare"
            html = _page(client, listing, {"sort": key, "dir": direction})
            assert _page_order(html, api) == api, f"{name} sorted by {key} {direction}"
    # the API's default order is the page's default order (signals: the API lists newest
    # first, as it always did; the work queue shows the oldest first)
    default = _api_idents(client, token, listing, {})
    if name == "signals":
        default.reverse()
    assert _page_order(_page(client, listing, {}), default) == default


@pytest.mark.parametrize("name", NAMES)
def test_api_filter_gives_the_rows_of_the_pages_filter(client, demo, name):
    listing = _listing(name)
    token = _sessions(client, listing)
    everything = _api_idents(client, token, listing, {})
    filtered = _api_idents(client, token, listing, listing.api_filter)
    assert filtered, f"{name}: the filter finds nothing in the demo"
    assert set(filtered) < set(everything), f"{name}: the filter narrows nothing"
    sort = listing.sorts[0]
    html = _page(client, listing, {**listing.page_filter, "sort": sort})
    ordered = _api_idents(client, token, listing, {**listing.api_filter, "sort": sort})
    assert _page_order(html, ordered) == ordered


@pytest.mark.parametrize("name", NAMES)
def test_unknown_sort_key_or_direction_is_a_dutch_422(client, demo, name):
    listing = _listing(name)
    token = _sessions(client, listing)
    for params, field_name in (
        ({"sort": "bestaat_niet"}, "sort"),
        ({"direction": "up"}, "direction"),
    ):
        response = client.get(listing.api, query_string=params, headers=f.bearer(token))
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert {d["field"] for d in error["details"]} == {field_name}
        assert "Onbekende waarde" in error["details"][0]["message"]


@pytest.mark.parametrize("name", NAMES)
def test_sorted_api_list_runs_a_bounded_number_of_queries(client, demo, count_queries, name):
    """A fixed number of statements per list (count, page, eager loads), never one per row:
    a page of up to 100 rows stays under 15 whatever key it is sorted by."""
    listing = _listing(name)
    token = _sessions(client, listing)
    for sort in listing.sorts:
        query = {"per_page": 100, "sort": sort, "direction": "desc", **listing.api_base}
        with count_queries() as statements:
            response = client.get(listing.api, query_string=query, headers=f.bearer(token))
        assert response.status_code == 200
        rows = len(response.get_json()["items"])
        assert len(statements) < 15 < rows + 15, (sort, len(statements), rows)


def test_signals_page_filters_mean_the_same_in_the_api(client, demo):
    """The queue's own filters (overdue, unassigned, provider name) through the API."""
    listing = _listing("signals")
    token = _sessions(client, listing)
    queue = _api_idents(client, token, listing, {"direction": "asc"})
    assert _page_order(_page(client, listing, {}), queue) == queue
    for page_q, api_q in (
        ({"overdue": "1"}, {"overdue": "true"}),
        ({"assignee": "none"}, {"assignee": "none"}),
        ({"provider_q": "Kompas"}, {"provider_q": "Kompas"}),
    ):
        api = _api_idents(client, token, listing, {**api_q, "direction": "asc"})
        html = _page(client, listing, page_q)
        if not api:
            assert "<tr" not in _table(html) or "colspan" in _table(html)
            continue
        assert _page_order(html, api) == api, page_q
    # without open=true the API lists the closed signals too (the page never shows them)
    from procure.auth.models import User
    from procure.supervision.policy import visible_signals

    user = db.session.execute(select(User).where(User.email == listing.email)).scalar_one()
    visible = visible_signals(select(Signal), user).subquery()
    assert (
        client.get(
            "/api/v1/signals", query_string={"per_page": 100}, headers=f.bearer(token)
        ).get_json()["meta"]["total"]
        == db.session.execute(select(func.count()).select_from(visible)).scalar_one()
    )


def test_notifications_sort_and_unread_filter_as_on_the_page(client):
    user = f.user("contract_manager")
    now = utcnow()
    rows = [
        Notification(user_id=user.id, title=f"Melding {n}", created_at=now - timedelta(hours=n))
        for n in (3, 1, 2, 1)  # two at the same moment: the id decides
    ]
    rows[0].read_at = now
    db.session.add_all(rows)
    db.session.commit()
    f.login(client, user)
    token = f.api_token(user)

    def api(params):
        body = client.get(
            "/api/v1/notifications", query_string=params, headers=f.bearer(token)
        ).get_json()
        return [item["id"] for item in body["items"]]

    def page(params):
        html = client.get("/meldingen/", query_string=params).get_data(as_text=True)
        return [int(i) for i in re.findall(r"/meldingen/(\d+)/gelezen", html)]

    newest_first = api({})
    assert newest_first == page({}) == [rows[3].id, rows[1].id, rows[2].id, rows[0].id]
    assert api({"sort": "created", "direction": "asc"}) == page({"dir": "asc"})
    assert api({"direction": "asc"}) == list(reversed(newest_first))
    assert api({"unread": "true"}) == page({"status": "unread"}) == newest_first[:3]
    response = client.get(
        "/api/v1/notifications", query_string={"sort": "title"}, headers=f.bearer(token)
    )
    assert response.status_code == 422
    assert "Onbekende waarde" in response.get_json()["error"]["details"][0]["message"]


def test_list_sort_and_direction_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    expected = {
        "/contracts": ["reference", "end", "start", "value", "status"],
        "/tenders": ["reference", "title", "status", "bid_deadline", "created"],
        "/open-houses": ["reference", "title", "start"],
        "/open-houses/{reference}/applications": [
            "submitted",
            "reference",
            "provider",
            "status",
            "moment",
        ],
        "/providers": ["name", "kvk"],
        "/products": ["code", "name", "task_area", "variant", "status", "valid_from"],
        "/signals": ["received"],
        "/notifications": ["created"],
    }
    for path, keys in expected.items():
        params = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        assert params["sort"]["schema"]["enum"] == keys, path
        assert params["direction"]["schema"]["enum"] == ["asc", "desc"], path
        assert {"page", "per_page"} <= set(params), path
        ok = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        page_schema = spec["components"]["schemas"][ok["schema"]["$ref"].rsplit("/", 1)[1]]
        assert page_schema["required"] == ["items", "meta"] or set(page_schema["required"]) == {
            "items",
            "meta",
        }, path
    meta = spec["components"]["schemas"]["PageMeta"]
    assert set(meta["required"]) == {"page", "per_page", "total", "pages"}
