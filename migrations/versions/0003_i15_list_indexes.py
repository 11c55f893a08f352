"""Composite indexes for the list pages' filter + sort (issue 15).

Revision ID: i15_list_indexes
Revises: 0002_domains
"""

from alembic import op

revision = "i15_list_indexes"
down_revision = "0002_domains"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_contracts_region_reference", "contracts", ["region_id", "reference"]),
    ("ix_contracts_region_end", "contracts", ["region_id", "end_date"]),
    ("ix_contracts_provider_reference", "contracts", ["provider_id", "reference"]),
    ("ix_notifications_user_created", "notifications", ["user_id", "created_at", "id"]),
    ("ix_audit_events_region_newest", "audit_events", ["region_id", "id"]),
    ("ix_generated_documents_region_generated", "generated_documents", ["region_id", "generated_at"]),
    ("ix_tenders_region_created", "tenders", ["region_id", "created_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
