"""one table of contracted products: the open house's copy (open_house_contract_products)
merges into contract_products, which gains the category that brought a product and the
date an ended admission took it off

Revision ID: s3_struct_contract_products
Revises: s3_feat2_change_consultations
"""

import sqlalchemy as sa
from alembic import op

import procure.core.types

revision = "s3_struct_contract_products"
down_revision = "s3_feat2_change_consultations"
branch_labels = None
depends_on = None

# the open-house row of the same contract and product
SAME_LINE = (
    "FROM open_house_contract_products o WHERE o.contract_id = contract_products.contract_id "
    "AND o.product_id = contract_products.product_id"
)


def upgrade():
    with op.batch_alter_table("contract_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("category_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contract_products_category_id_open_house_categories"),
            "open_house_categories",
            ["category_id"],
            ["id"],
        )
    op.execute(
        f"UPDATE contract_products SET category_id = (SELECT o.category_id {SAME_LINE}), "
        f"effective_to = (SELECT o.effective_to {SAME_LINE})"
    )
    # Lines only the open house kept (an effort or output contract whose product the
    # contracts domain missed): add them with the PDC tariff the open house recorded. A
    # task-oriented contract has no products with unit prices, so its rows are not kept.
    op.execute(
        "INSERT INTO contract_products (contract_id, product_id, effective_from, effective_to, "
        "category_id) "
        "SELECT o.contract_id, o.product_id, "
        "CASE WHEN o.effective_from > c.start_date THEN o.effective_from END, "
        "o.effective_to, o.category_id "
        "FROM open_house_contract_products o JOIN contracts c ON c.id = o.contract_id "
        "WHERE c.variant <> 'task' AND NOT EXISTS (SELECT 1 FROM contract_products p "
        "WHERE p.contract_id = o.contract_id AND p.product_id = o.product_id)"
    )
    op.execute(
        "INSERT INTO contract_prices (contract_product_id, year, price) "
        "SELECT p.id, o.tariff_year, o.price FROM open_house_contract_products o "
        "JOIN contract_products p ON p.contract_id = o.contract_id "
        "AND p.product_id = o.product_id "
        "WHERE o.tariff_year IS NOT NULL AND o.price IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM contract_prices x WHERE x.contract_product_id = p.id)"
    )
    with op.batch_alter_table("open_house_contract_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_house_contract_products_region_id"))
        batch_op.drop_index(batch_op.f("ix_open_house_contract_products_provider_id"))
        batch_op.drop_index(batch_op.f("ix_open_house_contract_products_contract_id"))
    op.drop_table("open_house_contract_products")


def downgrade():
    op.create_table(
        "open_house_contract_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("tariff_year", sa.Integer(), nullable=True),
        sa.Column("price", procure.core.types.Money(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["open_house_categories.id"],
            name=op.f("fk_open_house_contract_products_category_id_open_house_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_open_house_contract_products_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_open_house_contract_products_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_open_house_contract_products_provider_id_providers"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_open_house_contract_products_region_id_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_house_contract_products")),
        sa.UniqueConstraint(
            "contract_id",
            "product_id",
            name=op.f("uq_open_house_contract_products_contract_id_product_id"),
        ),
    )
    with op.batch_alter_table("open_house_contract_products", schema=None) as batch_op:
        for column in ("contract_id", "provider_id", "region_id"):
            batch_op.create_index(
                batch_op.f(f"ix_open_house_contract_products_{column}"), [column], unique=False
            )
    op.execute(
        "INSERT INTO open_house_contract_products (contract_id, region_id, provider_id, "
        "category_id, product_id, tariff_year, price, effective_from, effective_to) "
        "SELECT p.contract_id, c.region_id, c.provider_id, p.category_id, p.product_id, "
        "x.year, x.price, COALESCE(p.effective_from, c.start_date), p.effective_to "
        "FROM contract_products p JOIN contracts c ON c.id = p.contract_id "
        "LEFT JOIN contract_prices x ON x.contract_product_id = p.id AND x.year = "
        "(SELECT MIN(y.year) FROM contract_prices y WHERE y.contract_product_id = p.id) "
        "WHERE p.category_id IS NOT NULL"
    )
    with op.batch_alter_table("contract_products", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contract_products_category_id_open_house_categories"),
            type_="foreignkey",
        )
        batch_op.drop_column("category_id")
        batch_op.drop_column("effective_to")
