"""Reminders benchmark: one sweep over 100,000 contracts (each with an extension option and
a contract year), 20,000 tender deadlines and 50,000 signals, when nothing is due and when
1 % is due; and the sweep with nothing due at 10,000 and at 170,000 deadlines, whose
database time must stay flat (its work follows what is due, not what exists).

    .venv/bin/python benchmarks/reminders.py [--scale 1.0]   # 0.1 for a quick run

Runs on a fresh SQLite database in a temporary directory, or on PostgreSQL when
PROCURE_BENCH_DATABASE_URL is set (the tables are created in that database, which should be
empty). The sweep runs with send=False (no SMTP server here): it creates the reminders,
notifications and outbox rows, which is the database work that scales. Prints the time and
the number of SQL statements of each sweep, and ratios measured in the same run.

The database time of a sweep is each SELECT replayed on its own right after the sweep
(execute and fetch every row) plus the writes as timed during the sweep; with nothing due
the replay reads exactly what the sweep read (after the 1 % sweeps it reads the reminders
just made, so those figures are an upper bound). The nothing-due sweeps are medians of
REPEAT runs; the plans of the slowest statements at 170,000 deadlines are printed.
"""

import argparse
import json
import os
import statistics
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
REPEAT = 5  # sweeps with nothing due: medians of this many


def _batches(rows):
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _bulk(model, rows):
    for chunk in _batches(rows):
        db.session.execute(insert(model), chunk)
    db.session.commit()


def build_organisations() -> dict:
    from procure.auth.models import User
    from procure.organisations.models import Provider, Region

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

    build_tiers(regions, providers)
    return {"regions": regions, "providers": providers, "users": users}


def build_tiers(regions, providers) -> None:
    """Every provider tiered in every region with ten meetings in the past year, its norm
    due after the sweeps (the norm reminder reads the kept due day, not the meetings)."""
    from procure.contracts.models import ManagementMeeting, ProviderManagement

    tiers, meetings = [], []
    for region in regions:
        for i, provider in enumerate(providers):
            last = date(2026, 6, 1) - timedelta(days=i % 28)
            tiers.append(
                {
                    "region_id": region.id,
                    "provider_id": provider.id,
                    "level": ("intensive", "proactive")[i % 2],
                    "reason": "",
                    "risk": "low",
                    "level_since": date(2025, 1, 1),
                    "last_meeting_on": last,
                    "norm_due_on": last + timedelta(days=120 + 60 * (i % 2)),
                }
            )
            meetings += [
                {
                    "region_id": region.id,
                    "provider_id": provider.id,
                    "held_on": last - timedelta(days=30 * k),
                    "attendees": "",
                    "topics": "",
                    "topic_keys": "",
                }
                for k in range(10)
            ]
    _bulk(ProviderManagement, tiers)
    _bulk(ManagementMeeting, meetings)


def build(orgs: dict, first: int, n_contracts: int, n_tenders: int, n_signals: int) -> int:
    """Deadlines numbered from `first` (bulk inserts: the derived columns set here)."""
    from dateutil.relativedelta import relativedelta

    from procure.contracts.models import Contract, ContractYear, ExtensionOption
    from procure.supervision.models import Signal
    from procure.tenders.models import Tender

    regions, providers, users = orgs["regions"], orgs["providers"], orgs["users"]

    def pick(region_id, role, i):
        pool = users[(region_id, role)]
        return pool[i % len(pool)]

    far = date(2028, 1, 1)  # every deadline lies far from NOW: nothing is due
    contracts = []
    for i in range(first, first + n_contracts):
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
                "notice_deadline": end - relativedelta(months=3 + i % 4),
                "manager_id": pick(region_id, "contract_manager", i),
            }
        )
    _bulk(Contract, contracts)
    references = [c["reference"] for c in contracts]
    ids = []
    for chunk in _batches(references):  # PostgreSQL takes at most 65,535 parameters
        ids += db.session.execute(
            select(Contract.id, Contract.end_date).where(Contract.reference.in_(chunk))
        ).all()
    ids.sort()
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
    for i in range(first, first + n_tenders):
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
    for i in range(first, first + n_signals):
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
    return n_contracts + n_tenders + n_signals


def analyze() -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or ANALYZE (SQLite) keep them."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def make_one_percent_due() -> int:
    """Move 1 % of the contracts, tenders and signals to a deadline whose reminder is due."""
    from procure.contracts.models import Contract
    from procure.supervision.models import Signal
    from procure.tenders.models import Tender

    today = NOW.date()
    moved = 0
    # contract end in one month: the "1m" reminder fired today at 09:00 (a bulk update, so
    # the notice deadline the contracts domain keeps is set here too)
    ids = db.session.execute(select(Contract.id).where(Contract.id % 100 == 0)).scalars().all()
    db.session.execute(
        update(Contract)
        .where(Contract.id.in_(ids))
        .values(end_date=date(2026, 7, 15), notice_deadline=date(2026, 4, 15))
    )
    moved += len(ids)
    # a contract year passed its warning threshold an hour ago
    from procure.contracts.models import ContractYear

    db.session.execute(
        update(ContractYear)
        .where(ContractYear.contract_id.in_([i for i in ids if i % 200 == 0]))
        .values(realised=Decimal("85000.00"), warn_reached_at=NOW - timedelta(hours=1))
    )
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


def _work(raw, cursor, statement, parameters) -> int:
    """The database work of one SELECT, independent of the machine's load: on PostgreSQL
    the buffers its plan touched (EXPLAIN ANALYZE, BUFFERS), on SQLite the virtual machine
    instructions it ran (a progress handler called every 10)."""
    if db.engine.dialect.name == "postgresql":
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        return plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    steps = [0]

    def count():
        steps[0] += 10
        return 0

    connection = raw.driver_connection
    connection.set_progress_handler(count, 10)
    try:
        cursor.execute(statement, parameters)
        cursor.fetchall()
    finally:
        connection.set_progress_handler(None, 10)
    return steps[0]


def _replayed(statements) -> tuple[float, int, list]:
    """The database time and work of a sweep's statements: each SELECT run again on its own
    (execute and fetch every row, which a cursor's execute alone leaves out on SQLite; its
    time in CPU on SQLite, which runs in this process, so that a loaded machine does not
    count), the writes as timed in the sweep. Run right after a sweep with nothing due, the
    replay reads the very data the sweep read.
    Returns (seconds, work, [(seconds, statement, parameters), ...])."""
    clock = time.process_time if db.engine.dialect.name == "sqlite" else time.perf_counter
    total, work, selects = 0.0, 0, []
    raw = db.engine.raw_connection()
    try:
        for statement, parameters, many, live in statements:
            if many or not statement.lstrip().upper().startswith("SELECT"):
                total += live
                continue
            cursor = raw.cursor()
            t0 = clock()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            spent = clock() - t0
            work += _work(raw, cursor, statement, parameters)
            cursor.close()
            total += spent
            selects.append((spent, statement, parameters))
        raw.rollback()
    finally:
        raw.close()
    return total, work, selects


def timed_sweep(label: str, repeat: int = 1) -> tuple[float, int, object]:
    """`repeat` sweeps (the medians printed); the statements of the last one kept in
    timed_sweep.selects, its database time in timed_sweep.db_time."""
    from procure.reminders.sweep import run_sweep

    times, cpu_times, db_times = [], [], []
    statements = []

    def before(_conn, _cursor, statement, parameters, _context, executemany):
        statements.append([statement, parameters, executemany, time.perf_counter()])

    def after(*_args):
        statements[-1][3] = time.perf_counter() - statements[-1][3]

    for _ in range(repeat):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        t0, cpu = time.perf_counter(), time.process_time()
        run = run_sweep(send=False, now=NOW.astimezone(UTC), holder="benchmark")
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - cpu)
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
        assert run is not None and run.error is None, run and run.error
        in_db, work, selects = _replayed(statements)
        db_times.append(in_db)
    elapsed, in_db = statistics.median(times), statistics.median(db_times)
    timed_sweep.cpu = statistics.median(cpu_times)
    runs = f" (median of {repeat})" if repeat > 1 else ""
    print(
        f"  {label + runs:<48} {elapsed * 1000:8.1f} ms ({timed_sweep.cpu * 1000:6.1f} CPU)  "
        f"{len(statements):3d} queries  "
        f"{in_db * 1000:7.1f} ms in the database ({work:,} {work_unit()})  "
        f"{run.created:5d} reminders created"
    )
    timed_sweep.db_time, timed_sweep.selects, timed_sweep.work = in_db, selects, work
    return elapsed, len(statements), run


def work_unit() -> str:
    return "buffers" if db.engine.dialect.name == "postgresql" else "VM steps"


def explain_name() -> str:
    return "EXPLAIN" if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"


def print_plans(selects, count: int = 4) -> None:
    """The query plans of the sweep's slowest SELECTs (indexed ranges, no scans)."""
    explain = explain_name() + " "
    raw = db.engine.raw_connection()
    try:
        for spent, statement, parameters in sorted(selects, key=lambda s: -s[0])[:count]:
            print(f"    {spent * 1000:6.2f} ms  {' '.join(statement.split())[:150]}...")
            cursor = raw.cursor()
            cursor.execute(explain + statement, parameters)
            for row in cursor.fetchall():
                print(f"               {row[-1]}")
            cursor.close()
        raw.rollback()
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 170,000 deadlines")
    args = parser.parse_args()
    sizes = [max(3, int(n * args.scale)) for n in (100_000, 20_000, 50_000)]
    small = [max(3, n * 10_000 // 170_000) for n in sizes]
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
            orgs = build_organisations()
            total_small = build(orgs, 0, *small)
            analyze()
            print(f"reminders benchmark on {db.engine.dialect.name}: sweep at {NOW.isoformat()}")
            timed_sweep(f"nothing due, {total_small:,} deadlines (first)")
            _s, q_small, _ = timed_sweep(f"nothing due, {total_small:,} deadlines", REPEAT)
            db_small, work_small = timed_sweep.db_time, timed_sweep.work
            total = total_small + build(
                orgs, 1_000_000, *(big - little for big, little in zip(sizes, small, strict=True))
            )
            analyze()
            print(f"  built in {time.perf_counter() - t0:.1f} s")
            _empty_cold, _q_empty_cold, _ = timed_sweep(f"nothing due, {total:,} deadlines (first)")
            empty, q_empty, _ = timed_sweep(f"nothing due, {total:,} deadlines", REPEAT)
            db_big, cpu_empty, work_big = timed_sweep.db_time, timed_sweep.cpu, timed_sweep.work
            print(f"  the slowest statements of that sweep, with their plans ({explain_name()}):")
            print_plans(timed_sweep.selects)
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
            verdict = "under a second" if empty < 1 else "NOT under a second"
            print(
                f"  nothing due: {empty * 1000:.0f} ms wall ({verdict}), "
                f"{cpu_empty * 1000:.0f} ms CPU of this process"
            )
            print(
                f"  database time with nothing due, {total:,} / {total_small:,} deadlines: "
                f"{db_big * 1000:.1f} / {db_small * 1000:.1f} ms = {db_big / db_small:.2f}x "
                f"(queries {q_empty} / {q_small}; target: flat)"
            )
            print(
                f"  database work with nothing due, same sizes: {work_big:,} / {work_small:,} "
                f"{work_unit()} = {work_big / max(work_small, 1):.2f}x (independent of load)"
            )
            db.session.remove()
            if os.environ.get("PROCURE_BENCH_DATABASE_URL"):
                db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
