"""How a model is scoped to a region, municipality or provider (read by auth.permissions)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """How a model is scoped. Attribute names refer to columns of the model.

    region: the owning region. municipality: a municipality column; a municipality user
    sees rows of its own municipality and rows without one (region-wide records).
    provider: the owning provider; a provider user sees only its own rows, unless
    providers_see_all_in_region is set (e.g. fixed catalogue cards).
    roles: when given, only these roles see anything at all.
    """

    region: str | None = None
    municipality: str | None = None
    provider: str | None = None
    roles: tuple[str, ...] | None = None
    providers_see_all: bool = False
