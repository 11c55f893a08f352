"""a CHECK constraint per status column, generated from the column's state machine
(procure/<domain>/policy.py); frozen here as the machines stood

Revision ID: s3_struct_status_checks
Revises: s3_struct_contract_products
"""

from alembic import op

revision = "s3_struct_status_checks"
down_revision = "s3_struct_contract_products"
branch_labels = None
depends_on = None

# (table, constraint name without the ck_<table>_ prefix, condition)
CHECKS = [
    (
        "jobs",
        "status_known",
        "status IN ('queued', 'running', 'done', 'failed')",
    ),
    (
        "email_deliveries",
        "status_known",
        "status IN ('pending', 'sending', 'failed', 'sent')",
    ),
    (
        "products",
        "status_known",
        "status IN ('concept', 'vastgesteld', 'vervallen')",
    ),
    (
        "finance_frameworks",
        "status_known",
        "status IN ('drafted', 'adopted')",
    ),
    (
        "tenders",
        "status_known",
        "status IN ('concept', 'published', 'selection', 'dialogue', 'award', 'standstill', 'awarded', 'contracted', 'cancelled', 'closed')",
    ),
    (
        "tender_registrations",
        "status_known",
        "status IN ('submitted', 'admissible', 'selected', 'rejected')",
    ),
    (
        "contracts",
        "status_known",
        "status IN ('concept', 'active', 'extended', 'terminated', 'ended')",
    ),
    (
        "open_house_applications",
        "status_known",
        "status IN ('submitted', 'more_info', 'admitted', 'rejected', 'withdrawn')",
    ),
    (
        "tender_objections",
        "status_known",
        "status IN ('open', 'rejected', 'upheld', 'withdrawn')",
    ),
    (
        "contract_extension_options",
        "status_known",
        "status IN ('open', 'declined', 'exercised', 'lapsed')",
    ),
    (
        "open_house_admissions",
        "status_known",
        "status IN ('active', 'ended')",
    ),
    (
        "signals",
        "state_known",
        "state IN ('received', 'triaged', 'investigating', 'other_party', 'measures', 'closed', 'merged')",
    ),
    (
        "tender_lot_awards",
        "status_known",
        "status IN ('provisional', 'definitive')",
    ),
    (
        "signal_measures",
        "status_known",
        "status IN ('open', 'completed', 'dropped')",
    ),
]


def _without_foreign_key_checks(change):
    """SQLite adds a constraint by copying the table and dropping the old one, which its
    foreign key checks refuse for a table others refer to: off for the copy, then on."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    change()
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    def add():
        for table, name, condition in CHECKS:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.create_check_constraint(batch_op.f(f"ck_{table}_{name}"), condition)

    _without_foreign_key_checks(add)


def downgrade():
    def drop():
        for table, name, _condition in reversed(CHECKS):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")

    _without_foreign_key_checks(drop)
