# ruff: noqa: S608 (the raw SQL is assembled from constants of this file only)
"""Pages at national scale against the limit: every list page and the main detail pages,
through the test client logged in as the page's role, each against a raw-SQL page showing
the same count and rows. Interleaved, median of repetitions, query counts at two data sizes,
and EXPLAIN of the list queries.

The raw-SQL page is the limit a page of this product can reach: a page of the same app,
reached by the same user through the same test client, that pays what every page must pay
(the request, the session and log-in, the CSRF token, the layout with its menu and bell) and
fetches its rows by raw SQL on the request's own DB-API connection (sqlite3 / psycopg, no
ORM) and shows them with a 10-line template. The ratio against it is the target. The
framework-free figure, the same SQL and a 10-line template called directly without a
request, is printed next to it for reference ("SQL ms", "vs SQL"): no page with a log-in
and a layout comes within 3x of it on a detail page (0.1 ms), so it cannot be the target.

    .venv/bin/python benchmarks/pages.py --scale 0.1          # quick run
    .venv/bin/python benchmarks/pages.py --scale 1.0          # national (see below)
    PROCURE_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/pages.py --scale 1.0      # on PostgreSQL (empty db)
    .venv/bin/python benchmarks/pages.py --scale 1.0 --reuse  # generate once, then reuse
    .venv/bin/python benchmarks/pages.py --reuse --only page  # the pages whose name has "page"

--reuse keeps the data set (SQLite: a file in --data-dir; PostgreSQL: the database stays
filled) with the ids of its sample rows, keyed by engine, database and scale, and the
next --reuse run measures it again instead of generating it (minutes at scale 1.0); a
data set of another scale or of a changed schema is dropped and generated afresh, and
indexes added since (a migration) are created and analysed.

National scale 1.0: 42 regions, 100,000 contracts (3 contract years each), 1,000,000
realisation records, 50,000 signals, 20,000 tenders (a quarter open houses), 5,000
product cards, 200,000 notifications, 200,000 audit events, 20,000 generated documents,
about 1,000 providers. Region WBO holds a full region's share and the 5,000 cards (the
catalogue the contract page picks from); region E10 a tenth of everything: the query
counts of both are printed (they must be equal), and the detail pages of both are timed
(they must not depend on the catalogue size). Bulk inserts in one transaction, then
ANALYZE. Targets: list pages <= 3x their raw-SQL page, detail pages <= 3x theirs.
"""

import argparse
import contextvars
import hashlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Blueprint, render_template, request
from flask_login import login_required
from jinja2 import Template
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from procure import create_app
from procure.config import Defaults
from procure.extensions import db

NATIONAL = {
    "regions": 42,
    "providers": 1_000,
    "contracts": 100_000,
    "realisations": 1_000_000,
    "signals": 50_000,
    "tenders": 20_000,
    "products": 5_000,
    "notifications": 200_000,
    "audit": 200_000,
    "documents": 20_000,
}
YEARS = (2025, 2026, 2027)
THIS_YEAR = 2026
CHUNK = 20_000
PER_PAGE = 50
TARGET = 3.0
COUNT_CAP = Defaults.LIST_COUNT_CAP
# The list pages: their count is capped like the app's (the portfolio counts its own way).
LISTS = (
    "catalogue",
    "catalogue search",
    "tenders",
    "open houses",
    "contracts",
    "contracts+filters",
    "contracts, national admin",
    "supervision queue",
    "reminders",
    "documents library",
    "audit log",
)
RAW_BODY = """<h1>{{ title }}</h1><p>{{ total }} resultaten</p>
{% for name, rows in tables %}<h2>{{ name }}</h2><table>
{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endfor %}"""
# Framework-free reference: the same rows in a bare document, rendered without a request.
RAW_TEMPLATE = Template(
    """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body>"""
    + RAW_BODY
    + "</body></html>"
)
# The raw-SQL page: the same 10 lines inside the app's layout.
RAW_PAGE_SOURCE = (
    '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}{% block content %}'
    + RAW_BODY
    + "{% endblock %}"
)
RAW_PAGE_PATH = "/_bench/raw"
# (page, region code) -> (SQL statements, parameters) the raw-SQL page runs.
RAW_PAGE_QUERIES: dict = {}


# -- data -------------------------------------------------------------------------------------


def bulk(model, rows):
    """executemany in chunks inside the open transaction (Core fills column defaults)."""
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def generate(scale: float) -> dict:
    """The national data set (see the module docstring); returns the ids the pages need."""
    from procure import demo
    from procure.audit.models import AuditEvent
    from procure.auth.models import User
    from procure.catalogue.models import Product, Tariff, TaskArea
    from procure.contracts.models import (
        Contract,
        ContractedProduct,
        ContractPrice,
        ContractYear,
        Realisation,
    )
    from procure.core.uploads import StoredFile
    from procure.documents.models import GeneratedDocument
    from procure.organisations.models import Municipality, Provider, Region
    from procure.reminders.models import Notification
    from procure.supervision.models import Signal
    from procure.tenders.models import Tender

    n = {k: max(1, int(v * scale)) for k, v in NATIONAL.items()}
    n["regions"] = NATIONAL["regions"]
    demo.load_organisations()
    demo.load_users()
    bulk(
        Region,
        [
            {"name": f"Jeugdregio {i}", "short_code": f"r{i:02d}", "kvk_number": f"5{i:07d}"}
            for i in range(n["regions"] - 3)
        ],
    )
    regions = db.session.execute(select(Region.id, Region.short_code)).all()
    by_code = {code: rid for rid, code in regions}
    wbo, e10 = by_code["wbo"], by_code["e10"]
    # each region's weight in the national totals: WBO a full share, E10 a tenth
    weights = {rid: (0.1 if rid == e10 else 1.0) for rid, _code in regions}
    share = sum(weights.values())
    bulk(
        Municipality,
        [
            {"region_id": rid, "name": f"Gemeente {code}-{k}", "cbs_code": f"{i:03d}{k}"}
            for i, (rid, code) in enumerate(regions)
            if code.startswith("r")
            for k in range(8)
        ],
    )
    bulk(
        Provider,
        [
            {
                "name": f"Jeugdhulp Aanbieder {i:04d}",
                "short_code": f"bench{i:04d}",
                "kvk_number": f"7{i:07d}",
            }
            for i in range(n["providers"])
        ],
    )
    providers = db.session.execute(select(Provider.id)).scalars().all()
    areas = {}
    for rid, code in regions:
        rows = [
            {"region_id": rid, "code": c, "name": f"{name} {code.upper()}"}
            for c, name in (
                ("slt", "Specialistische jeugdhulp"),
                ("amb", "Ambulante jeugdhulp"),
                ("vbl", "Verblijf"),
                ("gdc", "Gezinsgerichte hulp"),
            )
        ]
        bulk(TaskArea, rows)
    for aid, rid in db.session.execute(select(TaskArea.id, TaskArea.region_id)):
        areas.setdefault(rid, []).append(aid)

    # catalogue: WBO the full catalogue, E10 a tenth
    product_rows = []
    for rid, count in ((wbo, n["products"]), (e10, max(1, n["products"] // 10))):
        for i in range(count):
            product_rows.append(
                {
                    "region_id": rid,
                    "code": f"{45 + i % 5}{i // 5:03d}",
                    "version": 1,
                    "name": f"Jeugd-GGZ behandeling {i}",
                    "description": "Behandeling van jeugdigen met psychische problematiek.",
                    "task_area_id": areas[rid][i % 4],
                    "variant": ("effort", "effort", "output", "task")[i % 4],
                    "unit": "uur",
                    "status": "vastgesteld",
                    "valid_from": date(2025, 1, 1),
                    "is_current": True,
                }
            )
    bulk(Product, product_rows)
    products = db.session.execute(select(Product.id, Product.region_id, Product.variant)).all()
    bulk(
        Tariff,
        [
            {"product_id": pid, "year": y, "price": "98.50"}
            for pid, _r, variant in products
            if variant != "task"
            for y in YEARS
        ],
    )
    first_product = {}
    for pid, rid, variant in products:
        first_product.setdefault((rid, variant), pid)

    # contracts, years, products, prices, realisations
    contract_rows = []
    for rid, _code in regions:
        count = max(8, int(n["contracts"] * weights[rid] / share))
        for i in range(count):
            variant = ("task", "effort", "effort", "output")[i % 4]
            contract_rows.append(
                {
                    "reference": f"{_code.upper()}-C-{i:06d}",
                    "title": f"Jeugdhulpcontract {i}",
                    "region_id": rid,
                    "provider_id": providers[(i * 7 + rid) % len(providers)],
                    "origin": "lot_award",
                    "task_area_id": areas[rid][i % 4],
                    "variant": variant,
                    "start_date": date(2025, 1, 1),
                    "end_date": date(2026 + i % 4, 1 + i % 12, 28),
                    "status": ("active", "active", "extended", "concept", "ended")[i % 5],
                    "contract_value": "1500000.00",
                }
            )
    bulk(Contract, contract_rows)
    contracts = db.session.execute(select(Contract.id, Contract.region_id, Contract.variant)).all()
    bulk(
        ContractYear,
        [
            {"contract_id": cid, "year": y, "budget": "500000.00", "value": "500000.00"}
            for cid, _r, _v in contracts
            for y in YEARS
        ],
    )
    effort = [(cid, rid, v) for cid, rid, v in contracts if v != "task"]
    bulk(
        ContractedProduct,
        [
            {"contract_id": cid, "product_id": first_product.get((rid, v), products[0][0])}
            for cid, rid, v in effort
        ],
    )
    cps = dict(
        db.session.execute(select(ContractedProduct.contract_id, ContractedProduct.id)).all()
    )
    bulk(
        ContractPrice,
        [
            {"contract_product_id": cps[cid], "year": y, "price": "98.50"}
            for cid, _r, _v in effort
            for y in YEARS
        ],
    )
    per_contract = max(1, n["realisations"] // max(1, len(effort)))
    rows, made = [], 0
    for cid, _rid, _v in effort:
        for k in range(per_contract):
            rows.append(
                {
                    "contract_id": cid,
                    "contract_product_id": cps[cid],
                    "period": date(YEARS[k % 3], 1 + k % 12, 1),
                    "units": "10.00",
                    "unit_price": "98.50",
                    "amount": "985.00",
                    "source": "api",
                }
            )
            made += 1
        if len(rows) >= CHUNK:
            bulk(Realisation, rows)
            rows = []
    bulk(Realisation, rows)

    # tenders (a quarter open houses), signals
    tender_rows = []
    for rid, code in regions:
        for i in range(max(8, int(n["tenders"] * weights[rid] / share))):
            open_house = i % 4 == 0
            tender_rows.append(
                {
                    "reference": f"{code.upper()}-T-{i:06d}",
                    "title": f"Aanbesteding jeugdhulp {i}",
                    "region_id": rid,
                    "procedure": "open_house" if open_house else "sas_open",
                    "status": ("published", "concept", "award")[i % 3],
                    "task_area_id": areas[rid][i % 4],
                    "variant": "effort",
                    "contract_start": date(2026, 1, 1),
                    "created_at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i),
                }
            )
    bulk(Tender, tender_rows)
    by_region_contract = {}
    for cid, rid, _v in contracts:
        by_region_contract.setdefault(rid, cid)
    signal_rows = []
    for rid, code in regions:
        for i in range(max(8, int(n["signals"] * weights[rid] / share))):
            signal_rows.append(
                {
                    "reference": f"{code.upper()}-S-{i:06d}",
                    "region_id": rid,
                    "provider_id": providers[i % len(providers)],
                    "contract_id": by_region_contract[rid] if i % 3 == 0 else None,
                    "source": "municipality",
                    "received_on": date(2025, 1, 1) + timedelta(days=i % 600),
                    "category": ("quality", "safety", "legitimacy")[i % 3],
                    "urgency": ("normal", "high")[i % 2],
                    "description": "Signaal over de kwaliteit van de jeugdhulp.",
                    "state": ("received", "triaged", "investigating", "closed")[i % 4],
                    "triage_due_on": date(2025, 1, 8) + timedelta(days=i % 600),
                }
            )
    bulk(Signal, signal_rows)

    # notifications, audit events, generated documents
    users = db.session.execute(select(User.id, User.email, User.region_id)).all()
    manager = next(u for u in users if u.email == "contract_manager.wbo@example.org")
    small_manager = next(u for u in users if u.email == "contract_manager.e10@example.org")
    now = datetime.now(UTC)
    notes = []
    for i in range(n["notifications"]):
        uid = manager.id if i % 10 == 0 else users[i % len(users)].id
        if i % 100 == 1:
            uid = small_manager.id
        notes.append(
            {
                "user_id": uid,
                "title": f"Contract WBO-C-{i:06d} eindigt over drie maanden",
                "url": "/contracten/",
                "created_at": now - timedelta(minutes=i),
            }
        )
    bulk(Notification, notes)
    region_ids = [rid for rid, _c in regions]
    bulk(
        AuditEvent,
        [
            {
                "occurred_at": now - timedelta(seconds=i),
                "actor_label": "contract_manager.wbo@example.org",
                "region_id": wbo if i % 10 == 0 else region_ids[i % len(region_ids)],
                "action": "contract.activate",
                "object_type": "Contract",
                "object_id": str(i),
            }
            for i in range(n["audit"])
        ],
    )
    bulk(
        StoredFile,
        [
            {
                "original_name": "contract.pdf",
                "content_type": "application/pdf",
                "size": 1000,
                "sha256": "0" * 64,
            }
        ],
    )
    file_id = db.session.execute(select(StoredFile.id)).scalars().first()
    bulk(
        GeneratedDocument,
        [
            {
                "region_id": wbo if i % 10 == 0 else region_ids[i % len(region_ids)],
                "kind": "contract",
                "record_type": "contract",
                "record_id": i + 1,
                "title": f"Contract {i}",
                "reference": f"WBO-C-{i:06d}",
                "file_id": file_id,
                "sha256": "0" * 64,
                "pages": 12,
                "template_name": "documents/contract.html",
                "template_version": "1",
                "record_version": "1",
                "generated_at": now - timedelta(minutes=i),
            }
            for i in range(n["documents"])
        ],
    )
    admin = db.session.execute(select(User).filter_by(email="admin.wbo@example.org")).scalar_one()
    db.session.add(
        User(
            email="admin.national@example.org",
            name="Landelijk beheer",
            password_hash=admin.password_hash,
            role="admin",
            region_id=None,
        )
    )
    db.session.commit()
    analyze()

    def sample(model, region):
        return db.session.execute(
            select(model.id).where(model.region_id == region).order_by(model.id).limit(1)
        ).scalar()

    def sas_tender(region):
        return db.session.execute(
            select(Tender.id)
            .where(Tender.region_id == region, Tender.procedure == "sas_open")
            .order_by(Tender.id)
            .limit(1)
        ).scalar()

    def effort_contract(region):
        return db.session.execute(
            select(Contract.id)
            .where(Contract.region_id == region, Contract.variant == "effort")
            .order_by(Contract.id)
            .limit(1)
        ).scalar()

    return {
        "n": n,
        "wbo": wbo,
        "e10": e10,
        "contract": {wbo: effort_contract(wbo), e10: effort_contract(e10)},
        "tender": {wbo: sas_tender(wbo), e10: sas_tender(e10)},
        "signal": {wbo: sample(Signal, wbo), e10: sample(Signal, e10)},
        "product": {wbo: sample(Product, wbo), e10: sample(Product, e10)},
        "users": {u.email: u.id for u in users},
    }


# -- raw baselines ------------------------------------------------------------------------------


def like(column: str, dialect: str) -> str:
    """The case-insensitive match the app's ILIKE compiles to on each engine."""
    return f"{column} ILIKE :q" if dialect == "postgresql" else f"lower({column}) LIKE lower(:q)"


def capped(count: str) -> str:
    """A list's count as the app's list pages take it: no further than LIST_COUNT_CAP + 1."""
    selection = count.removeprefix("SELECT count(*) FROM ")
    return f"SELECT count(*) FROM (SELECT 1 FROM {selection} LIMIT {COUNT_CAP + 1}) AS capped"


def raw_pages(dialect: str) -> dict:
    """Per page: (count SQL, rows SQL) showing the same rows as the app page."""
    return {
        name: (capped(sql[0]), *sql[1:]) if name in LISTS else sql
        for name, sql in _raw_sql(dialect).items()
    }


def _raw_sql(dialect: str) -> dict:
    ending = "c.end_date >= :today AND c.end_date <= :until AND c.status IN ('active', 'extended')"
    contracts = (
        "SELECT c.reference, c.title, p.name, t.name, c.variant, c.status, c.end_date, "
        "c.contract_value, y.realised, y.value FROM contracts c "
        "JOIN providers p ON p.id = c.provider_id LEFT JOIN task_areas t ON t.id = c.task_area_id "
        "LEFT JOIN contract_years y ON y.contract_id = c.id AND y.year = :year "
    )
    catalogue = (
        "SELECT p.code, p.version, p.name, t.name, p.variant, p.unit, f.price, p.status, "
        "p.valid_from FROM products p LEFT JOIN task_areas t ON t.id = p.task_area_id "
        "LEFT JOIN tariffs f ON f.product_id = p.id AND f.year = :year "
    )
    search = (
        "(" + " OR ".join(like(f"p.{c}", dialect) for c in ("code", "name", "description")) + ")"
    )
    return {
        "catalogue": (
            "SELECT count(*) FROM products p WHERE p.region_id = :region AND p.is_current",
            catalogue + "WHERE p.region_id = :region AND p.is_current "
            "ORDER BY p.code, p.version LIMIT 50",
        ),
        "catalogue search": (
            "SELECT count(*) FROM products p WHERE p.region_id = :region AND p.is_current "
            f"AND {search}",
            catalogue + f"WHERE p.region_id = :region AND p.is_current AND {search} "
            "ORDER BY p.code, p.version LIMIT 50",
        ),
        "tenders": (
            "SELECT count(*) FROM tenders WHERE region_id = :region",
            "SELECT t.reference, t.title, t.procedure, r.short_code, a.name, t.status, "
            "t.bid_deadline FROM tenders t JOIN regions r ON r.id = t.region_id "
            "LEFT JOIN task_areas a ON a.id = t.task_area_id WHERE t.region_id = :region "
            "ORDER BY t.created_at, t.id LIMIT 50",
        ),
        "open houses": (
            "SELECT count(*) FROM tenders WHERE region_id = :region AND procedure = 'open_house'",
            "SELECT t.reference, t.title, t.contract_start, t.status FROM tenders t "
            "WHERE t.region_id = :region AND t.procedure = 'open_house' "
            "ORDER BY t.reference LIMIT 50",
        ),
        "contracts": (
            "SELECT count(*) FROM contracts c WHERE c.region_id = :region",
            contracts + "WHERE c.region_id = :region ORDER BY c.reference LIMIT 50",
        ),
        "contracts+filters": (
            "SELECT count(*) FROM contracts c WHERE c.region_id = :region AND c.variant = 'effort' "
            f"AND c.status = 'active' AND {ending}",
            contracts + "WHERE c.region_id = :region AND c.variant = 'effort' "
            f"AND c.status = 'active' AND {ending} ORDER BY c.end_date LIMIT 50",
        ),
        "contracts, national admin": (
            "SELECT count(*) FROM contracts c",
            contracts + "ORDER BY c.reference LIMIT 50",
        ),
        "portfolio": (
            f"SELECT count(*) FROM contracts c WHERE c.region_id = :region AND {ending}",
            "SELECT t.name, c.variant, count(c.id), sum(c.contract_value) FROM contracts c "
            "LEFT JOIN task_areas t ON t.id = c.task_area_id WHERE c.region_id = :region "
            "AND c.status IN ('concept', 'active', 'extended') GROUP BY t.name, c.variant "
            "ORDER BY t.name, c.variant",
            "SELECT c.reference, p.name, c.end_date, c.status FROM contracts c "
            f"JOIN providers p ON p.id = c.provider_id WHERE c.region_id = :region AND {ending} "
            "ORDER BY c.end_date LIMIT 50",
            # the ceilings at or over their signal percentage, as the app finds them
            "SELECT c.reference, p.name, y.value, y.realised FROM contract_years y "
            "JOIN contracts c ON c.id = y.contract_id JOIN providers p ON p.id = c.provider_id "
            "WHERE y.warn_reached_at IS NOT NULL AND c.region_id = :region "
            "AND c.variant != 'task' AND c.status IN ('active', 'extended') AND y.year = :year "
            "AND y.value > 0 AND y.realised * 100 >= y.value * c.warn_pct "
            "ORDER BY y.realised * 1000 / y.value DESC, c.id LIMIT 50",
        ),
        "supervision queue": (
            "SELECT count(*) FROM signals s WHERE s.region_id = :region "
            "AND s.state IN ('received', 'triaged', 'investigating', 'other_party', 'measures')",
            "SELECT s.reference, s.received_on, p.name, s.category, s.urgency, s.state, u.name, "
            "s.triage_due_on FROM signals s JOIN providers p ON p.id = s.provider_id "
            "LEFT JOIN users u ON u.id = s.assigned_to_id WHERE s.region_id = :region "
            "AND s.state IN ('received', 'triaged', 'investigating', 'other_party', 'measures') "
            "ORDER BY s.received_on, s.id LIMIT 50",
        ),
        "reminders": (
            "SELECT count(*) FROM notifications WHERE user_id = :user",
            "SELECT title, body, url, created_at, read_at FROM notifications WHERE user_id = :user "
            "ORDER BY created_at DESC, id DESC LIMIT 50",
        ),
        "documents library": (
            "SELECT count(*) FROM generated_documents WHERE region_id = :region",
            "SELECT d.title, d.kind, d.reference, d.pages, d.generated_at, u.name "
            "FROM generated_documents d LEFT JOIN users u ON u.id = d.generated_by_id "
            "WHERE d.region_id = :region ORDER BY d.generated_at DESC LIMIT 50",
        ),
        "audit log": (
            "SELECT count(*) FROM audit_events WHERE region_id = :region",
            "SELECT occurred_at, actor_label, action, object_type, object_id, note "
            "FROM audit_events WHERE region_id = :region ORDER BY id DESC LIMIT 50",
        ),
        "contract page": (  # what the page shows, its panels included
            "SELECT count(*) FROM contract_realisations WHERE contract_id = :contract",
            "SELECT c.reference, c.title, c.status, c.variant, c.start_date, c.end_date, "
            "c.contract_value, c.notice_months, p.name, r.name, t.name, m.name "
            "FROM contracts c JOIN providers p ON p.id = c.provider_id "
            "JOIN regions r ON r.id = c.region_id LEFT JOIN task_areas t ON t.id = c.task_area_id "
            "LEFT JOIN users m ON m.id = c.manager_id WHERE c.id = :contract",
            "SELECT year, budget, value, realised, reserve FROM contract_years "
            "WHERE contract_id = :contract ORDER BY year",
            "SELECT sequence, months, decision_deadline, status "
            "FROM contract_extension_options WHERE contract_id = :contract ORDER BY sequence",
            "SELECT p.code, p.name, p.version, p.unit, cp.effective_from, pr.year, pr.price "
            "FROM contract_products cp JOIN products p ON p.id = cp.product_id "
            "LEFT JOIN contract_prices pr ON pr.contract_product_id = cp.id "
            "WHERE cp.contract_id = :contract ORDER BY p.code, pr.year",
            "SELECT r.period, r.units, r.unit_price, r.amount, r.source "
            "FROM contract_realisations r WHERE r.contract_id = :contract "
            "ORDER BY r.period DESC, r.id DESC LIMIT 20",
            "SELECT d.contract_year_id, d.old_amount, d.new_amount, d.decided_on, d.reference, "
            "d.reason FROM contract_budget_decisions d "
            "JOIN contract_years y ON y.id = d.contract_year_id WHERE y.contract_id = :contract",
            "SELECT cbs_code, name FROM municipalities WHERE region_id = :region ORDER BY name",
            "SELECT id, name FROM users WHERE region_id = :region "
            "AND role IN ('admin', 'contract_manager') AND active ORDER BY name",
            "SELECT a.number, a.subject, a.agreed_on, a.effective_on, d.generated_at "
            "FROM contract_addenda a LEFT JOIN generated_documents d ON d.id = a.document_id "
            "WHERE a.contract_id = :contract ORDER BY a.number",
            "SELECT name, kvk_number, work, added_at FROM contract_subcontractors "
            "WHERE contract_id = :contract AND removed_at IS NULL ORDER BY name",
            "SELECT sum(CASE WHEN s.contract_id = c.id THEN 1 ELSE 0 END), count(*) "
            "FROM contracts c JOIN signals s ON s.provider_id = c.provider_id "
            "AND s.region_id = c.region_id "
            "WHERE c.id = :contract "
            "AND s.state IN ('received', 'triaged', 'investigating', 'other_party', 'measures')",
            "SELECT h.review_on FROM contracts c JOIN heightened_supervisions h "
            "ON h.region_id = c.region_id AND h.provider_id = c.provider_id "
            "WHERE c.id = :contract AND h.ended_on IS NULL LIMIT 1",
            "SELECT id, kind, generated_at FROM generated_documents WHERE record_type = 'contract' "
            "AND record_id = :contract ORDER BY generated_at DESC, id DESC LIMIT 1",
        ),
        "tender page": (  # the tender with everything its page shows
            "SELECT count(*) FROM lots WHERE tender_id = :tender",
            "SELECT t.reference, t.title, t.procedure, t.status, t.variant, t.estimated_value, "
            "t.contract_start, t.duration_months, t.bid_deadline, t.description, r.name, a.name "
            "FROM tenders t JOIN regions r ON r.id = t.region_id "
            "LEFT JOIN task_areas a ON a.id = t.task_area_id WHERE t.id = :tender",
            "SELECT id, number, name, max_partners, areas FROM lots WHERE tender_id = :tender "
            "ORDER BY number",
            "SELECT a.name FROM task_areas a JOIN tender_task_areas x ON x.task_area_id = a.id "
            "WHERE x.tender_id = :tender ORDER BY a.name",
            "SELECT id, name, weight, is_price FROM tender_award_criteria "
            "WHERE tender_id = :tender ORDER BY position",
            "SELECT d.decided_at, d.phase, d.kind, d.motivation, u.name FROM tender_decisions d "
            "LEFT JOIN users u ON u.id = d.decided_by_id WHERE d.tender_id = :tender "
            "ORDER BY d.id",
            "SELECT id, number, question, answer FROM tender_questions WHERE tender_id = :tender "
            "ORDER BY number",
            "SELECT reference, title, status, closes_on FROM market_consultations "
            "WHERE tender_id = :tender AND region_id = :region",
            "SELECT id, kind, generated_at FROM generated_documents WHERE record_type = 'tender' "
            "AND record_id = :tender ORDER BY generated_at DESC, id DESC LIMIT 1",
        ),
        "signal page": (  # what the supervisor's page shows
            "SELECT count(*) FROM signal_notes WHERE signal_id = :signal",
            "SELECT s.reference, s.state, s.category, s.urgency, s.description, s.received_on, "
            "s.source, s.reporter_name, s.triage_due_on, s.triage_decision, p.name, c.reference, "
            "m.name, u.name FROM signals s JOIN providers p ON p.id = s.provider_id "
            "LEFT JOIN contracts c ON c.id = s.contract_id "
            "LEFT JOIN municipalities m ON m.id = s.municipality_id "
            "LEFT JOIN users u ON u.id = s.assigned_to_id WHERE s.id = :signal",
            "SELECT kind, description, amount, due_on, follow_up_on, status, result "
            "FROM signal_measures WHERE signal_id = :signal ORDER BY id",
            "SELECT n.kind, n.created_at, n.text, u.name FROM signal_notes n "
            "LEFT JOIN users u ON u.id = n.author_id WHERE n.signal_id = :signal ORDER BY n.id",
            "SELECT t.at, t.from_state, t.to_state, t.note, u.name FROM signal_transitions t "
            "LEFT JOIN users u ON u.id = t.actor_id WHERE t.signal_id = :signal ORDER BY t.id",
            # (through the merged_into_id index, which SQLite's statistics, all NULL but a
            # few, would otherwise pass over)
            "SELECT id, reference FROM signals WHERE id IN "
            "(SELECT m.id FROM signals m WHERE m.merged_into_id = :signal)",
            "SELECT h.start_on, h.review_on, h.reason FROM signals s "
            "JOIN heightened_supervisions h ON h.region_id = s.region_id "
            "AND h.provider_id = s.provider_id WHERE s.id = :signal AND h.ended_on IS NULL",
            "SELECT a.id, f.original_name FROM signal_attachments a "
            "JOIN stored_files f ON f.id = a.file_id WHERE a.signal_id = :signal ORDER BY a.id",
            "SELECT id, name FROM users WHERE role = 'supervisor' AND region_id = :region "
            "AND active ORDER BY name",
        ),
        "product card": (  # the card with its translations, maatwerk code and history
            "SELECT count(*) FROM tariffs WHERE product_id = :product",
            "SELECT p.code, p.version, p.name, p.description, p.unit, p.status, p.variant, "
            "p.valid_from, p.criteria, p.target_group, t.name, g.name FROM products p "
            "LEFT JOIN task_areas t ON t.id = p.task_area_id "
            "LEFT JOIN segments g ON g.id = p.segment_id WHERE p.id = :product",
            "SELECT year, price FROM tariffs WHERE product_id = :product ORDER BY year",
            "SELECT c.old_code, c.new_task_area, c.share_pct, c.label, c.note "
            "FROM products p JOIN code_translations c ON c.region_id = p.region_id "
            "AND c.old_code = p.code WHERE p.id = :product ORDER BY c.position",
            "SELECT m.code, m.name, m.unit, m.active FROM products p JOIN maatwerk_codes m "
            "ON m.region_id = p.region_id AND m.code = 'MW' || p.code WHERE p.id = :product",
            "SELECT occurred_at, actor_label, action, old_values, new_values, note "
            "FROM audit_events WHERE object_type = 'Product' AND object_id = :product_key "
            "ORDER BY occurred_at DESC, id DESC LIMIT 50",
            "SELECT id, kind, generated_at FROM generated_documents WHERE record_type = 'product' "
            "AND record_id = :product ORDER BY generated_at DESC, id DESC LIMIT 1",
        ),
    }


def dbapi_sql(statement: str, dialect: str) -> str:
    if dialect == "postgresql":
        return re.sub(r"(?<!:):(\w+)", r"%(\1)s", statement)
    return statement


def fetch_raw(connection, dialect: str, statements: tuple, params: dict) -> tuple:
    """The count (first statement) and the row tables (the others), through the DB-API."""
    cursor = connection.cursor()
    cursor.execute(dbapi_sql(statements[0], dialect), params)
    total = cursor.fetchone()[0]
    tables = []
    for statement in statements[1:]:
        cursor.execute(dbapi_sql(statement, dialect), params)
        tables.append((statement[:20], cursor.fetchall()))
    cursor.close()
    return total, tables


def add_raw_page(app) -> None:
    """Register the raw-SQL page (before the app's first request)."""
    template = app.jinja_env.from_string(RAW_PAGE_SOURCE)
    blueprint = Blueprint("bench_raw", __name__)

    @blueprint.get(RAW_PAGE_PATH)
    @login_required
    def raw_page():
        name = request.args["page"]
        statements, params = RAW_PAGE_QUERIES[(name, request.args["code"])]
        connection = db.session.connection().connection.driver_connection
        total, tables = fetch_raw(connection, db.engine.dialect.name, statements, params)
        return render_template(template, title=name, total=total, tables=tables)

    app.register_blueprint(blueprint)


class Raw:
    """The framework-free reference: DB-API queries on one open connection plus the
    10-line template, called directly (no request, no log-in, no layout)."""

    def __init__(self, dialect: str):
        self.dialect = dialect
        self.conn = db.engine.raw_connection()

    def sql(self, statement: str) -> str:
        return dbapi_sql(statement, self.dialect)

    def run(self, title: str, statements: tuple, params: dict) -> str:
        total, tables = fetch_raw(self.conn, self.dialect, statements, params)
        return RAW_TEMPLATE.render(title=title, total=total, tables=tables)

    def explain(self, statement: str, params: dict) -> list[str]:
        cursor = self.conn.cursor()
        prefix = "EXPLAIN " if self.dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + self.sql(statement), params)
        lines = [str(row[0] if self.dialect == "postgresql" else row[-1]) for row in cursor]
        cursor.close()
        return lines


# -- measuring -------------------------------------------------------------------------------


class IsolatedClient:
    """Each request in its own context, as on a server (the benchmark holds an app context)."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        return contextvars.Context().run(self.client.get, *args, **kwargs)

    def post(self, *args, **kwargs):
        return contextvars.Context().run(self.client.post, *args, **kwargs)


def login(app, email: str) -> IsolatedClient:
    client = IsolatedClient(app.test_client())
    response = client.post("/inloggen", data={"email": email, "password": "jeugdhulp-demo-2026"})
    assert response.status_code == 302, (email, response.status_code)
    client.get("/")  # the log-in message
    return client


def count_queries(fn) -> int:
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def page_specs(ids: dict, region: int, code: str) -> list[tuple]:
    """(name, role e-mail, app path, raw params) per page for a region."""
    per = f"per_page={PER_PAGE}"
    manager = f"contract_manager.{code}@example.org"
    return [
        ("catalogue", f"procurement.{code}@example.org", f"/catalogus/?{per}", {}),
        ("catalogue search", f"procurement.{code}@example.org", f"/catalogus/?q=ggz&{per}", {}),
        ("tenders", f"procurement.{code}@example.org", f"/aanbestedingen/?{per}", {}),
        ("open houses", f"procurement.{code}@example.org", f"/open-house/?{per}", {}),
        ("contracts", manager, f"/contracten/?{per}", {}),
        (
            "contracts+filters",
            manager,
            f"/contracten/?variant=effort&status=active&ending_months=24&sort=end&{per}",
            {},
        ),
        ("contracts, national admin", "admin.national@example.org", f"/contracten/?{per}", {}),
        ("portfolio", manager, "/contracten/portfolio", {}),
        ("supervision queue", f"supervisor.{code}@example.org", f"/signalen/?{per}", {}),
        ("reminders", manager, f"/meldingen/?{per}", {}),
        ("documents library", f"procurement.{code}@example.org", f"/documenten/?{per}", {}),
        ("audit log", f"admin.{code}@example.org", f"/beheer/audit/?{per}", {}),
        ("contract page", manager, f"/contracten/{ids['contract'][region]}", {}),
        (
            "tender page",
            f"procurement.{code}@example.org",
            f"/aanbestedingen/{ids['tender'][region]}",
            {},
        ),
        ("signal page", f"supervisor.{code}@example.org", f"/signalen/{ids['signal'][region]}", {}),
        (
            "product card",
            f"procurement.{code}@example.org",
            f"/catalogus/{ids['product'][region]}",
            {},
        ),
    ]


def measure(app, ids: dict, repeat: int, only: str = "") -> dict:
    dialect = db.engine.dialect.name
    raw = Raw(dialect)
    sql = raw_pages(dialect)
    today = date.today()
    results = {}
    clients = {}
    for region, code in ((ids["wbo"], "wbo"), (ids["e10"], "e10")):
        for name, email, path, _params in page_specs(ids, region, code):
            if name == "contracts, national admin" and code == "e10":
                continue
            if only and only not in name:
                continue
            client = clients.get(email) or clients.setdefault(email, login(app, email))
            params = {
                "region": region,
                "year": THIS_YEAR,
                "today": today,
                "until": today + timedelta(days=730),
                "q": "%ggz%",
                "user": ids["users"].get(email, 0),
                "contract": ids["contract"][region],
                "tender": ids["tender"][region],
                "signal": ids["signal"][region],
                "product": ids["product"][region],
                "product_key": str(ids["product"][region]),
            }
            if name == "portfolio":
                params["until"] = today + timedelta(days=365)
            RAW_PAGE_QUERIES[(name, code)] = (sql[name], params)
            raw_path = f"{RAW_PAGE_PATH}?{urlencode({'page': name, 'code': code})}"
            response = client.get(path)
            for url, got in ((path, response), (raw_path, client.get(raw_path))):
                assert got.status_code == 200, (
                    name,
                    url,
                    got.status_code,
                    re.sub(r"<[^>]+>", " ", got.get_data(as_text=True))[-600:],
                )
            queries = count_queries(lambda c=client, p=path: c.get(p))
            raw_queries = count_queries(lambda c=client, p=raw_path: c.get(p))
            samples = {key: [] for key in ("app", "raw", "sql", "app_cpu", "raw_cpu", "sql_cpu")}
            rounds = repeat if code == "wbo" or name.endswith(("page", "card")) else 1
            for _ in range(rounds):  # interleaved: app, raw page, SQL, app, raw page, SQL, ...
                for key, call in (
                    ("app", lambda c=client, p=path: c.get(p)),
                    ("raw", lambda c=client, p=raw_path: c.get(p)),
                    ("sql", lambda n=name, p=params: raw.run(n, sql[n], p)),
                ):
                    start, cpu = time.perf_counter(), time.process_time()
                    call()
                    samples[key].append(time.perf_counter() - start)
                    samples[f"{key}_cpu"].append(time.process_time() - cpu)
            results[(name, code)] = {key: statistics.median(v) for key, v in samples.items()}
            results[(name, code)].update(
                queries=queries, raw_queries=raw_queries, bytes=len(response.get_data())
            )
    plans = {}
    for name in (
        "catalogue",
        "tenders",
        "open houses",
        "contracts",
        "contracts+filters",
        "supervision queue",
        "reminders",
        "documents library",
        "audit log",
    ):
        params = {
            "region": ids["wbo"],
            "year": THIS_YEAR,
            "today": today,
            "until": today + timedelta(days=730),
            "q": "%ggz%",
            "user": ids["users"]["contract_manager.wbo@example.org"],
        }
        plans[name] = raw.explain(sql[name][-1], params)
    raw.conn.close()
    return {"pages": results, "plans": plans}


def report(engine: str, ids: dict, figures: dict, load_seconds: float) -> bool:
    n = ids["n"]
    print(
        f"\npages benchmark on {engine}: {n['contracts']:,} contracts, {n['realisations']:,} "
        f"realisations, {n['signals']:,} signals, {n['tenders']:,} tenders, {n['products']:,} "
        f"cards, {n['notifications']:,} notifications, {n['audit']:,} audit events "
        + (f"(generated in {load_seconds:.0f} s)" if load_seconds == load_seconds else "(reused)")
    )
    print(
        f"  {'page':<28}{'app ms':>8}{'raw page':>9}{'ratio':>7}{'queries':>9}{'KiB':>5}"
        f"{'E10 app':>8}{'CPU app':>8}{'CPU raw':>8}{'CPU ratio':>10}{'SQL ms':>8}{'vs SQL':>8}"
    )
    ok = True
    pages = figures["pages"]
    for (name, code), row in pages.items():
        if code != "wbo":
            continue
        small = pages.get((name, "e10"))
        ratio = row["app"] / row["raw"]
        cpu_ratio = row["app_cpu"] / max(row["raw_cpu"], 1e-6)
        met = ratio <= TARGET and cpu_ratio <= TARGET
        ok &= met
        same = small is None or small["queries"] == row["queries"]
        ok &= same
        queries = f"{row['queries']}/{small['queries']}" if small else str(row["queries"])
        print(
            f"  {name:<28}{row['app'] * 1000:8.1f}{row['raw'] * 1000:9.2f}{ratio:6.1f}x"
            f"{queries:>9}{row['bytes'] / 1024:5.0f}"
            f"{(small['app'] * 1000 if small else float('nan')):8.1f}"
            f"{row['app_cpu'] * 1000:8.1f}{row['raw_cpu'] * 1000:8.2f}"
            f"{cpu_ratio:9.1f}x"
            f"{row['sql'] * 1000:8.2f}{row['app'] / max(row['sql'], 1e-6):7.0f}x"
            f"{'' if met and same else '  <-- over target'}"
        )
    print(
        "  ratio / CPU ratio: app against its raw-SQL page in wall and in CPU time; target: both"
        " <= 3x, and equal queries for WBO (full region) / E10 (a tenth)"
    )
    print(
        "  raw page: the same rows by raw SQL in a 10-line template inside the app's layout, for"
        " the same user through the same client (its ORM queries: the log-in's user and the bell)"
    )
    print(
        "  SQL ms / vs SQL: the same SQL and template called directly, without a request, a"
        " log-in or a layout (reference only)"
    )
    print(
        "  CPU: this process's CPU time (median), steadier than wall time on a loaded machine;"
        " on PostgreSQL it leaves out the database server's time on both sides"
    )
    print("  EXPLAIN of the list queries (raw SQL, WBO):")
    for name, lines in figures["plans"].items():
        print(f"    {name}:")
        for line in lines[:6]:
            print(f"      {line}")
    return ok


def schema_fingerprint() -> str:
    """Tables and columns of the models: a reused data set must have the same ones."""
    shape = sorted(
        (table.name, tuple(sorted(column.name for column in table.columns)))
        for table in db.metadata.sorted_tables
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:16]


def ensure_indexes() -> int:
    """Create the models' indexes a reused data set lacks (a migration added since)."""
    created = 0
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            existing = {i["name"] for i in inspect(db.engine).get_indexes(table.name)}
            if index.name not in existing:
                index.create(bind=db.engine)
                created += 1
    return created


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def save_ids(path: Path, ids: dict, scale: float) -> None:
    data = dict(ids, scale=scale, schema=schema_fingerprint())
    for key in ("contract", "tender", "signal", "product"):
        data[key] = {str(k): v for k, v in ids[key].items()}
    path.write_text(json.dumps(data))


def load_ids(path: Path, scale: float) -> dict | None:
    """The ids of a data set generated earlier at this scale, if it is still there."""
    from procure.contracts.models import Contract

    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.pop("scale") != scale or data.pop("schema") != schema_fingerprint():
        return None
    for key in ("contract", "tender", "signal", "product"):
        data[key] = {int(k): v for k, v in data[key].items()}
    try:
        present = db.session.get(Contract, data["contract"][data["wbo"]]) is not None
    except SQLAlchemyError:  # no tables yet: generate afresh
        db.session.rollback()
        present = False
    return data if present else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national, 0.1 = quick")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data set (SQLite file in --data-dir; the PostgreSQL database is left "
        "filled) and reuse it on the next --reuse run with the same scale, engine and schema",
    )
    parser.add_argument(
        "--data-dir",
        default=str(Path(tempfile.gettempdir()) / "procure-bench-pages"),
        help="where --reuse keeps the SQLite data set and the ids of the generated rows",
    )
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args()
    bench_url = os.environ.get("PROCURE_BENCH_DATABASE_URL")
    engine = "PostgreSQL" if bench_url else "SQLite"
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(args.data_dir) if args.reuse else Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        target = hashlib.sha256((bench_url or "sqlite").encode()).hexdigest()[:8]
        key = f"{engine.lower()}-{target}-{args.scale:g}"
        ids_path = data_dir / f"{key}.json"
        url = bench_url or f"sqlite:///{data_dir / f'{key}.sqlite3'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "TESTING": True,
                "SECRET_KEY": "bench",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "WTF_CSRF_ENABLED": False,
                "SERVER_NAME": None,
                "UPLOAD_FOLDER": str(Path(tmp) / "uploads"),
            }
        )
        add_raw_page(app)
        with app.app_context():
            ids = load_ids(ids_path, args.scale) if args.reuse else None
            if ids is None:
                db.drop_all()  # a stale data set (other scale or schema) or an empty database
                db.create_all()
                start = time.perf_counter()
                ids = generate(args.scale)
                load = time.perf_counter() - start
                if args.reuse:
                    save_ids(ids_path, ids, args.scale)
            else:
                load = float("nan")
                if ensure_indexes():
                    analyze()
                print(f"reusing the data set of {ids_path}")
            figures = measure(app, ids, args.repeat, args.only)
            ok = report(engine, ids, figures, load)
            db.session.remove()
            if bench_url and not args.reuse:
                db.drop_all()
            db.engine.dispose()
    print("  all targets met" if ok else "  some targets missed (marked above)")


if __name__ == "__main__":
    main()
