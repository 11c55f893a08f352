"""catalogue segments (seed 001: Een 10 voor de Jeugd's "segment 1 - verblijf", "segment 2 -
wonen", ... each with an account holder); a product's segment and its parental-contribution
flag (the SNO products)

Revision ID: s4_region19_segments
Revises: s4_perfmisc15_reminder_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "s4_region19_segments"
down_revision = "s4_perfmisc15_reminder_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("account_holder_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_holder_id"], ["users.id"], name=op.f("fk_segments_account_holder_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_segments_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("region_id", "code", name=op.f("uq_segments_region_id_code")),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_segments_account_holder_id"), ["account_holder_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_segments_region_id"), ["region_id"], unique=False)
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segment_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "parental_contribution", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_index(batch_op.f("ix_products_segment_id"), ["segment_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_products_segment_id_segments"), "segments", ["segment_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_products_segment_id_segments"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_products_segment_id"))
        batch_op.drop_column("parental_contribution")
        batch_op.drop_column("segment_id")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segments_region_id"))
        batch_op.drop_index(batch_op.f("ix_segments_account_holder_id"))
    op.drop_table("segments")
