"""List pages count no further than LIST_COUNT_CAP: past it they say "more than" and page
on by reading one row past the page; the API keeps counting exactly."""

import re

from procure.core.listing import paginate
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import lumpsum_contract

TITLES = ("Jeugd-GGZ", "Ambulante jeugdhulp", "Verblijf", "Dyslexiezorg", "Crisiszorg")


def _contracts():
    region, provider = f.region("wbo"), f.provider("kompas")
    made = [
        lumpsum_contract(region, provider, budget=None, status="concept", title=t) for t in TITLES
    ]
    db.session.commit()
    return made


def _references(html: str) -> list[str]:
    return re.findall(r'href="/contracten/\d+">([^<]+)</a>', html)


def test_a_capped_list_says_more_than_and_still_reaches_every_row(app, client):
    made = _contracts()
    app.config["LIST_COUNT_CAP"] = 3
    f.login(client, f.user("contract_manager"))
    seen, page, navs = [], 1, []
    while True:
        html = client.get(f"/contracten/?per_page=2&sort=reference&page={page}").get_data(
            as_text=True
        )
        nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group(0)
        navs.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", nav)).strip())
        seen += _references(html)
        if 'rel="next"' not in nav:
            break
        page += 1
    assert sorted(seen) == sorted(c.reference for c in made)  # all five, none twice
    assert page == 3
    assert "Pagina 1 · meer dan 3 resultaten" in navs[0]
    assert "Pagina 3 · meer dan 3 resultaten" in navs[2]
    assert "Volgende" not in navs[2] and "Vorige" in navs[2]


def test_under_the_cap_the_count_is_exact(app, client):
    _contracts()
    app.config["LIST_COUNT_CAP"] = 5
    f.login(client, f.user("contract_manager"))
    html = client.get("/contracten/?per_page=2").get_data(as_text=True)
    assert "Pagina 1 van 3" in html and "5 resultaten" in html and "meer dan" not in html


def test_the_api_counts_exactly_whatever_the_cap(app, client):
    _contracts()
    app.config["LIST_COUNT_CAP"] = 2
    token = f.api_token(f.user("contract_manager"))
    meta = client.get(
        "/api/v1/contracts?per_page=2", headers={"Authorization": f"Bearer {token}"}
    ).get_json()["meta"]
    assert meta["total"] == 5 and meta["pages"] == 3


def test_paginate_reads_one_row_past_the_page_only_when_capped(app):
    _contracts()
    from sqlalchemy import select

    from procure.contracts.models import Contract

    stmt = select(Contract).order_by(Contract.reference)
    page = paginate(stmt, 3, 2, cap=3)
    assert (page.capped, page.total, page.has_next, len(page.items)) == (True, 3, False, 1)
    page = paginate(stmt, 2, 2, cap=3)
    assert (page.capped, page.has_next, len(page.items)) == (True, True, 2)
    page = paginate(stmt, 1, 2, cap=10)
    assert (page.capped, page.total, page.pages, page.has_next) == (False, 5, 3, True)


def test_a_list_of_kept_statements_is_capped_the_same_way(app, client):
    """The audit log pages through statements kept per scope (procure.core.kept)."""
    _contracts()
    f.login(client, f.user("admin"))
    exact = client.get("/beheer/audit/?per_page=2").get_data(as_text=True)
    events = int(re.search(r"(\d+) resultaten", exact).group(1))
    assert events > 4
    app.config["LIST_COUNT_CAP"] = 3
    rows, page = 0, 1
    while True:
        html = client.get(f"/beheer/audit/?per_page=2&page={page}").get_data(as_text=True)
        nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group(0)
        assert "meer dan 3 resultaten" in nav
        rows += len(re.findall(r'<td class="nowrap">', html))
        if 'rel="next"' not in nav:
            break
        page += 1
    assert page == -(-events // 2) and rows == events  # every event, none twice
