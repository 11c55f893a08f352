"""Every page a demo role reaches shows numbers, amounts and states as a reader expects."""

from procure.demo import DEMO_PASSWORD
from tests import crawl
from tests.factories import login, post


def _walk(client):
    def fetch(url):
        response = client.get(url)
        if response.mimetype != "text/html":
            return None
        return response.status_code, response.get_data(as_text=True)

    return list(crawl.crawl(fetch))


def test_every_page_of_every_role_is_formatted_for_dutch_readers(demo, app):
    visited, broken, problems = {}, [], {}
    for role, email in crawl.DEMO_ROLES.items():  # one demo load for all roles
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        pages = _walk(client)
        visited[role] = len(pages)
        broken += [(role, url, status) for url, status, _html in pages if status >= 400]
        for url, _status, html in pages:
            if found := crawl.unreadable(crawl.visible_texts(html)):
                problems[f"{role} {url}"] = found
    assert min(visited.values()) >= 10, visited
    assert not broken
    assert not problems


def test_english_pages_keep_english_notation_and_no_codes(demo, client):
    assert login(client, crawl.DEMO_ROLES["contract_manager"], DEMO_PASSWORD).status_code == 302
    post(client, "/taal/en", {"next": "/"})
    html = client.get("/contracten/").get_data(as_text=True)
    assert "€" in html and not crawl.unreadable(crawl.visible_texts(html), english=True)


def test_checks_catch_what_they_are_for():
    bad = [
        "€ 375000.00",
        "40.00 %",
        "6E+1 %",
        "product.created",
        "Gemeld door: Jan (ui)",
        "lot_award",
        "effort",
    ]
    assert crawl.unreadable(bad) == bad
    good = ["€ 375.000,00", "40 %", "8,5", "artikel 4.2.1", "admin.wbo@example.org", "v2"]
    assert crawl.unreadable(good) == []
