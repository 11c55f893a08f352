"""an index for the reminder sweep: the continuous-entry assessment deadline of an open-house
application, read as an indexed range (the sweep's work follows what is due)

Revision ID: s4_perfmisc15_reminder_indexes
Revises: s4_rect12_rectifications
"""

from alembic import op

revision = "s4_perfmisc15_reminder_indexes"
down_revision = "s4_rect12_rectifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("open_house_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_house_applications_assessment_deadline"),
            ["assessment_deadline"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("open_house_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_house_applications_assessment_deadline"))
