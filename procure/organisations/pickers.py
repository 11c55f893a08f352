"""Picker sources for the provider register (searched by name, short code or KvK number)."""

from sqlalchemy import or_, select

from procure.core.pickers import pattern, source
from procure.organisations.models import Provider


def search_providers(stmt, text: str):
    like = pattern(text)
    if like:
        stmt = stmt.where(
            or_(
                Provider.name.ilike(like, escape="\\"),
                Provider.short_code.ilike(like, escape="\\"),
                Provider.kvk_number.like(like, escape="\\"),
            )
        )
    return stmt.order_by(Provider.name, Provider.id)


@source("provider")
def active_providers(text: str):
    return search_providers(
        select(Provider.id, Provider.name).where(Provider.active.is_(True)), text
    )


@source("provider_all")
def all_providers(text: str):
    return search_providers(select(Provider.id, Provider.name), text)
