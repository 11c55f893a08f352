"""Who may do what with the product catalogue, and the life cycle of a product card."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, MUNICIPALITY, PROCUREMENT, PROVIDER, ROLES
from procure.core.policy import StateMachine

PRODUCT_STATES = StateMachine(
    "productkaart",
    {"concept": {"vastgesteld", "vervallen"}, "vastgesteld": {"vervallen"}},
    {"concept": _l("concept"), "vastgesteld": _l("vastgesteld"), "vervallen": _l("vervallen")},
)

EDITOR_ROLES = (ADMIN, PROCUREMENT)
READER_ROLES = ROLES


def fixed_only(user) -> bool:
    """Municipality and provider users see fixed (vastgesteld) cards only."""
    return user.role in (MUNICIPALITY, PROVIDER)


def can_edit(user) -> bool:
    return user.is_authenticated and user.role in EDITOR_ROLES and user.region_id is not None


def sees_all_regions(user) -> bool:
    return user.role == PROVIDER or (user.role == ADMIN and user.region_id is None)
