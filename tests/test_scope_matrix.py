"""The scope matrix, generated from the app's own url_map: every GET route (pages, lists,
exports, downloads and the API), called by every role, must not show a signal, a custom
contract or an opened bid to a role SPEC section 2 does not give it. A new route is in the
matrix the moment it exists; its parameters are filled from the records made below.

Each record carries a marker text that appears wherever its content is shown."""

import io
import re
import zipfile
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine

from procure.auth import operations as auth_ops
from procure.auth.roles import MUNICIPALITY, PROVIDER
from procure.contracts import operations as contract_ops
from procure.contracts import policy as contract_policy
from procure.supervision import operations as signal_ops
from procure.supervision import policy as signal_policy
from procure.tenders import operations as tender_ops
from tests import factories as f
from tests.contracts.helpers import maatwerk_code
from tests.tenders.builders import BID, provider_user
from tests.tenders.test_sealed import SECRET_PRICE, priced_tender

SIGNAL_MARKER = "Signaalinhoud-7Q4"
CUSTOM_MARKER = "Maatwerkreden-9X2"
BID_MARKERS = ("1.234.567,89", "1,234,567.89", SECRET_PRICE, "geheim-plan-kompas")


def may_see(kind: str, user, world) -> bool:
    """Who may see what (SPEC section 2), read from the domains' own policy role sets, so
    that a change of policy moves the expectation with it: the roles of the policy, and
    within a role the scope (the municipality that logged the signal or made the custom
    contract, the provider that made the bid)."""
    role = user.role
    if kind == "signal":
        return role in signal_policy.VIEW_ROLES and (
            role != MUNICIPALITY or user.municipality_id == world.signal.municipality_id
        )
    if kind == "custom_contract":
        readers = set(contract_policy.CUSTOM_READERS) - set(contract_policy.CUSTOM_HIDDEN_FOR)
        return role in readers and (
            role != MUNICIPALITY or user.municipality_id == world.custom.municipality_id
        )
    if kind == "bid":  # opened: the officers who read bids, and the bidder itself
        return role in tender_ops.BID_READERS or (
            role == PROVIDER and user.provider_id == world.bid.provider_id
        )
    raise ValueError(kind)


MARKERS = {"signal": (SIGNAL_MARKER,), "custom_contract": (CUSTOM_MARKER,), "bid": BID_MARKERS}
# feed: by secret URL only; readiness answers 503 by design where no scheduler runs
SKIPPED_ENDPOINTS = {"static", "auth.logout", "reminders.feed", "system.readyz"}


@pytest.fixture
def world(app):
    with app.test_request_context():
        tender = priced_tender()
        bids = {b.provider.short_code: b for b in tender_bids(tender)}
        region = f.region("wbo")
        users = {
            "admin": f.user("admin"),
            "global_admin": auth_ops.create_user(
                email="landelijk@example.org",
                name="Landelijk Beheer",
                role="admin",
                password=f.PASSWORD,
            ),
            "procurement": f.user("procurement", email="inkoop@wbo.example.org"),
            "contract_manager": f.user("contract_manager"),
            "supervisor": f.user("supervisor"),
            "municipality_breda": f.user("municipality", municipality_name="Breda"),
            "municipality_oosterhout": f.user(
                "municipality", municipality_name="Oosterhout", email="oosterhout@example.org"
            ),
            "provider_kompas": provider_user("kompas"),
            "provider_linde": provider_user("linde"),
        }
        kompas = bids["kompas"].provider
        signal = signal_ops.log_signal(
            actor=users["municipality_breda"],
            provider_id=kompas.id,
            source="municipality",
            received_on=date.today(),
            category="compliance",
            description=f"{SIGNAL_MARKER}: de wachtlijst wordt niet bijgehouden zoals afgesproken.",
            municipality_id=users["municipality_breda"].municipality_id,
        )
        code = maatwerk_code(region)
        zonnehoek = f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
        custom = contract_ops.create_custom_contract(
            user=users["municipality_breda"],
            provider_id=zonnehoek.id,
            maatwerk_code_id=code.id,
            unit_price="112.40",
            units="40",
            start_date=date(2026, 2, 1),
            end_date=date(2026, 12, 31),
            justification=f"{CUSTOM_MARKER}: geen passend gecontracteerd aanbod",
            reason="specific_need",
        )
    return SimpleNamespace(
        users=users, signal=signal, custom=custom, tender=tender, bid=bids["kompas"]
    )


def tender_bids(tender):
    from procure.tenders import operations as tender_ops

    return tender_ops.tender_bids(tender)


def _text(data: bytes) -> str:
    """What a reader could find in a response: text as is, spreadsheets and Word files
    unzipped (PDF documents are covered by their HTML preview route)."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return data.decode("utf-8", "replace")


def _values(world, rule) -> dict | None:
    """URL values for a rule from the world's records; None when a parameter is unknown."""
    api_reference = (
        world.custom.reference
        if "/contracts/" in rule.rule
        else world.tender.reference
        if "/tenders/" in rule.rule
        else None
    )
    known = {
        "signal_id": world.signal.id,
        "contract_id": world.custom.id,
        "tender_id": world.tender.id,
        "bid_id": world.bid.id,
        "provider_id": world.bid.provider_id,
        "record_type": "contract",
        "record_id": world.custom.id,
        "output": "pdf",
        "fmt": "csv",
        "reference": api_reference,
    }
    values = {}
    for argument in rule.arguments:
        if known.get(argument) is None:
            return None
        values[argument] = known[argument]
    return values


def _routes(app, world):
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        values = _values(world, rule)
        if values is None:
            continue
        with app.test_request_context():
            routes.append(re.sub(r"^http://[^/]+", "", rule.build(values)[1]))
    return routes


def test_no_route_shows_a_role_what_spec_section_2_does_not_give_it(app, world):
    routes = _routes(app, world)
    assert len(routes) > 60  # the matrix covers the app, not a handful of pages
    leaks, tried = [], 0
    with time_machine.travel(BID, tick=False):  # the bids are open
        for role, user in world.users.items():
            client = app.test_client()
            f.login(client, user)
            bearer = f.bearer(f.api_token(user))
            hidden = [kind for kind in MARKERS if not may_see(kind, user, world)]
            for url in routes:
                headers = bearer if url.startswith("/api/") else None
                response = client.get(url, headers=headers)
                tried += 1
                assert response.status_code < 500, (role, url, response.status_code)
                body = _text(response.data)
                for kind in hidden:
                    if any(marker in body for marker in MARKERS[kind]):
                        leaks.append((role, kind, url))
    assert not leaks, leaks
    print(f"scope matrix: {tried} requests, {len(routes)} routes x {len(world.users)} roles")


def test_the_markers_are_found_where_spec_section_2_allows_them(app, world):
    """The matrix above would pass if no page showed the markers at all: every user the
    policy allows sees each record on its page (so the markers are where content is
    shown), and the policy gives each kind to someone and withholds it from someone."""
    pages = {
        "signal": (f"/signalen/{world.signal.id}",),
        "custom_contract": (f"/contracten/{world.custom.id}",),
        "bid": (
            f"/api/v1/tenders/{world.tender.reference}/bids",
            f"/aanbestedingen/{world.tender.id}/portaal",
        ),
    }
    missing = []
    with time_machine.travel(BID, tick=False):
        for kind, urls in pages.items():
            allowed = [r for r, u in world.users.items() if may_see(kind, u, world)]
            assert 0 < len(allowed) < len(world.users), (kind, allowed)
            for role in allowed:
                client = app.test_client()
                user = world.users[role]
                f.login(client, user)
                bearer = f.bearer(f.api_token(user))
                bodies = [
                    client.get(url, headers=bearer if url.startswith("/api/") else None).get_data(
                        as_text=True
                    )
                    for url in urls
                ]
                if not any(marker in body for body in bodies for marker in MARKERS[kind]):
                    missing.append((kind, role))
    assert not missing, missing
