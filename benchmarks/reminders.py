"""Reminders benchmark: one sweep over 100,000 contracts (each with an extension option and
a contract year), 20,000 tender deadlines and 50,000 signals, when nothing is due and when
1 % is due.

    .venv/bin/python benchmarks/reminders.py [--contracts 100000] [--tenders 20000]
                                             [--signals 50000]

Runs on a fresh SQLite database in a temporary directory, or on PostgreSQL when
PROCURE_BENCH_DATABASE_URL is set (the tables are created in that database, which should be
empty). The sweep runs with send=False (no SMTP server here): it creates the reminders,
notifications and outbox rows, which is the database work that scales. Prints the time and
the number of SQL statements of each sweep, and ratios measured in the same run.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select, text, update

from procure import create_app
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=AMSTERDAM)  # a Monday, summer time
BATCH = 5000


def _batches(rows):
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _bulk(model, rows):
    for chunk in _batches(rows):
        db.session.execute(insert(model), chunk)
    db.session.commit()


def build(n_contracts: int, n_tenders: int, n_signals: int) -> dict:
    from procure.auth.models import User
    from procure.contracts.models import Contract, ContractYear, ExtensionOption
    from procure.organisations.models import Provider, Region
    from procure.supervision.models import Signal
    from procure.tenders.models import Tender

    regions = []
    for code in ("wbo", "e10", "svj"):
        region = Region(name=f"Regio {code}", short_code=code)
        db.session.add(region)
        regions.append(region)
    db.session.flush()
    providers = [
        Provider(name=f"Aanbieder {i}", short_code=f"p{i}", kvk_number=f"{10000000 + i}")
        for i in range(200)
    ]
    db.session.add_all(providers)
    db.session.flush()
    users = {}
    for region in regions:
        for role, count in (("contract_manager", 20), ("procurement", 10), ("supervisor", 10)):
            rows = [
                {
                    "email": f"{role}{i}.{region.short_code}@example.org",
                    "name": f"{role} {i}",
                    "password_hash": "x",
                    "role": role,
                    "region_id": region.id,
                }
                for i in range(count)
            ]
            _bulk(User, rows)
            users[(region.id, role)] = (
                db.session.execute(
                    select(User.id).where(User.region_id == region.id, User.role == role)
                )
                .scalars()
                .all()
            )

    def pick(region_id, role, i):
        pool = users[(region_id, role)]
        return pool[i % len(pool)]

    far = date(2028, 1, 1)  # every deadline lies far from NOW: nothing is due
    contracts = []
    for i in range(n_contracts):
        region_id = regions[i % 3].id
        end = far + timedelta(days=i % 2900)
        contracts.append(
            {
                "reference": f"C-{i:06d}",
                "title": f"Contract {i}",
                "region_id": region_id,
                "provider_id": providers[i % len(providers)].id,
                "origin": "lot_award",
                "variant": "effort" if i % 2 else "task",
                "start_date": date(2023, 1, 1),
                "end_date": end,
                "status": "active",
                "notice_months": 3 + i % 4,
                "manager_id": pick(region_id, "contract_manager", i),
            }
        )
    _bulk(Contract, contracts)
    ids = db.session.execute(select(Contract.id, Contract.end_date).order_by(Contract.id)).all()
    _bulk(
        ExtensionOption,
        [
            {
                "contract_id": cid,
                "sequence": 1,
                "months": 12,
                "decision_deadline": end - timedelta(days=183),
                "status": "open",
            }
            for cid, end in ids
        ],
    )
    _bulk(
        ContractYear,
        [
            {
                "contract_id": cid,
                "year": 2026,
                "budget": Decimal("100000.00"),
                "value": Decimal("100000.00"),
                "realised": Decimal("50000.00"),
            }
            for cid, _end in ids
        ],
    )
    tenders = []
    for i in range(n_tenders):
        region_id = regions[i % 3].id
        bid = datetime(2028, 1, 1, 12, tzinfo=AMSTERDAM) + timedelta(hours=7 * i)
        tenders.append(
            {
                "reference": f"T-{i:06d}",
                "title": f"Aanbesteding {i}",
                "region_id": region_id,
                "procedure": "sas_dialogue",
                "status": "award",
                "variant": "task",
                "officer_id": pick(region_id, "procurement", i),
                "bid_deadline": bid,
            }
        )
    _bulk(Tender, tenders)
    signals = []
    for i in range(n_signals):
        region_id = regions[i % 3].id
        signals.append(
            {
                "reference": f"S-{i:06d}",
                "region_id": region_id,
                "provider_id": providers[i % len(providers)].id,
                "source": "internal",
                "received_on": date(2026, 1, 1),
                "category": "quality",
                "description": "Benchmarksignaal",
                "state": "investigating",
                "investigation_due_on": far + timedelta(days=i % 1500),
                "assigned_to_id": pick(region_id, "supervisor", i),
            }
        )
    _bulk(Signal, signals)
    return {"contracts": n_contracts, "tenders": n_tenders, "signals": n_signals}


def make_one_percent_due() -> int:
    """Move 1 % of the contracts, tenders and signals to a deadline whose reminder is due."""
    from procure.contracts.models import Contract
    from procure.supervision.models import Signal
    from procure.tenders.models import Tender

    today = NOW.date()
    moved = 0
    # contract end in one month: the "1m" reminder fired today at 09:00
    ids = db.session.execute(select(Contract.id).where(Contract.id % 100 == 0)).scalars().all()
    db.session.execute(
        update(Contract).where(Contract.id.in_(ids)).values(end_date=date(2026, 7, 15))
    )
    moved += len(ids)
    ids = db.session.execute(select(Tender.id).where(Tender.id % 100 == 0)).scalars().all()
    db.session.execute(
        update(Tender)
        .where(Tender.id.in_(ids))
        .values(bid_deadline=NOW + timedelta(days=7, minutes=-30))
    )
    moved += len(ids)
    ids = db.session.execute(select(Signal.id).where(Signal.id % 100 == 0)).scalars().all()
    db.session.execute(update(Signal).where(Signal.id.in_(ids)).values(investigation_due_on=today))
    moved += len(ids)
    db.session.commit()
    return moved


def timed_sweep(label: str) -> tuple[float, int, object]:
    from procure.reminders.sweep import run_sweep

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    t0 = time.perf_counter()
    run = run_sweep(send=False, now=NOW.astimezone(UTC), holder="benchmark")
    elapsed = time.perf_counter() - t0
    event.remove(db.engine, "before_cursor_execute", count)
    assert run is not None and run.error is None, run and run.error
    print(
        f"  {label:<44} {elapsed * 1000:8.1f} ms  {len(statements):5d} queries  "
        f"{run.created:6d} reminders created"
    )
    return elapsed, len(statements), run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--tenders", type=int, default=20_000)
    parser.add_argument("--signals", type=int, default=50_000)
    args = parser.parse_args()
    url = os.environ.get("PROCURE_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(
            {
                "PROCURE_ENV": "testing",
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": url,
                "UPLOAD_FOLDER": tmp,
            }
        )
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            sizes = build(args.contracts, args.tenders, args.signals)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("ANALYZE"))  # as autovacuum would, in production
                db.session.commit()
            print(
                f"reminders benchmark on {db.engine.dialect.name}: {sizes} "
                f"(built in {time.perf_counter() - t0:.1f} s), sweep at {NOW.isoformat()}"
            )
            _empty_cold, _q_empty_cold, _ = timed_sweep("nothing due (first sweep)")
            empty, q_empty, _ = timed_sweep("nothing due (again)")
            moved = make_one_percent_due()
            print(f"  moved {moved} records (1 %) to a deadline that is due now")
            due, q_due, run = timed_sweep("1 % due (creates the reminders)")
            steady, _q_steady, _ = timed_sweep("1 % due, next sweep (all exist)")
            from procure.reminders.models import EmailDelivery, Notification, Reminder

            counts = {
                m.__tablename__: db.session.execute(
                    select(func.count()).select_from(m)
                ).scalar_one()
                for m in (Reminder, Notification, EmailDelivery)
            }
            print(f"  rows after the sweeps: {counts}")
            print("ratios (same run):")
            print(
                f"  1 % due / nothing due:            {due / empty:6.1f}x time, "
                f"{q_due / q_empty:5.1f}x queries"
            )
            print(f"  steady state / nothing due:       {steady / empty:6.1f}x time")
            print(f"  per reminder created (1 % sweep): {due * 1000 / max(run.created, 1):.3f} ms")
            verdict = "well under a second" if empty < 0.5 else "NOT under half a second"
            print(f"  nothing due: {empty * 1000:.0f} ms ({verdict})")
            db.session.remove()
            if os.environ.get("PROCURE_BENCH_DATABASE_URL"):
                db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
