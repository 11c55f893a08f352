"""s3: council and management reports made in the background (finance_report_files)

Revision ID: s3_jobs_report_files
Revises: i19_seed_faithful
Create Date: 2026-12-01 13:00:00

"""

import sqlalchemy as sa
from alembic import op

import procure.core.types

revision = "s3_jobs_report_files"
down_revision = "i19_seed_faithful"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "finance_report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("fmt", sa.String(length=5), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", procure.core.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"]),
        sa.ForeignKeyConstraint(["generated_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"]),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_report_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_report_files_generated_at"), ["generated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_report_files_region_id"), ["region_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("finance_report_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_report_files_region_id"))
        batch_op.drop_index(batch_op.f("ix_finance_report_files_generated_at"))
    op.drop_table("finance_report_files")
