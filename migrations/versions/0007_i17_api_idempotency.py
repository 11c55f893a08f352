"""API: stored answers for Idempotency-Key retries of writes.

Revision ID: i17_api_idempotency
Revises: i13_jobs
"""

import sqlalchemy as sa
from alembic import op

import procure.core.types

revision = "i17_api_idempotency"
down_revision = "i13_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", procure.core.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_idempotent_requests_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotent_requests")),
        sa.UniqueConstraint(
            "user_id", "key", name=op.f("uq_api_idempotent_requests_user_id_key")
        ),
    )
    with op.batch_alter_table("api_idempotent_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_idempotent_requests_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("api_idempotent_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_idempotent_requests_user_id"))
    op.drop_table("api_idempotent_requests")
