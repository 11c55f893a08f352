"""Every demo role walks its menu and dashboard in Chromium: pages fit, links lead
somewhere, nothing errors, no internal codes, one language, no serious axe findings.

Bounded (CRAWL_PAGES per role, one page of each kind) so the walk stays well under a
minute. The language check works from the message catalogue: a text the catalogue
translates must appear in the page's language; texts the catalogue does not hold yet
(the coordinator extracts and translates them at the end) cannot be judged and are
only counted, not failed.
"""

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from procure import PROJECT_ROOT
from procure.demo import DEMO_PASSWORD
from tests import crawl

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CATALOGUE = PROJECT_ROOT / "procure" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
CRAWL_PAGES = 8
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
# The pages a civil servant lives in; at phone width they must not scroll sideways.
MAIN_PAGES = ("/", "/contracten/", "/signalen/", "/catalogus/", "/aanbestedingen/")
NO_SIGNALS = ("admin", "procurement", "provider")
# What the summary counts per role (issue 16's closing note), in this order.
REPORTED = ("pages", "overflow", "phone", "dead", "console", "axe", "codes", "language")
SUMMARY = PROJECT_ROOT / "test-artifacts" / "crawl-summary"

PAGE_FACTS = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.closest('.table-wrap'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')),
  deadLinks: [...document.querySelectorAll('a')]
    .filter(a => !a.getAttribute('href') || a.getAttribute('href') === '#')
    .map(a => a.textContent.trim()),
  text: document.body.innerText,
})"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`);
}"""


def _catalogue():
    """(Dutch msgid -> English msgstr) for the entries the catalogue translates."""
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle)
    pairs = {}
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        dutch = message.id if isinstance(message.id, str) else message.id[0]
        english = message.string if isinstance(message.string, str) else message.string[0]
        if "%" in dutch or dutch == english or len(dutch) < 8:
            continue  # placeholders and words shared by both languages cannot be judged
        pairs[dutch] = english
    return pairs


def _wrong_language(lines, pairs, english: bool):
    """Lines that are a catalogue text in the other language than the page's."""
    dutch_texts = set(pairs)
    english_texts = set(pairs.values()) - dutch_texts
    wrong = dutch_texts if english else english_texts
    return sorted({line for line in lines if line in wrong})


@pytest.fixture
def demo_server(demo, live_server):
    return live_server


def _log_in(page, base, email):
    page.goto(f"{base}/inloggen")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]:not(.link)")
    page.wait_for_url(f"{base}/")


def _walk_role(browser, base, email, pairs, axe_source, english=False):
    context = browser.new_context(
        viewport=WIDE, locale="en-GB" if english else "nl-NL", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and errors.append(f"{page.url}: {m.text} {m.location.get('url', '')}")
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    found = defaultdict(list)
    try:
        _log_in(page, base, email)
        if english:
            page.click("form.lang button")
            page.wait_for_load_state()

        def fetch(url):
            response = page.goto(base + url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                return None
            return response.status, page.content()

        for url, status, _html in crawl.crawl(fetch, limit=CRAWL_PAGES):
            if status >= 400:
                found["dead"].append(f"{url} {status}")
                continue
            facts = page.evaluate(PAGE_FACTS)
            lines = [" ".join(line.split()) for line in facts["text"].splitlines()]
            lines = [line for line in lines if line]
            if facts["overflow"] > 0:
                found["overflow"].append(f"{url} +{facts['overflow']}px {facts['wide']}")
            found["dead"] += [f"{url}: '{text}' -> #" for text in facts["deadLinks"]]
            found["codes"] += [f"{url}: {t}" for t in crawl.unreadable(lines, english=english)]
            found["language"] += [f"{url}: {t}" for t in _wrong_language(lines, pairs, english)]
            page.evaluate(axe_source)
            found["axe"] += [f"{url}: {v}" for v in page.evaluate(AXE_RUN)]
            found["pages"].append(url)
        found["console"] = errors
        if not english:
            page.set_viewport_size(PHONE)
            for url in MAIN_PAGES:
                if url == "/signalen/" and email.split(".")[0] in NO_SIGNALS:
                    continue  # signals are not theirs (SPEC section 2): the queue is a 403

                page.goto(base + url)
                facts = page.evaluate(PAGE_FACTS)
                if facts["overflow"] > 0:
                    found["phone"].append(f"{url} +{facts['overflow']}px {facts['wide']}")
    finally:
        context.close()
    return found


def _write_summary(walk: str, counts: dict) -> None:
    """One line per walk: printed (with -s) and kept under test-artifacts/ (a file per
    walk, as the walks run on different workers)."""
    line = f"{walk:24} " + "  ".join(f"{kind}={counts[kind]}" for kind in REPORTED) + "\n"
    print("\ncrawl: " + line)
    SUMMARY.mkdir(parents=True, exist_ok=True)
    (SUMMARY / f"{walk.replace(' ', '-').strip('()')}.txt").write_text(line)


# Each role in Dutch, and the contract manager in English: one test each, so the walks
# spread over the workers.
WALKS = [(role, False) for role in crawl.DEMO_ROLES] + [("contract_manager", True)]


@pytest.mark.parametrize(
    ("role", "english"), WALKS, ids=[f"{r}{'-en' if en else ''}" for r, en in WALKS]
)
def test_every_role_walks_the_demo_in_a_real_browser(demo_server, browser, role, english):
    found = _walk_role(
        browser, demo_server, crawl.DEMO_ROLES[role], _catalogue(), AXE.read_text(), english
    )
    counts = {kind: len(found[kind]) for kind in REPORTED}
    _write_summary(f"{role} (en)" if english else role, counts)
    assert len(found["pages"]) >= 5, counts
    problems = {kind: items for kind, items in found.items() if kind != "pages" and items}
    assert not problems
