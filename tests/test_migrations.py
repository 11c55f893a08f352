"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import CheckConstraint, MetaData, Table, create_engine, inspect, text
from sqlalchemy.engine import make_url

from procure import create_app
from procure.extensions import db
from tests.conftest import make_test_config


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name == "apscheduler_jobs")


@pytest.fixture
def empty_database_url(tmp_path):
    pg = os.environ.get("PROCURE_TEST_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    base = make_url(pg)
    name = f"procure_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_on_empty_database_matches_models(empty_database_url, tmp_path):
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": include_object,
                },
            )
            diff = compare_metadata(context, db.metadata)
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {"users", "regions", "audit_events"} <= tables


FILLERS = {int: 0, str: "", bool: False}


def _insert(conn, table: str, **values) -> int:
    """A row in a table as the migrations left it; required columns not given get a plain
    filler (0, '', false, a date, a moment)."""
    reflected = Table(table, MetaData(), autoload_with=conn)
    for column in reflected.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        python_type = column.type.python_type
        if python_type is datetime:
            values[column.name] = datetime(2026, 1, 1, tzinfo=UTC)
        elif python_type is date:
            values[column.name] = date(2026, 1, 1)
        elif python_type is Decimal:
            values[column.name] = 0
        else:
            values[column.name] = FILLERS[python_type]
    return conn.execute(reflected.insert().values(**values).returning(reflected.c.id)).scalar_one()


def _day(value) -> str | None:
    return str(value)[:10] if value else None


def test_open_house_contract_products_merge_into_contract_products(empty_database_url, tmp_path):
    """The open house's copy of the contracted products moves into the one contract-products
    table: categories and end dates on the existing lines, a line only it had, the tariffs
    it recorded, a task-oriented contract's rows dropped (no unit prices there)."""
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="i19_seed_faithful")
        with db.engine.begin() as conn:
            region = _insert(conn, "regions", name="West-Brabant Oost", short_code="wbo")
            provider = _insert(conn, "providers", name="Kompas", short_code="kompas")
            area = _insert(conn, "task_areas", region_id=region, code="sab", name="SAB")
            tender = _insert(
                conn,
                "tenders",
                region_id=region,
                reference="WBO-OH-2026-001",
                title="Open house",
                procedure="open_house",
                status="published",
                variant="effort",
                duration_months=60,
                extension_count=0,
                extension_months=0,
            )
            category = _insert(
                conn,
                "open_house_categories",
                tender_id=tender,
                region_id=region,
                code="A",
                name="Gezinshuizen",
                description="",
            )
            products = [
                _insert(
                    conn,
                    "products",
                    region_id=region,
                    code=code,
                    version=1,
                    name=code,
                    task_area_id=area,
                    variant="effort",
                    unit="etmaal",
                    status="vastgesteld",
                    valid_from=date(2026, 1, 1),
                )
                for code in ("44A06", "44A07", "44A08")
            ]

            def contract(reference, variant):
                return _insert(
                    conn,
                    "contracts",
                    region_id=region,
                    provider_id=provider,
                    reference=reference,
                    title=reference,
                    origin="open_house",
                    variant=variant,
                    status="concept",
                    start_date=date(2027, 1, 1),
                    end_date=date(2031, 12, 31),
                    notice_months=3,
                    warn_pct=80,
                    alert_pct=100,
                )

            effort, task = contract("C-1", "effort"), contract("C-2", "task")
            kept = _insert(conn, "contract_products", contract_id=effort, product_id=products[0])
            for contract_id, product, start, end in (
                (effort, products[0], date(2027, 1, 1), date(2027, 6, 30)),
                (effort, products[1], date(2027, 4, 1), None),
                (task, products[2], date(2027, 1, 1), None),
            ):
                _insert(
                    conn,
                    "open_house_contract_products",
                    contract_id=contract_id,
                    region_id=region,
                    provider_id=provider,
                    category_id=category,
                    product_id=product,
                    tariff_year=2027,
                    price=18745,  # cents, as Money stores it
                    effective_from=start,
                    effective_to=end,
                )
        upgrade()
        with db.engine.connect() as conn:
            lines = conn.execute(
                text(
                    "SELECT p.id, p.contract_id, p.product_id, p.effective_from, "
                    "p.effective_to, p.category_id FROM contract_products p ORDER BY p.id"
                )
            ).all()
            prices = conn.execute(
                text("SELECT contract_product_id, year, price FROM contract_prices")
            ).all()
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert "open_house_contract_products" not in tables
    as_text = [
        (c, p, str(a) if a else None, str(b) if b else None, k) for _i, c, p, a, b, k in lines
    ]
    assert as_text == [
        (effort, products[0], None, "2027-06-30", category),
        (effort, products[1], "2027-04-01", None, category),
    ]
    # every line without prices gets the tariff the open house recorded for it
    assert sorted(prices) == [(line[0], 2027, 18745) for line in lines]
    assert kept == lines[0][0]


def _states(condition: str) -> tuple[str, list[str]]:
    """(column, sorted states) of `column IN ('a', 'b')`, however the engine renders it
    (PostgreSQL stores it as `column = ANY (ARRAY['a'::text, ...])`)."""
    column = re.match(r"\W*(\w+)", condition).group(1)
    return column, sorted(re.findall(r"'([^']*)'", condition))


def test_status_checks_of_the_migrations_are_those_of_the_machines(empty_database_url, tmp_path):
    """Every status column's CHECK constraint (generated from its state machine in the
    model) is in the migrated database with the same states."""
    app = create_app(make_test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        declared, stored = {}, {}
        for table in db.metadata.sorted_tables:
            for check in table.constraints:
                if isinstance(check, CheckConstraint) and check.name.endswith("_known"):
                    declared[check.name] = _states(str(check.sqltext))
                    stored.update(
                        (c["name"], _states(c["sqltext"]))
                        for c in inspector.get_check_constraints(table.name)
                    )
        db.engine.dispose()
    assert len(declared) >= 14
    assert {name: stored.get(name) for name in declared} == declared


def test_revision_ids_fit_alembic_version_on_postgresql():
    """alembic_version.version_num is VARCHAR(32): PostgreSQL refuses a longer revision id
    at upgrade (SQLite does not check), and one chain of revisions from the first."""
    from pathlib import Path

    from procure import PROJECT_ROOT

    revisions, parents = {}, set()
    for path in sorted(Path(PROJECT_ROOT, "migrations", "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision = [\"']([^\"']+)", source, re.M).group(1)
        parent = re.search(r"^down_revision = (None|[\"'][^\"']+)", source, re.M).group(1)
        revisions[revision] = path.name
        parents.add(parent.strip("\"'"))
    assert {r: f for r, f in revisions.items() if len(r) > 32} == {}
    heads = set(revisions) - parents
    assert len(heads) == 1, heads
