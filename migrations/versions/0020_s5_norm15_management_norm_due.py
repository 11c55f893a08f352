"""the day a tiered provider's next meeting falls due by its norm, and its last meeting, kept
on provider_management by the operations: the norm reminder reads an indexed range of the
providers due instead of every meeting of every provider

Revision ID: s5_norm15_management_norm_due
Revises: s4_region19_segments
"""

import sqlalchemy as sa
from alembic import op

revision = "s5_norm15_management_norm_due"
down_revision = "s4_region19_segments"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("provider_management", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_meeting_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("norm_due_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_provider_management_norm_due_on"), ["norm_due_on"], unique=False
        )
    _fill()


def _fill():
    """The existing rows: their last meeting, then the due day by the norm of their tier."""
    from procure.contracts.tiers import norm_due

    conn = op.get_bind()
    pm = sa.table(
        "provider_management",
        sa.column("id", sa.Integer),
        sa.column("region_id", sa.Integer),
        sa.column("provider_id", sa.Integer),
        sa.column("level", sa.String),
        sa.column("level_since", sa.Date),
        sa.column("last_meeting_on", sa.Date),
        sa.column("norm_due_on", sa.Date),
    )
    meetings = sa.table(
        "contract_meetings",
        sa.column("region_id", sa.Integer),
        sa.column("provider_id", sa.Integer),
        sa.column("held_on", sa.Date),
    )
    last = dict(
        ((region, provider), held)
        for region, provider, held in conn.execute(
            sa.select(meetings.c.region_id, meetings.c.provider_id, sa.func.max(meetings.c.held_on))
            .group_by(meetings.c.region_id, meetings.c.provider_id)
        )
    )
    for row in conn.execute(sa.select(pm)).all():
        held = last.get((row.region_id, row.provider_id))
        conn.execute(
            pm.update()
            .where(pm.c.id == row.id)
            .values(last_meeting_on=held, norm_due_on=norm_due(row.level, held, row.level_since))
        )


def downgrade():
    with op.batch_alter_table("provider_management", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_management_norm_due_on"))
        batch_op.drop_column("norm_due_on")
        batch_op.drop_column("last_meeting_on")
