"""Every dashboard tile of every demo role leads to a list showing exactly what it counts."""

import re

import lxml.html

from procure.demo import DEMO_PASSWORD
from tests import crawl
from tests.factories import login

TOTAL = re.compile(r"\b(\d+) resulta(?:at|ten)\b")


def _tiles(html: str) -> list[tuple[str, int, str]]:
    root = lxml.html.fromstring(html)
    return [
        (
            card.xpath("string(.//span[@class='label'])").strip(),
            int(card.xpath("string(.//span[@class='value'])")),
            card.get("href"),
        )
        for card in root.xpath("//main//a[contains(concat(' ', @class, ' '), ' stat ')]")
    ]


def _list_total(html: str) -> int | None:
    """The "N resultaten" a list states under its rows (pagination macro)."""
    found = TOTAL.findall(" ".join(crawl.visible_texts(html)))
    return int(found[-1]) if found else None


def test_every_tile_count_equals_the_rows_of_the_list_it_links_to(demo, app):
    seen, wrong = {}, []
    for role, email in crawl.DEMO_ROLES.items():
        client = app.test_client()
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        tiles = _tiles(client.get("/").get_data(as_text=True))
        seen[role] = len(tiles)
        for title, value, href in tiles:
            assert href and href != "#", (role, title)
            response = client.get(href)
            total = _list_total(response.get_data(as_text=True))
            if response.status_code != 200 or total != value:
                wrong.append(
                    f"{role} '{title}' = {value}, {href} -> {response.status_code} {total}"
                )
    assert all(seen.values()), seen
    assert not wrong, "\n".join(wrong)


def test_the_running_tenders_tile_leaves_out_finished_ones(demo, app):
    """The demo's SAS tenders are all awarded: the tile says 0 and so does its list,
    while the unfiltered list holds them."""
    client = app.test_client()
    login(client, crawl.DEMO_ROLES["procurement"], DEMO_PASSWORD)
    tiles = {title: (value, href) for title, value, href in _tiles(client.get("/").get_data(True))}
    value, href = tiles["Lopende SAS-aanbestedingen"]
    assert value == 0 and _list_total(client.get(href).get_data(as_text=True)) == 0
    assert _list_total(client.get("/aanbestedingen/").get_data(as_text=True)) > 0
