"""s3 feat: applications for additional products of an admitted category (the products
asked for per category); the register of recipients of the update after each entry moment
and the record of each update sent (seed 001)

Revision ID: s3_feat_open_house_updates
Revises: s3_jobs_report_files
"""

from alembic import op
import sqlalchemy as sa

import procure.core.types  # noqa: F401 (UTCDateTime)


# revision identifiers, used by Alembic.
revision = "s3_feat_open_house_updates"
down_revision = "s3_jobs_report_files"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "open_house_update_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_open_house_update_recipients_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_open_house_update_recipients_region_id_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_house_update_recipients")),
        sa.UniqueConstraint(
            "region_id", "email", name=op.f("uq_open_house_update_recipients_region_id_email")
        ),
    )
    with op.batch_alter_table("open_house_update_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_house_update_recipients_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "open_house_moment_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("entry_moment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sent_at", procure.core.types.UTCDateTime(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("joined_count", sa.Integer(), nullable=False),
        sa.Column("left_count", sa.Integer(), nullable=False),
        sa.Column("extended_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_moment_id"],
            ["open_house_entry_moments.id"],
            name=op.f("fk_open_house_moment_updates_entry_moment_id_open_house_entry_moments"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_open_house_moment_updates_region_id_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_open_house_moment_updates_sent_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tenders.id"],
            name=op.f("fk_open_house_moment_updates_tender_id_tenders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_house_moment_updates")),
        sa.UniqueConstraint(
            "entry_moment_id", name=op.f("uq_open_house_moment_updates_entry_moment_id")
        ),
    )
    with op.batch_alter_table("open_house_moment_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_house_moment_updates_region_id"), ["region_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_open_house_moment_updates_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "open_house_application_category_products",
        sa.Column("application_category_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_category_id"],
            ["open_house_application_categories.id"],
            name=op.f(
                "fk_open_house_application_category_products_application_category_id_open_house_application_categories"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_open_house_application_category_products_product_id_products"),
        ),
        sa.PrimaryKeyConstraint(
            "application_category_id",
            "product_id",
            name=op.f("pk_open_house_application_category_products"),
        ),
    )
    with op.batch_alter_table("open_house_application_categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("additional", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("open_house_application_categories", schema=None) as batch_op:
        batch_op.drop_column("additional")

    op.drop_table("open_house_application_category_products")
    with op.batch_alter_table("open_house_moment_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_house_moment_updates_tender_id"))
        batch_op.drop_index(batch_op.f("ix_open_house_moment_updates_region_id"))

    op.drop_table("open_house_moment_updates")
    with op.batch_alter_table("open_house_update_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_house_update_recipients_region_id"))

    op.drop_table("open_house_update_recipients")
