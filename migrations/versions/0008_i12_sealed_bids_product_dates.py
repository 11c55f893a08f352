"""tender bids sealed until the bid deadline published at submission; contracted products
with the date they join a running contract

Revision ID: i12_sealed_bids_product_dates
Revises: i17_api_idempotency
"""

import sqlalchemy as sa
from alembic import op

import procure.core.types

revision = "i12_sealed_bids_product_dates"
down_revision = "i17_api_idempotency"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tender_bids", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_until", procure.core.types.UTCDateTime()))
    # existing bids: the tender's current bid deadline (or, lacking one, their submission)
    op.execute(
        "UPDATE tender_bids SET sealed_until = COALESCE("
        "(SELECT tenders.bid_deadline FROM tenders WHERE tenders.id = tender_bids.tender_id), "
        "submitted_at)"
    )
    with op.batch_alter_table("tender_bids", schema=None) as batch_op:
        batch_op.alter_column(
            "sealed_until", existing_type=procure.core.types.UTCDateTime(), nullable=False
        )

    with op.batch_alter_table("contract_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_from", sa.Date(), nullable=True))
    # products a later admission added: the date the open house recorded for them
    op.execute(
        "UPDATE contract_products SET effective_from = ("
        "SELECT o.effective_from FROM open_house_contract_products o "
        "JOIN contracts c ON c.id = o.contract_id "
        "WHERE o.contract_id = contract_products.contract_id "
        "AND o.product_id = contract_products.product_id AND o.effective_from > c.start_date)"
    )


def downgrade():
    with op.batch_alter_table("contract_products", schema=None) as batch_op:
        batch_op.drop_column("effective_from")
    with op.batch_alter_table("tender_bids", schema=None) as batch_op:
        batch_op.drop_column("sealed_until")
