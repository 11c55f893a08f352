"""Models of the shared building blocks (imported so Alembic sees them)."""

from sqlalchemy import Column, ForeignKey, Table

from procure.core.references import ReferenceCounter  # noqa: F401
from procure.core.uploads import StoredFile  # noqa: F401
from procure.extensions import db


def link_table(name: str, *, member_cascade: bool = False, **columns: str) -> Table:
    """A many-to-many link table: two foreign-key columns, `owner_id="owners.id",
    member_id="members.id"` in that order, that form its primary key. A link goes with its
    owner (ON DELETE CASCADE), and with its member too where `member_cascade`."""
    (owner, owner_key), (member, member_key) = columns.items()
    return Table(
        name,
        db.metadata,
        Column(owner, ForeignKey(owner_key, ondelete="CASCADE"), primary_key=True),
        Column(
            member,
            ForeignKey(member_key, ondelete="CASCADE" if member_cascade else None),
            primary_key=True,
        ),
    )
