"""Walk the demo as each role does and judge the text it shows.

Shared by the test-client crawl (tests/test_pages_readable.py, both engines) and the
browser crawl (tests/browser/test_crawl.py): which pages a role reaches from the menu and
the dashboard, and which visible texts give away unformatted numbers or internal codes.
"""

import importlib
import pkgutil
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import lxml.html

# One demo user per role (README, "Demo log-ins").
DEMO_ROLES = {
    "admin": "admin.wbo@example.org",
    "procurement": "procurement.wbo@example.org",
    "contract_manager": "contract_manager.wbo@example.org",
    "supervisor": "supervisor.wbo@example.org",
    "municipality": "municipality-breda.wbo@example.org",
    "provider": "provider.kompas@example.org",
}

# Downloads, feeds and the API are not pages; logging out would end the walk.
NOT_PAGES = re.compile(
    r"(\.(csv|xlsx|pdf|docx|ics|json|zip)$)|^/api/|^/static/|/uitloggen|/download|/feed"
)
MAX_PAGES = 50  # per role: the menu, the dashboard and a sample of every kind of page
PER_KIND = 2  # pages of one kind (same path with other ids) worth reading


# Query values that choose what a page shows, not which rows: each is a kind of its own.
SHOWING = ("formulier",)  # the contract page's fold-out forms (?formulier=budget, ...)


def page_kind(url: str) -> str:
    """/contracten/12?tab=x -> /contracten/N?tab: pages that differ only in ids or values
    (but /contracten/12?formulier=budget keeps its value: another form is open)."""
    parts = urlsplit(url)
    keys = sorted(
        {
            pair if pair.split("=")[0] in SHOWING else pair.split("=")[0]
            for pair in parts.query.split("&")
            if pair
        }
    )
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    path = re.sub(r"/[A-Z]{2,5}-\d{4}-[\w-]+", "/REF", path)
    return path + ("?" + "&".join(keys) if keys else "")


def links(html: str, base: str = "") -> list[str]:
    """Local page links of a page (no downloads, no fragments)."""
    found = []
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        href, _fragment = urldefrag(href.strip())
        if base and href.startswith(base):
            href = href[len(base) :]
        if not href.startswith("/") or href.startswith("//"):
            continue
        parts = urlsplit(href)
        if NOT_PAGES.search(parts.path) or "sort=" in parts.query:
            continue  # downloads, and lists sorted otherwise (same rows, same texts)
        found.append(href)
    return found


def crawl(fetch, start: str = "/", limit: int = MAX_PAGES, per_kind: int = PER_KIND):
    """Breadth first from `start`; `fetch(url)` returns (status, html) or None to skip.

    Yields (url, status, html) for at most `limit` pages, `per_kind` of each kind, so
    menus, dashboards, lists and a sample of detail pages are all read once."""
    seen, kinds = {start}, {}
    queue = deque([start])
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        result = fetch(url)
        if result is None:
            continue
        status, html = result
        visited += 1
        yield url, status, html
        if status != 200 or not html:
            continue
        for href in links(html):
            kind = page_kind(href)
            # one page of a kind that only opens a form: the next shows the same form
            allowed = 1 if any(f"{key}=" in kind for key in SHOWING) else per_kind
            if href in seen or kinds.get(kind, 0) >= allowed:
                continue
            seen.add(href)
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(href)


# -- what a page shows ---------------------------------------------------------------------

INVISIBLE = {"script", "style", "template", "head", "noscript"}


def _folded(element) -> bool:
    parent = element.getparent()
    return parent.tag == "details" and parent.get("open") is None and element.tag != "summary"


def visible_texts(html: str) -> list[str]:
    """The text nodes a reader sees (hidden elements and scripts left out)."""
    root = lxml.html.fromstring(html)
    hidden = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and (
            element.tag in INVISIBLE
            or element.get("hidden") is not None
            # a closed fold-out shows only its summary
            or (element.getparent() is not None and _folded(element))
        )
    ]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()
    texts = []
    for text in root.itertext():
        text = " ".join(text.split())
        if text:
            texts.append(text)
    return texts


def _label_keys() -> set[str]:
    """Every stored code the app has a label for (keys of *_LABELS / *_WORDS mappings and
    the states of the state machines): shown bare, the user reads an internal code.
    Needs an app context (the labels are lazy translations)."""
    import procure

    codes: set[str] = set()
    labels: set[str] = set()
    for info in pkgutil.walk_packages(procure.__path__, "procure."):
        if ".translations" in info.name or info.name.endswith(("cli", "demo")):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: S112 - a module that cannot load alone holds no labels
            continue
        for name, value in vars(module).items():
            if name.endswith(("_LABELS", "_WORDS")) and isinstance(value, dict):
                codes.update(k for k in value if isinstance(k, str))
                labels.update(str(v).lower() for v in value.values())
            if "StateMachine" not in type(value).__name__:  # werkzeug proxies stay unread
                continue
            transitions = getattr(value, "transitions", None)
            if isinstance(transitions, dict):
                codes.update(k for k in transitions if isinstance(k, str))
                labels.update(str(v).lower() for v in getattr(value, "labels", {}).values())
    return codes - labels  # "concept" is both a code and its own Dutch label


_CODES: set[str] | None = None


def internal_codes() -> set[str]:
    global _CODES
    if _CODES is None:
        # Codes that are also plain words of the interface (Dutch or English) stay out.
        words = {"open", "entry", "ok", "none", "other", "nl", "en", "contract"}
        _CODES = {c for c in _label_keys() if len(c) > 2 and c not in words}
    return _CODES


ENGLISH_DECIMAL = re.compile(r"(?<![\w.,/-])\d+\.\d{1,2}(?![\d.])(?!\s*(?:uur|u)\b)")
UNGROUPED_AMOUNT = re.compile(r"€\s?-?\d{4,}")
EXPONENT = re.compile(r"\d[eE][+-]?\d")
# product.created, user.logged_in, optional.spending_room: action codes and clause keys
AUDIT_CODE = re.compile(
    r"(?<![\w@.])[a-z]+(?:_[a-z]+)*\.(?:[a-z]+_)*[a-z]+(?:ed|_[a-z]+)(?![\w@.])"
)
# "artikel 2.38 en 2.39 van de Aanbestedingswet": numbering, not decimals
LAW_REFERENCE = re.compile(
    r"\b(?:artikel(?:en)?|art\.|lid|hoofdstuk|paragraaf)\s+"
    r"\d+(?:\.\d+)+(?:\s*(?:,|en|of)\s*\d+(?:\.\d+)+)*"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CHANNEL = re.compile(r"\((?:ui|api)\)")


def unreadable(texts: list[str], english: bool = False) -> list[str]:
    """Texts that show a number in English notation (in Dutch), an unformatted Decimal,
    an exponent, an audit action code, a channel code or a bare stored code."""
    codes = internal_codes()
    problems = []
    for original in texts:
        text = LAW_REFERENCE.sub("", EMAIL.sub("", original))
        snake = {w for w in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text) if w in codes}
        if (
            (not english and ENGLISH_DECIMAL.search(text))
            or UNGROUPED_AMOUNT.search(text)
            or EXPONENT.search(text)
            or AUDIT_CODE.search(text)
            or CHANNEL.search(text)
            or snake
            or (text in codes and not english)  # English labels may equal their codes
        ):
            problems.append(original)
    return problems
