"""custom contracts carry a reason code (seeds 000/001 monitor them)

Revision ID: i18_custom_reasons
Revises: 0002_domains

Existing custom contracts keep NULL: their reason was never recorded and is not guessed.
"""

import sqlalchemy as sa
from alembic import op

revision = "i18_custom_reasons"
down_revision = "0002_domains"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("custom_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("custom_reason_text", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contracts_custom_reason"), ["custom_reason"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_custom_reason"))
        batch_op.drop_column("custom_reason_text")
        batch_op.drop_column("custom_reason")
