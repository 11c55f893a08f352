"""reference counters: race-free reference numbers (issue 14)

Revision ID: i14_reference_counters
Revises: i15_pages_at_scale
"""

import sqlalchemy as sa
from alembic import op

revision = "i14_reference_counters"
down_revision = "i15_pages_at_scale"
branch_labels = None
depends_on = None


def upgrade():
    # Existing references need no seeding: the counter starts from the highest one in use.
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counters")),
    )


def downgrade():
    op.drop_table("reference_counters")
