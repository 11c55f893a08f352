"""Finance benchmark: a region with 300 contracts charged to the lines of its 2026 budget
framework and 1,000,000 realisation records (each for one of its municipalities); times
the framework page, the per-municipality comparison and a council report (Excel and PDF)
against a raw-SQL aggregate of the same figures, with their query counts.

    .venv/bin/python benchmarks/finance.py [--contracts 300] [--realisations 1000000]

Runs on a fresh SQLite database in a temporary directory, or on PostgreSQL when
PROCURE_BENCH_DATABASE_URL is set (use an empty database). A small region (1 % of the
data) is measured first: its query counts must equal the big region's.
"""

import argparse
import contextvars
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select, text

from procure import create_app
from procure.extensions import db

CHUNK = 50_000
PRICE = Decimal("2.13")


def timed(fn, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def counted(fn) -> int:
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def populate(region_code: str, contracts: int, realisations: int) -> None:
    """Contracts (effort, one product, a 2026 ceiling), a framework with three lines the
    contract years are charged to round robin, and the realisation records in bulk."""
    from procure.auth.models import User
    from procure.catalogue.models import Product, TaskArea
    from procure.contracts.models import (
        Contract,
        ContractedProduct,
        ContractPrice,
        ContractYear,
        Realisation,
    )
    from procure.finance import operations as ops
    from procure.finance.models import LineAssignment
    from procure.organisations.models import Municipality, Provider, Region

    region = db.session.execute(select(Region).filter_by(short_code=region_code)).scalar_one()
    admin = db.session.execute(
        select(User).filter_by(region_id=region.id, role="admin")
    ).scalar_one()
    municipalities = (
        db.session.execute(select(Municipality.id).where(Municipality.region_id == region.id))
        .scalars()
        .all()
    )
    providers = db.session.execute(select(Provider.id)).scalars().all()
    area = TaskArea(region_id=region.id, code="bench", name="Benchmark")
    db.session.add(area)
    db.session.flush()
    product = Product(
        region_id=region.id,
        code="54002",
        version=1,
        name="Specialistische GGZ",
        task_area_id=area.id,
        variant="effort",
        unit="minuut",
        status="vastgesteld",
        valid_from=date(2026, 1, 1),
    )
    db.session.add(product)
    db.session.flush()
    framework = ops.create_framework(region=region, year=2026, actor=admin)
    ops.add_line(framework, code="zin", name="ZIN kader", actor=admin)
    for code, name, amount, kind in (
        ("g", "Zware hulp gegarandeerd", 44_000_000, "guaranteed"),
        ("r", "Zware hulp gereserveerd", 11_000_000, "reserved"),
        ("oh", "Raming lichte hulp (open house)", 42_682_235, "regular"),
    ):
        ops.add_line(
            framework,
            code=code,
            name=name,
            amount=amount,
            parent_code="zin",
            kind=kind,
            actor=admin,
        )
    ops.adopt_framework(framework, decided_on=date(2025, 12, 1), reference="RBO", actor=admin)
    leaves = [line.id for line in framework.lines if line.code != "zin"]
    contract_rows = [
        {
            "reference": f"{region_code.upper()}-F-{i:05d}",
            "title": f"Benchmarkcontract {i}",
            "region_id": region.id,
            "provider_id": providers[i % len(providers)],
            "origin": "lot_award",
            "variant": "effort",
            "start_date": date(2026, 1, 1),
            "end_date": date(2027, 12, 31),
            "status": "active",
            "notes": "",
            "notice_months": 3,
            "warn_pct": 80,
            "alert_pct": 100,
            "contract_value": Decimal("300000.00"),
        }
        for i in range(contracts)
    ]
    db.session.execute(insert(Contract), contract_rows)
    ids = (
        db.session.execute(
            select(Contract.id).where(Contract.region_id == region.id).order_by(Contract.id)
        )
        .scalars()
        .all()
    )
    db.session.execute(
        insert(ContractYear),
        [
            {
                "contract_id": cid,
                "year": 2026,
                "budget": Decimal("300000.00"),
                "indexation_pct": 0,
                "efficiency_pct": 0,
                "value": Decimal("300000.00"),
                "reserve": 0,
                "reserve_drawn": 0,
                "realised": 0,
            }
            for cid in ids
        ],
    )
    years = dict(
        db.session.execute(
            select(ContractYear.contract_id, ContractYear.id).where(
                ContractYear.contract_id.in_(ids)
            )
        ).all()
    )
    db.session.execute(
        insert(LineAssignment),
        [
            {"line_id": leaves[n % len(leaves)], "contract_year_id": years[cid]}
            for n, cid in enumerate(ids)
        ],
    )
    db.session.execute(
        insert(ContractedProduct), [{"contract_id": cid, "product_id": product.id} for cid in ids]
    )
    cps = dict(
        db.session.execute(
            select(ContractedProduct.contract_id, ContractedProduct.id).where(
                ContractedProduct.product_id == product.id
            )
        ).all()
    )
    db.session.execute(
        insert(ContractPrice),
        [{"contract_product_id": cps[cid], "year": 2026, "price": PRICE} for cid in ids],
    )
    batch = []
    for k in range(realisations):
        cid = ids[k % len(ids)]
        units = Decimal(100 + k % 900)
        batch.append(
            {
                "contract_id": cid,
                "contract_product_id": cps[cid],
                "municipality_id": municipalities[k % len(municipalities)],
                "period": date(2026, 1 + (k // len(ids)) % 11, 1),
                "units": units,
                "unit_price": PRICE,
                "amount": units * PRICE,
                "override": False,
                "source": "api",
            }
        )
        if len(batch) >= CHUNK:
            db.session.execute(insert(Realisation), batch)
            batch = []
    if batch:
        db.session.execute(insert(Realisation), batch)
    db.session.commit()


RAW_LINES = text(
    "SELECT a.line_id, SUM(r.amount) FROM contract_realisations r "
    "JOIN contract_years cy ON cy.contract_id = r.contract_id AND cy.year = 2026 "
    "JOIN finance_line_assignments a ON a.contract_year_id = cy.id "
    "JOIN finance_lines l ON l.id = a.line_id "
    "JOIN finance_frameworks f ON f.id = l.framework_id AND f.region_id = :region "
    "WHERE r.period >= '2026-01-01' AND r.period < '2027-01-01' GROUP BY a.line_id"
)
RAW_MUNICIPALITIES = text(
    "SELECT r.municipality_id, SUM(r.amount) FROM contract_realisations r "
    "JOIN contracts c ON c.id = r.contract_id AND c.region_id = :region "
    "WHERE r.period >= '2026-01-01' AND r.period < '2027-01-01' GROUP BY r.municipality_id"
)


def measure(app, region_code: str) -> dict:
    from procure.auth.models import User
    from procure.organisations.models import Region

    region = db.session.execute(select(Region).filter_by(short_code=region_code)).scalar_one()
    email = db.session.execute(
        select(User.email).filter_by(region_id=region.id, role="admin")
    ).scalar_one()
    client = app.test_client()

    def get(path):
        return contextvars.Context().run(client.get, path)

    def login():
        token_page = get("/inloggen").get_data(as_text=True)
        token = token_page.split('name="csrf-token" content="')[1].split('"')[0]
        contextvars.Context().run(
            client.post,
            "/inloggen",
            data={"email": email, "password": "jeugdhulp-demo-2026", "csrf_token": token},
        )

    login()
    pages = {
        "framework page": "/financien/kader/2026",
        "per-municipality page": "/financien/gemeenten?jaar=2026",
        "council report (xlsx)": "/financien/rapportages/raad/2026-H2.xlsx",
        "council report (pdf)": "/financien/rapportages/raad/2026-H2.pdf",
    }
    results = {}
    raw_lines, _ = timed(lambda: db.session.execute(RAW_LINES, {"region": region.id}).all())
    raw_mun, _ = timed(lambda: db.session.execute(RAW_MUNICIPALITIES, {"region": region.id}).all())
    results["raw SQL: realised per line"] = (raw_lines, 1)
    results["raw SQL: realised per municipality"] = (raw_mun, 1)
    for label, path in pages.items():
        response = get(path)
        assert response.status_code == 200, (path, response.status_code)
        seconds, _ = timed(lambda p=path: get(p), repeat=3 if "pdf" not in label else 1)
        results[label] = (seconds, counted(lambda p=path: get(p)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=300)
    parser.add_argument("--realisations", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("PROCURE_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": True,
                "UPLOAD_FOLDER": tmp,
            }
        )
        with app.app_context():
            from procure import demo

            db.create_all()
            demo.load_organisations()
            demo.load_users()
            started = time.perf_counter()
            populate("svj", max(3, args.contracts // 100), args.realisations // 100)
            populate("e10", args.contracts, args.realisations)
            print(
                f"generated in {time.perf_counter() - started:.1f} s "
                f"({args.contracts} contracts, {args.realisations:,} realisation rows)"
            )
            small = measure(app, "svj")
            big = measure(app, "e10")
            raw = (
                big["raw SQL: realised per line"][0] + big["raw SQL: realised per municipality"][0]
            )
            print(f"{'':38} {'small s':>9} {'big s':>9} {'queries':>9} {'vs raw':>8}")
            for label, (seconds, queries) in big.items():
                small_s, small_q = small[label]
                ratio = seconds / raw if "raw" not in label else 1.0
                flag = "" if small_q == queries else "  QUERY COUNT GROWS"
                print(f"{label:38} {small_s:9.3f} {seconds:9.3f} {queries:9d} {ratio:8.2f}{flag}")


if __name__ == "__main__":
    main()
