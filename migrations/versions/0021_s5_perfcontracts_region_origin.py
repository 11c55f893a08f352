"""an index on contracts (region_id, origin): the contract list's count for a role that does
not see custom contracts (origin != 'custom') reads this narrow index instead of every
contract row (the national administrator counts all contracts of the country)

Revision ID: s5_perfcontracts_region_origin
Revises: s5_norm15_management_norm_due
"""

from alembic import op

revision = "s5_perfcontracts_region_origin"
down_revision = "s5_norm15_management_norm_due"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_region_origin", ["region_id", "origin"], unique=False)


def downgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_region_origin")
