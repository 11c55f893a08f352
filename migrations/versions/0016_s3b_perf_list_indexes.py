"""composite indexes for two lists' filter + sort: the supervision queue walks a region's
signals in received order (most are open, so the state is checked on the way instead of
sorting every open signal), the open-house list a region's open houses by reference

Revision ID: s3b_perf_list_indexes
Revises: s3_struct_status_checks
"""

from alembic import op

revision = "s3b_perf_list_indexes"
down_revision = "s3_struct_status_checks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_signals_region_received", "signals", ["region_id", "received_on", "id"], unique=False
    )
    op.create_index(
        "ix_tenders_region_procedure_reference",
        "tenders",
        ["region_id", "procedure", "reference"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_tenders_region_procedure_reference", table_name="tenders")
    op.drop_index("ix_signals_region_received", table_name="signals")
