"""an index for the documents library: a region's documents by kind, so counting the
library's rows (every kind but the ones a role may not see) reads the index alone

Revision ID: s5_perfsup_document_kind_index
Revises: s5_perfcontracts_region_origin
"""

from alembic import op

revision = "s5_perfsup_document_kind_index"
down_revision = "s5_perfcontracts_region_origin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("generated_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_generated_documents_region_kind", ["region_id", "kind"], unique=False
        )


def downgrade():
    with op.batch_alter_table("generated_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_generated_documents_region_kind")
