"""Models of the shared building blocks (imported so Alembic sees them)."""

from procure.core.references import ReferenceCounter  # noqa: F401
from procure.core.uploads import StoredFile  # noqa: F401
