"""Read-side queries of the organisation register shared by the pages and the API."""

from sqlalchemy import select

from procure.auth.permissions import scoped
from procure.core.listing import like_pattern
from procure.organisations.models import Provider

PROVIDER_SORTS = {"name": Provider.name, "kvk": Provider.kvk_number}
PROVIDER_DEFAULT_SORT = "name"


def providers_stmt(q: str = "", user=None):
    """The providers `user` may see, searched in name, KvK number and short code."""
    stmt = scoped(select(Provider), Provider, user)
    q = (q or "").strip()
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(
            Provider.name.ilike(pattern, escape="\\")
            | Provider.kvk_number.ilike(pattern, escape="\\")
            | Provider.short_code.ilike(pattern, escape="\\")
        )
    return stmt
