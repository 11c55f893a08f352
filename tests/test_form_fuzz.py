"""Every HTML form a demo role reaches, posted with hostile and edge values.

Each role walks the demo as the readable-pages test does (tests/crawl.py) and collects
every <form method=post> on the way, with its fields. Each form is then posted a fixed,
small number of times: a plausible fill changed per field kind (empty, very long, control
characters, bytes that are no UTF-8 such as a lone surrogate, huge and negative numbers,
1e30 and NaN, impossible dates, a choice the form does not offer, every field left out, a
file that is not what it says), and last the plausible fill itself. No answer may be a
5xx; a refusal (a 4xx page, the 422 re-render, or a redirect flashing an error) writes no
row in any table and tells the user why, in Dutch.

Forms found on a page of a kind already read, with the same fields, are posted once.

The demo's records are past most of their states (its tenders are awarded), so before the
walk tests/fuzz_states.py makes a fresh record in every state a form needs, and each role
starts, after the menu, from one page per record type and state (the registrations and
bids an officer assesses and scores are among them). Each role walks its own fresh
database, so the roles spread over the test workers, and together they must post to every
HTML POST endpoint of the app but the few in UNREACHABLE.
"""

import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from procure.auth.models import User
from procure.demo import DEMO_PASSWORD
from procure.extensions import db
from tests import crawl, fuzz_states
from tests.factories import login, row_counts

PAGES = 200  # per role: a few more than the readable-pages walk, for the forms deep down
PER_ENDPOINT = 2
PER_KIND = 5
ROUNDS = 3
STATE_PAGES = 6  # per state page: it and the pages under it (a tender's phase pages)
# The roles with a walk each; the login form is read without a session.
ROLE_ORDER = (
    "provider",
    "municipality",
    "supervisor",
    "contract_manager",
    "procurement",
    "admin",
)
ANONYMOUS = "anonymous"
# HTML POST endpoints no walk posts to, each with the reason.
UNREACHABLE = {
    # Would end the walk: logging out ends the session, the language switch its Dutch.
    "auth.logout": "ends the session",
    "auth.set_language": "switches the walk to English",
    # Kept for old links and clients, no page has a form for them:
    "documents.custom_format": "only redirects to the custom contracts (no form, no write)",
    # The login form records every failed attempt (login_attempts, the rate limit) and
    # answers 200: its refusals are tested in tests/auth, not by this walk.
    "auth.login": "a refused login writes its login_attempts row by design",
}
# Logging out or switching the language would end the walk or its Dutch; the role's own
# account page resets its own password (which ends the session by design).
SESSION_ENDERS = re.compile(r"^/uitloggen|^/taal/")
OWN_ACCOUNT = "/beheer/gebruikers/{id}"

LONG_TEXT = "Lange tekst " * 2100  # 25,200 characters: more than any field takes
CONTROL_TEXT = "Naam\x00\x01\x08\x1b\x7f\u200b\u202e einde"
# Not UTF-8: the lone surrogate U+D800 as CESU bytes, and a stray continuation byte.
BAD_BYTES = "Naam \ud800 \udcff einde".encode("utf-8", "surrogatepass")
NOT_A_PDF = (io.BytesIO, b"MZ\x90\x00\x03\x00 dit is geen PDF", "verslag.pdf", "application/pdf")
ENGLISH = re.compile(
    r"\b(the|this|field|not a valid|invalid|required|must|please|choice|should|enter|"
    r"characters|between|error)\b",
    re.IGNORECASE,
)
OMIT = object()


@dataclass
class Field:
    name: str
    kind: str  # text, email, password, number, date, datetime, choice, multi, check, file, hidden
    values: list[str]  # what a browser would send as the page filled it in
    options: list[str] = field(default_factory=list)
    minimum: str | None = None


@dataclass
class Form:
    page: str
    action: str
    fields: list[Field]
    button: tuple[str, str] | None

    @property
    def key(self) -> tuple:
        names = tuple(sorted(f"{f.name}:{f.kind}" for f in self.fields))
        return crawl.page_kind(self.action), names, self.button

    def has(self, *kinds: str) -> bool:
        return any(f.kind in kinds for f in self.fields)


# -- reading the forms of a page ------------------------------------------------------------

INPUT_KINDS = {
    "email": "email",
    "password": "password",
    "number": "number",
    "date": "date",
    "datetime-local": "datetime",
    "month": "date",
    "time": "datetime",
    "file": "file",
    "hidden": "hidden",
    "checkbox": "check",
    "radio": "choice",
}


def _fields(form) -> list[Field]:
    fields: dict[str, Field] = {}
    for element in form.xpath(".//input | .//select | .//textarea"):
        name = element.get("name")
        kind_attr = (element.get("type") or "text").lower()
        if not name or element.get("disabled") is not None or kind_attr in ("submit", "button"):
            continue
        if element.tag == "select":
            options = [o.get("value", o.text_content()) for o in element.xpath(".//option")]
            selected = [
                o.get("value", o.text_content())
                for o in element.xpath(".//option")
                if o.get("selected") is not None
            ]
            multiple = element.get("multiple") is not None
            fields[name] = Field(name, "multi" if multiple else "choice", selected, options)
            continue
        if element.tag == "textarea":
            fields[name] = Field(name, "text", [element.text or ""])
            continue
        kind = INPUT_KINDS.get(kind_attr, "text")
        value = element.get("value", "on" if kind == "check" else "")
        checked = element.get("checked") is not None
        if kind in ("check", "choice") and name in fields:  # a group of boxes or buttons
            group = fields[name]
            group.kind = "multi" if kind == "check" else "choice"
            group.options.append(value)
            group.values += [value] if checked else []
            continue
        if kind in ("check", "choice"):
            fields[name] = Field(name, kind, [value] if checked else [], [value])
            continue
        fields[name] = Field(name, kind, [value], minimum=element.get("min"))
    return list(fields.values())


def forms_on(url: str, html: str) -> list[Form]:
    root = lxml.html.fromstring(html)
    found = []
    for form in root.xpath("//form[translate(@method, 'POST', 'post') = 'post']"):
        action = urlsplit(urljoin(url, form.get("action") or url))
        path = action.path + (f"?{action.query}" if action.query else "")
        fields = _fields(form)
        buttons = [
            (b.get("name"), b.get("value") or "")
            for b in form.xpath(".//button | .//input[@type='submit']")
            if b.get("name")
            and b.get("name") != "picker-search"
            and (b.get("type") or "submit") == "submit"
        ]
        for button in buttons or [None]:
            found.append(Form(url, path, fields, button))
    return found


# -- what is posted -------------------------------------------------------------------------


# Days from today for a date field, by its name (first match): the deadlines of a tender
# in the order its rules want (registration, end of dialogue, bids, contract start), a
# start before an end, a follow-up ahead; anything else (held, paid, decided on) today.
DATE_OFFSETS = (
    (re.compile(r"registration_deadline"), 30),
    (re.compile(r"dialogue_end"), 60),
    (re.compile(r"bid_deadline"), 90),
    (re.compile(r"contract_start"), 365),
    (re.compile(r"(^|[-_])(start|valid_from|effective|entry)"), 30),
    (re.compile(r"(^|[-_])(end|valid_to|until)"), 400),
    (re.compile(r"follow_up|due|review|closes|deadline|next_meeting"), 14),
)


def _plausible_date(f: Field) -> str:
    days = next((d for pattern, d in DATE_OFFSETS if pattern.search(f.name)), 0)
    day = fuzz_states.today() + timedelta(days=days)
    return day.isoformat() if f.kind == "date" else f"{day.isoformat()}T12:00"


def _plausible(f: Field) -> list:
    """A value the form would likely accept, so that the variants reach the operation."""
    given = [v for v in f.values if v.strip()]
    if f.kind in ("hidden", "check"):
        return f.values
    if f.kind in ("choice", "multi"):
        offered = [o for o in f.options if o not in ("", "0")]
        return given or offered[:1] or f.values
    if f.kind == "file":
        return []
    if given:
        return given
    if f.kind in ("date", "datetime"):
        return [_plausible_date(f)]
    return [
        {
            "email": "formuliertest@example.org",
            "password": "Formulier-Proef-2026!zeldzaam",
            "number": f.minimum or "1",
        }.get(f.kind, "Proef van de formuliertest")
    ]


# Per variant, the value each kind of field gets (kinds not named keep the plausible fill).
VARIANTS = {
    "leeg": {
        k: ""
        for k in (
            "text",
            "email",
            "password",
            "number",
            "date",
            "datetime",
            "choice",
            "multi",
            "hidden",
        )
    },
    "lang": {
        "text": LONG_TEXT,
        "email": "a" * 300 + "@example.org",
        "password": LONG_TEXT,
        "number": "9" * 400,
        "date": "2026-06-15" * 20,
        "datetime": "9" * 400,
        "choice": "9" * 400,
        "hidden": "9" * 400,
    },
    "stuurtekens": {
        "text": CONTROL_TEXT,
        "email": "formulier\x00test@example.org",
        "number": "-1",
        "date": "0000-01-01",
        "datetime": "0000-01-01T00:00",
        "choice": "bestaat-niet",
        "multi": "bestaat-niet",
        "hidden": "\x00",
    },
    "geen-utf8": {
        "text": BAD_BYTES,
        "number": "NaN",
        "date": "2026-02-30",
        "datetime": "2026-02-30T25:61",
        "choice": "-1",
        "multi": "-1",
        "hidden": "-1",
    },
    "grenzen": {
        "number": "1e30",
        "date": "9999-12-31",
        "datetime": "-0001-01-01T00:00",
        "choice": "1e30",
        "multi": "0",
        "hidden": "1e30",
        "text": "-1",
    },
    "weggelaten": {k: OMIT for k in INPUT_KINDS.values() if k != "file"} | {"text": OMIT},
    "bestand": {"file": NOT_A_PDF},
    "plausibel": {},
}


def _payload(form: Form, variant: dict) -> list[tuple[str, object]]:
    pairs = []
    for f in form.fields:
        if f.name.endswith("csrf_token"):
            pairs.append((f.name, f.values[0]))
            continue
        hostile = variant.get(f.kind)
        if hostile is OMIT:
            continue
        values = _plausible(f) if hostile is None else [hostile]
        pairs += [(f.name, v) for v in values]
    if form.button:
        pairs.append(form.button)
    return pairs


def _variants(form: Form):
    """The variants that change something in this form, each once, the plausible last."""
    plausible = _payload(form, VARIANTS["plausibel"])
    seen = {repr(plausible)}
    for name, variant in VARIANTS.items():
        if name == "plausibel" or (name == "bestand" and not form.has("file")):
            continue
        pairs = _payload(form, variant)
        if repr(pairs) not in seen:
            seen.add(repr(pairs))
            yield name, pairs
    yield "plausibel", plausible


def _post(client, form: Form, pairs):
    if any(isinstance(v, tuple) for _k, v in pairs):  # a file: multipart, as a browser sends
        data = [(k, (v[0](v[1]), v[2], v[3]) if isinstance(v, tuple) else v) for k, v in pairs]
        from werkzeug.datastructures import MultiDict

        return client.post(form.action, data=MultiDict(data), content_type="multipart/form-data")
    body = urlencode([(k, v if isinstance(v, bytes) else v.encode("utf-8")) for k, v in pairs])
    return client.post(form.action, data=body, content_type="application/x-www-form-urlencoded")


# -- what comes back ------------------------------------------------------------------------


def _page_messages(html: str) -> list[str]:
    root = lxml.html.fromstring(html)
    nodes = root.xpath(
        "//*[contains(@class, 'flash-error')] | //small[contains(@class, 'error')]"
        " | //section[contains(@class, 'error-page')]//p[1]"
    )
    return [" ".join(n.text_content().split()) for n in nodes]


def _flashed(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return [(c, str(m)) for c, m in session.pop("_flashes", [])]


def _dutch(messages: list[str]) -> bool:
    return bool(messages) and all(m and not ENGLISH.search(m) for m in messages)


@dataclass
class Tally:
    forms: int = 0
    submissions: int = 0
    outcomes: Counter = field(default_factory=Counter)
    seen: list = field(default_factory=list)  # (status, action, button, variant): for -s
    failures: list = field(default_factory=list)


def _judge(client, form, variant, response, before, tally: Tally) -> str:
    status = response.status_code
    where = (form.action, form.button, variant)
    tally.seen.append((status, *where))
    if status >= 500:
        tally.failures.append(("5xx", status, *where))
        return "failed"
    redirected = status in (302, 303)
    if redirected and urlsplit(response.location).path == "/inloggen":
        tally.failures.append(("logged out", status, *where))
        return "failed"
    errors = [m for c, m in _flashed(client) if c == "error"] if redirected else []
    shown = [] if redirected else _page_messages(response.get_data(as_text=True))
    if status == 200 and shown:
        tally.failures.append(("refused with 200, not 422", shown[:3], *where))
    if status < 400 and not errors:
        outcome = "accepted" if redirected else f"answered {status}"
        tally.outcomes[outcome] += 1
        return outcome
    tally.outcomes["refused"] += 1
    changed = {t: (before[t], n) for t, n in row_counts().items() if before[t] != n}
    if changed:
        tally.failures.append(("refusal wrote rows", changed, *where))
    if not _dutch(errors or shown):
        tally.failures.append(("no Dutch message", (errors or shown)[:3], *where))
    return "refused"


class FormWalk:
    """The forms a role meets, each kind once: of forms posting to one endpoint with the
    same fields (a form per reminder rule, per report period) only PER_ENDPOINT."""

    def __init__(self, app, client, skip):
        self.client, self.skip = client, skip
        self.adapter = app.url_map.bind("localhost")
        self.known: set[tuple] = set()
        self.per_endpoint: Counter = Counter()
        self.endpoints: set[str] = set()
        self.fresh: list[Form] = []

    def fetch(self, url):
        response = self.client.get(url)
        if response.mimetype != "text/html":
            return None
        return response.status_code, response.get_data(as_text=True)

    def endpoint(self, form: Form) -> str:
        try:
            return self.adapter.match(urlsplit(form.action).path, method="POST")[0]
        except HTTPException:
            return form.action  # posts nowhere: still posted, to see it refused

    def read(self, url: str, html: str) -> None:
        for form in forms_on(url, html):
            if self.skip(form.action):
                continue
            endpoint = self.endpoint(form)
            kind = (endpoint, *form.key[1:])
            if form.key in self.known or self.per_endpoint[kind] >= PER_ENDPOINT:
                continue
            self.known.add(form.key)
            self.per_endpoint[kind] += 1
            self.endpoints.add(endpoint)
            self.fresh.append(form)

    def visit(self, url: str) -> None:
        if (result := self.fetch(url)) and result[0] == 200:
            self.read(url, result[1])

    def from_state_page(self, start: str) -> None:
        """A state page and the pages under it (a tender's selection, dialogue, award)."""

        def under(url):
            return self.fetch(url) if url.startswith(start) else None

        for url, status, html in crawl.crawl(under, start, limit=STATE_PAGES, per_kind=1):
            if status == 200:
                self.read(url, html)

    def take(self) -> list[Form]:
        fresh, self.fresh = self.fresh, []
        return fresh


def _fuzz(client, forms: list[Form], tally: Tally) -> list[str]:
    """Post every variant of every form; the pages accepted posts lead to."""
    # The hostile variants of every form first, then the plausible fills: an accepted
    # fill (a tender published, a signal closed) would turn later variants into refusals
    # for the state instead of for the input.
    plans = [(form, name, pairs) for form in forms for name, pairs in _variants(form)]
    plans.sort(key=lambda plan: plan[1] == "plausibel")
    led_to = []
    for form, name, pairs in plans:
        before = row_counts()
        tally.submissions += 1
        try:
            response = _post(client, form, pairs)
        except Exception as exc:  # the test app propagates what would be a 500
            tally.failures.append(("500", repr(exc)[:300], form.action, form.button, name))
            continue
        if _judge(client, form, name, response, before, tally) == "accepted":
            led_to.append(urlsplit(response.location).path)
    return led_to


def html_post_endpoints(app) -> set[str]:
    """Every endpoint that takes a POST and answers with a page (the API answers JSON)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and app.blueprints.get(rule.endpoint.split(".")[0])
        and not rule.endpoint.startswith("api")
    }


def _walk_role(app, role: str, state_pages: list[str]) -> tuple[FormWalk, Tally]:
    started = time.monotonic()
    client = app.test_client()
    if role == ANONYMOUS:
        own_account, start = None, "/inloggen"
    else:
        email = crawl.DEMO_ROLES[role]
        own = db.session.execute(select(User.id).where(User.email == email)).scalar_one()
        own_account = OWN_ACCOUNT.format(id=own)
        assert login(client, email, DEMO_PASSWORD).status_code == 302
        start = "/"
    walk = FormWalk(
        app,
        client,
        lambda action: (
            SESSION_ENDERS.search(action) or (own_account and action.startswith(own_account))
        ),
    )
    for url, status, html in crawl.crawl(walk.fetch, start, limit=PAGES, per_kind=PER_KIND):
        if status == 200:
            walk.read(url, html)
    for page in state_pages if role != ANONYMOUS else ():
        walk.from_state_page(page)
    tally = Tally()
    # What an accepted form leads to (a new tender, a signal in its next state) has forms
    # the demo did not show: those are posted in the next round.
    for _round in range(ROUNDS):
        forms = walk.take()
        tally.forms += len(forms)
        for page in dict.fromkeys(_fuzz(client, forms, tally)):
            walk.visit(page)
    if role != ANONYMOUS:  # still logged in: no form ended the session
        assert client.get("/").status_code == 200, role
    print(
        f"\n{role}: {tally.forms} forms to {len(walk.endpoints)} endpoints, "
        f"{tally.submissions} submissions, {dict(tally.outcomes)}, "
        f"{time.monotonic() - started:.1f} s",
        flush=True,
    )
    return walk, tally


class Coverage:
    """The endpoints each role's walk reached, one file per role in a directory all xdist
    workers share: the test of the last role to finish checks the union."""

    def __init__(self, directory):
        self.directory = directory

    def record(self, role: str, endpoints: set[str]) -> None:
        draft = self.directory / f".{role}.tmp"
        draft.write_text("\n".join(sorted(endpoints)))
        draft.rename(self.directory / f"{role}.txt")  # atomic: a reader sees all or nothing

    def union(self) -> set[str] | None:
        """Every role's endpoints once all roles have recorded, else None."""
        files = {role: self.directory / f"{role}.txt" for role in ROLE_ORDER}
        if not all(path.exists() for path in files.values()):
            return None
        return {line for path in files.values() for line in path.read_text().split()}


@pytest.fixture
def coverage(request, tmp_path_factory) -> Coverage:
    root = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):  # an xdist worker: the run's root is shared
        root = root.parent
    directory = root / "form-fuzz-reached"
    directory.mkdir(exist_ok=True)
    return Coverage(directory)


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_form_of_a_role_refuses_hostile_input_cleanly(demo, app, role, coverage):
    """Each role on a fresh demo with every state prepared, so the roles spread over the
    workers; together they post to every HTML POST endpoint but those in UNREACHABLE."""
    started = time.monotonic()
    fuzz_states.prepare(crawl.DEMO_ROLES)
    state_pages = fuzz_states.pages()
    print(f"\nstates prepared, {len(state_pages)} state pages, {time.monotonic() - started:.1f} s")
    walk, tally = _walk_role(app, role, state_pages)
    coverage.record(role, walk.endpoints)
    for failure in tally.failures:  # in full as they come (the assertion cuts it short)
        print("FAILED", role, repr(failure)[:600], flush=True)
    assert not tally.failures, tally.failures
    assert tally.forms >= 1, f"{role}: the walk found no forms"
    expected = html_post_endpoints(app)
    assert set(UNREACHABLE) <= expected, "an endpoint listed as unreachable no longer exists"
    assert not walk.endpoints & set(UNREACHABLE), "an endpoint listed as unreachable was reached"
    reached = coverage.union()
    if reached is None:
        print(f"{role}: the union of the roles is checked by the last role to finish")
        return
    missing = expected - reached - set(UNREACHABLE)
    print(f"all roles: reached {len(reached)} of {len(expected)} endpoints")
    assert not missing, f"no form of any role posts to: {sorted(missing)}"


def test_a_nul_byte_in_a_form_is_refused_before_any_view(client):
    """Found by the fuzz on PostgreSQL (which cannot store NUL): every text field was a
    500 there. Now one refusal at the door, on both engines."""
    from procure.auth.models import ApiToken
    from tests import factories as f

    f.login(client, f.user("admin"))
    before = row_counts()
    response = f.post(client, "/profiel", {"name": "koppeling\x00"})
    assert response.status_code == 400
    assert "ongeldig teken" in response.get_data(as_text=True)
    assert row_counts() == before
    assert db.session.execute(select(ApiToken)).first() is None
