"""Pages at national scale (issue 15): composite indexes for the list pages' filter + sort,
and the columns the reminder sweep reads through indexes (a contract's notice deadline, the
moments a contract year passed its thresholds), filled for the existing rows.

Revision ID: i15_pages_at_scale
Revises: i18_custom_reasons
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from dateutil.relativedelta import relativedelta

revision = "i15_pages_at_scale"
down_revision = "i18_custom_reasons"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_contracts_region_reference", "contracts", ["region_id", "reference"]),
    ("ix_contracts_region_end", "contracts", ["region_id", "end_date"]),
    ("ix_contracts_provider_reference", "contracts", ["provider_id", "reference"]),
    ("ix_notifications_user_created", "notifications", ["user_id", "created_at", "id"]),
    ("ix_audit_events_region_newest", "audit_events", ["region_id", "id"]),
    (
        "ix_generated_documents_region_generated",
        "generated_documents",
        ["region_id", "generated_at"],
    ),
    ("ix_tenders_region_created", "tenders", ["region_id", "created_at"]),
)

contracts = sa.table(
    "contracts",
    sa.column("id", sa.Integer),
    sa.column("end_date", sa.Date),
    sa.column("notice_months", sa.Integer),
    sa.column("notice_deadline", sa.Date),
    sa.column("warn_pct", sa.Integer),
    sa.column("alert_pct", sa.Integer),
)
years = sa.table(
    "contract_years",
    sa.column("id", sa.Integer),
    sa.column("contract_id", sa.Integer),
    sa.column("year", sa.Integer),
    sa.column("value", sa.BigInteger),
    sa.column("realised", sa.BigInteger),
    sa.column("warn_reached_at", sa.DateTime),
    sa.column("alert_reached_at", sa.DateTime),
)
records = sa.table(
    "contract_realisations",
    sa.column("id", sa.Integer),
    sa.column("contract_id", sa.Integer),
    sa.column("period", sa.Date),
    sa.column("amount", sa.BigInteger),
    sa.column("created_at", sa.DateTime),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("notice_deadline", sa.Date(), nullable=True))
        batch.create_index("ix_contracts_notice_deadline", ["notice_deadline"])
    with op.batch_alter_table("contract_years") as batch:
        batch.add_column(sa.Column("warn_reached_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("alert_reached_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_contract_years_warn_reached_at", ["warn_reached_at"])
        batch.create_index("ix_contract_years_alert_reached_at", ["alert_reached_at"])
    _fill()


def _fill():
    """The same values procure.contracts.derived keeps from now on (money in cents here)."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(contracts.c.id, contracts.c.end_date, contracts.c.notice_months))
    updates = [
        {"cid": cid, "deadline": end - relativedelta(months=months)}
        for cid, end, months in rows
        if end is not None and months is not None
    ]
    if updates:
        conn.execute(
            contracts.update()
            .where(contracts.c.id == sa.bindparam("cid"))
            .values(notice_deadline=sa.bindparam("deadline")),
            updates,
        )
    passed = conn.execute(
        sa.select(years.c.id, years.c.contract_id, years.c.year, years.c.value)
        .add_columns(contracts.c.warn_pct, contracts.c.alert_pct)
        .join(contracts, contracts.c.id == years.c.contract_id)
        .where(years.c.value > 0, years.c.realised * 100 >= years.c.value * contracts.c.warn_pct)
    ).all()
    for year_id, contract_id, year, value, warn_pct, alert_pct in passed:
        entered = conn.execute(
            sa.select(records.c.amount, records.c.created_at)
            .where(
                records.c.contract_id == contract_id,
                records.c.period >= date(year, 1, 1),
                records.c.period <= date(year, 12, 31),
            )
            .order_by(records.c.created_at, records.c.id)
        ).all()
        moments = []
        for pct in (warn_pct, alert_pct):
            threshold, total, at = Decimal(value) * pct / 100, 0, None
            for amount, created_at in entered:
                total += amount
                if total >= threshold:
                    at = created_at
                    break
            moments.append(at)
        conn.execute(
            years.update()
            .where(years.c.id == year_id)
            .values(warn_reached_at=moments[0], alert_reached_at=moments[1])
        )


def downgrade():
    with op.batch_alter_table("contract_years") as batch:
        batch.drop_index("ix_contract_years_alert_reached_at")
        batch.drop_index("ix_contract_years_warn_reached_at")
        batch.drop_column("alert_reached_at")
        batch.drop_column("warn_reached_at")
    with op.batch_alter_table("contracts") as batch:
        batch.drop_index("ix_contracts_notice_deadline")
        batch.drop_column("notice_deadline")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
