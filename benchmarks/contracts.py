"""Contracts benchmark: 20,000 contracts with 5 years of budgets and 1,000,000 realisation
records; times the dashboard, the portfolio, the contract list with filters and the
utilisation of one contract, with their query counts.

    .venv/bin/python benchmarks/contracts.py [--contracts 20000] [--realisations 1000000]

Runs on a fresh SQLite database in a temporary directory, or on PostgreSQL when
PROCURE_BENCH_DATABASE_URL is set (tables are created there; use an empty database).
A small data set (1 % of the contracts and realisations, in another region of the same
database) is measured first, so the printed ratios compare the two scales on one machine.
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

from sqlalchemy import event, func, insert, select

from procure import create_app
from procure.extensions import db

YEARS = range(2026, 2031)
VARIANTS = ("task", "effort", "effort", "output")
STATUSES = ("active", "active", "active", "extended", "concept", "ended")
CHUNK = 50_000


def timed(fn, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def counted(fn):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


class IsolatedClient:
    """Each request in its own context (as a real server): the benchmark holds an app
    context, which Flask would otherwise share with the requests (g, the session)."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        return contextvars.Context().run(self.client.get, *args, **kwargs)

    def post(self, *args, **kwargs):
        return contextvars.Context().run(self.client.post, *args, **kwargs)


def populate(region_code: str, contracts: int, realisations: int) -> int:
    """Bulk-load contracts, 5 contract years each, one contracted product per effort/output
    contract and the realisation records (with the years' realised totals kept in step)."""
    from procure.catalogue.models import Product, Tariff, TaskArea
    from procure.contracts.models import (
        Contract,
        ContractedProduct,
        ContractPrice,
        ContractYear,
        Realisation,
    )
    from procure.organisations.models import Provider, Region

    region = db.session.execute(select(Region).filter_by(short_code=region_code)).scalar_one()
    providers = db.session.execute(select(Provider.id)).scalars().all()
    areas = []
    for code in ("slt", "specialistisch", "verblijf", "wonen"):
        area = TaskArea(region_id=region.id, code=f"{code}", name=f"{code.title()} {region_code}")
        db.session.add(area)
        areas.append(area)
    product = Product(
        region_id=region.id,
        code="54002",
        version=1,
        name="Specialistische GGZ",
        variant="effort",
        unit="minuut",
        status="vastgesteld",
        valid_from=date(2026, 1, 1),
    )
    db.session.add(product)
    db.session.flush()
    for year in YEARS:
        db.session.add(Tariff(product_id=product.id, year=year, price=Decimal("2.13")))
    db.session.flush()
    first_id = (db.session.execute(select(func.max(Contract.id))).scalar() or 0) + 1
    rows = []
    for i in range(contracts):
        variant = VARIANTS[i % len(VARIANTS)]
        rows.append(
            {
                "id": first_id + i,
                "reference": f"{region_code.upper()}-B-{i:06d}",
                "title": f"Benchmarkcontract {i}",
                "region_id": region.id,
                "provider_id": providers[i % len(providers)],
                "origin": "lot_award",
                "task_area_id": areas[i % len(areas)].id,
                "variant": variant,
                "start_date": date(2026, 1, 1),
                "end_date": date(2026 + i % 6, 1 + i % 12, 28),
                "status": STATUSES[i % len(STATUSES)],
                "notes": "",
                "notice_months": 3,
                "warn_pct": 80,
                "alert_pct": 100,
                "contract_value": Decimal("500000.00") * len(YEARS),
            }
        )
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(Contract), rows[start : start + CHUNK])
    effort_ids = [r["id"] for r in rows if r["variant"] != "task"]
    cp_rows = [{"id": None, "contract_id": cid, "product_id": product.id} for cid in effort_ids]
    db.session.execute(
        insert(ContractedProduct), [{k: v for k, v in r.items() if k != "id"} for r in cp_rows]
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
        [
            {"contract_product_id": cps[cid], "year": y, "price": Decimal("2.13")}
            for cid in effort_ids
            for y in YEARS
        ],
    )
    realised = {}
    per_contract = max(1, realisations // max(1, len(effort_ids)))
    batch, made = [], 0
    for n, cid in enumerate(effort_ids):
        for k in range(per_contract):
            if made >= realisations:
                break
            year = 2026 + k % len(YEARS)
            units = Decimal(1000 + (n * 7 + k * 13) % 3000)
            amount = units * Decimal("2.13")
            realised[(cid, year)] = realised.get((cid, year), Decimal(0)) + amount
            batch.append(
                {
                    "contract_id": cid,
                    "contract_product_id": cps[cid],
                    "period": date(year, 1 + k % 12, 1),
                    "units": units,
                    "unit_price": Decimal("2.13"),
                    "amount": amount,
                    "override": False,
                    "source": "api",
                }
            )
            made += 1
            if len(batch) >= CHUNK:
                db.session.execute(insert(Realisation), batch)
                batch = []
    if batch:
        db.session.execute(insert(Realisation), batch)
    year_rows = []
    for r in rows:
        for year in YEARS:
            ceiling = Decimal("500000.00")
            year_rows.append(
                {
                    "contract_id": r["id"],
                    "year": year,
                    "budget": ceiling,
                    "indexation_pct": Decimal(0),
                    "efficiency_pct": Decimal(0),
                    "value": ceiling,
                    "reserve": Decimal(0),
                    "reserve_drawn": Decimal(0),
                    "realised": realised.get((r["id"], year), Decimal(0)),
                }
            )
    for start in range(0, len(year_rows), CHUNK):
        db.session.execute(insert(ContractYear), year_rows[start : start + CHUNK])
    db.session.commit()
    analyze()
    return effort_ids[len(effort_ids) // 2]


def analyze() -> None:
    """Planner statistics after the bulk load, as autovacuum would keep them in production
    (without them PostgreSQL plans the lists for empty tables)."""
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def measure(app, region_code: str, sample_id: int) -> dict:
    from procure.auth.models import User
    from procure.contracts import operations as ops
    from procure.contracts.models import Contract, Realisation

    user = db.session.execute(
        select(User).filter_by(email=f"contract_manager.{region_code}@example.org")
    ).scalar_one()
    client = IsolatedClient(app.test_client())
    response = client.post(
        "/inloggen", data={"email": user.email, "password": "jeugdhulp-demo-2026"}
    )
    assert response.status_code == 302, response.status_code
    reference = db.session.get(Contract, sample_id).reference
    effort = db.session.execute(
        select(func.count(Contract.id)).where(
            Contract.region.has(short_code=region_code), Contract.variant == "effort"
        )
    ).scalar_one()
    last_page = max(1, -(-effort // app.config["LIST_PER_PAGE"]))  # a full page of rows
    pages = {
        "dashboard": "/",
        "portfolio": "/contracten/portfolio",
        "list": "/contracten/",
        "list+filters": "/contracten/?variant=effort&status=active&ending_months=24&sort=end",
        "list last page": f"/contracten/?variant=effort&page={last_page}",
        "contract page": f"/contracten/{sample_id}",
        "API list": None,
        "API contract": None,
    }
    figures = {}
    for name, path in pages.items():
        if path is None:
            continue
        client.get(path)
        figures[name], response = timed(lambda path=path: client.get(path))
        assert response.status_code == 200, (
            name,
            response.status_code,
            response.get_data(as_text=True)[-3000:],
        )
        figures[name + " queries"] = counted(lambda path=path: client.get(path))

    def utilisation():
        db.session.expire_all()
        return ops.utilisation(db.session.get(Contract, sample_id))

    figures["utilisation (1 contract)"], rows = timed(utilisation, repeat=7)
    figures["utilisation (1 contract) queries"] = counted(utilisation)

    def recompute():  # the same figures summed from the realisation records
        return db.session.execute(
            select(func.extract("year", Realisation.period), func.count(Realisation.id))
            .where(Realisation.contract_id == sample_id)
            .group_by(func.extract("year", Realisation.period))
        ).all()

    figures["realisation sum (1 contract)"], _ = timed(recompute, repeat=7)
    from procure.auth.operations import create_token

    with app.test_request_context():
        _token, raw = create_token(user, "bench")
    headers = {"Authorization": f"Bearer {raw}"}
    for name, path in (
        ("API list", "/api/v1/contracts?variant=effort"),
        ("API contract", f"/api/v1/contracts/{reference}"),
    ):
        client.get(path, headers=headers)
        figures[name], response = timed(lambda path=path: client.get(path, headers=headers))
        assert response.status_code == 200, (name, response.status_code)
        figures[name + " queries"] = counted(lambda path=path: client.get(path, headers=headers))
    figures["sample"] = rows
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--realisations", type=int, default=1_000_000)
    args = parser.parse_args()
    bench_url = os.environ.get("PROCURE_BENCH_DATABASE_URL")
    from procure import demo

    with tempfile.TemporaryDirectory() as tmp:
        url = bench_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "TESTING": True,
                "SECRET_KEY": "b",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "WTF_CSRF_ENABLED": False,
                "SERVER_NAME": None,
                "UPLOAD_FOLDER": str(Path(tmp) / "uploads"),
            }
        )
        with app.app_context():
            db.create_all()
            demo.load_organisations()
            demo.load_users()
            small_n, small_r = max(10, args.contracts // 100), max(100, args.realisations // 100)
            start = time.perf_counter()
            sample = populate("e10", small_n, small_r)
            small = measure(app, "e10", sample)
            load_small = time.perf_counter() - start
            start = time.perf_counter()
            sample = populate("wbo", args.contracts, args.realisations)
            load_big = time.perf_counter() - start
            big = measure(app, "wbo", sample)
            db.session.remove()
            db.engine.dispose()
    engine = "PostgreSQL" if bench_url else "SQLite"
    print(
        f"contracts benchmark on {engine}: {args.contracts:,} contracts x {len(YEARS)} years, "
        f"{args.realisations:,} realisation records (small set: {small_n:,} / {small_r:,})"
    )
    print(f"  bulk load: {load_big:.1f} s (small set incl. measuring: {load_small:.1f} s)")
    print(f"  {'(median ms)':<32} {'big':>9} {'small':>9} {'ratio':>7} {'queries':>9}")
    for name in (
        "dashboard",
        "portfolio",
        "list",
        "list+filters",
        "list last page",
        "contract page",
        "utilisation (1 contract)",
        "realisation sum (1 contract)",
        "API list",
        "API contract",
    ):
        queries = big.get(name + " queries")
        small_q = small.get(name + " queries")
        q = f"{queries}/{small_q}" if queries is not None else ""
        print(
            f"  {name:<32} {big[name] * 1000:9.1f} {small[name] * 1000:9.1f} "
            f"{big[name] / small[name]:6.1f}x {q:>9}"
        )
    print("  queries: big/small; utilisation rows of the sample contract:")
    for row in big["sample"]:
        print(
            f"    {row['year']}: {row['realised']} of {row['value']} ({row['pct']} %, "
            f"{row['level']})"
        )


if __name__ == "__main__":
    main()
