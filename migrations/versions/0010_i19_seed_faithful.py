"""i19: tenders without award criteria (seed 004, 4.1); three tiers of contract management
with standard meeting topics (seed 001); translation rows linked to their new task area with
the share of a partial code (seed 003)

Revision ID: i19_seed_faithful
Revises: i18_finance
"""

import sqlalchemy as sa
from alembic import op

revision = "i19_seed_faithful"
down_revision = "i18_finance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenders") as batch:
        batch.add_column(
            sa.Column(
                "without_award_criteria",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    with op.batch_alter_table("provider_management") as batch:
        batch.add_column(
            sa.Column("risk", sa.String(length=8), nullable=False, server_default="low")
        )
        batch.add_column(sa.Column("level_since", sa.Date(), nullable=True))
    with op.batch_alter_table("contract_meetings") as batch:
        batch.add_column(
            sa.Column("topic_keys", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("code_translations") as batch:
        batch.add_column(sa.Column("new_task_area_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("share_pct", sa.Numeric(precision=5, scale=2), nullable=True))
        batch.create_index(
            batch.f("ix_code_translations_new_task_area_id"), ["new_task_area_id"], unique=False
        )
        batch.create_foreign_key(
            batch.f("fk_code_translations_new_task_area_id_task_areas"),
            "task_areas",
            ["new_task_area_id"],
            ["id"],
        )
    # The old "regular" level is the proactive tier of seed 001.
    op.execute("UPDATE provider_management SET level = 'proactive' WHERE level = 'regular'")


def downgrade():
    with op.batch_alter_table("code_translations") as batch:
        batch.drop_constraint(
            batch.f("fk_code_translations_new_task_area_id_task_areas"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_code_translations_new_task_area_id"))
        batch.drop_column("share_pct")
        batch.drop_column("new_task_area_id")
    op.execute("UPDATE provider_management SET level = 'regular' WHERE level <> 'intensive'")
    with op.batch_alter_table("contract_meetings") as batch:
        batch.drop_column("topic_keys")
    with op.batch_alter_table("provider_management") as batch:
        batch.drop_column("level_since")
        batch.drop_column("risk")
    with op.batch_alter_table("tenders") as batch:
        batch.drop_column("without_award_criteria")
