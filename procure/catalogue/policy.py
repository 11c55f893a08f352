"""Who may do what with the product catalogue, and the life cycle of a product card."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, MUNICIPALITY, PROCUREMENT, PROVIDER, REGION_STAFF, ROLES
from procure.core.policy import StateMachine

PRODUCT_STATES = StateMachine(
    "productkaart",
    {"concept": {"vastgesteld", "vervallen"}, "vastgesteld": {"vervallen"}},
    {"concept": _l("concept"), "vastgesteld": _l("vastgesteld"), "vervallen": _l("vervallen")},
)

CONCEPT, FIXED, EXPIRED = "concept", "vastgesteld", "vervallen"

EDITOR_ROLES = (ADMIN, PROCUREMENT)
READER_ROLES = ROLES
# Region staff read a card's change history (the audit trail).
HISTORY_READERS = REGION_STAFF
# The segments overview with its counts per segment, and who may hold a segment's account.
SEGMENT_READERS = REGION_STAFF
ACCOUNT_HOLDER_ROLES = REGION_STAFF


def fixed_only(user) -> bool:
    """Municipality and provider users see fixed (vastgesteld) cards only."""
    return user.role in (MUNICIPALITY, PROVIDER)


def can_edit(user) -> bool:
    return user.is_authenticated and user.role in EDITOR_ROLES and user.region_id is not None


def sees_all_regions(user) -> bool:
    return user.role == PROVIDER or (user.role == ADMIN and user.region_id is None)


def sees_history(user) -> bool:
    return user.is_authenticated and user.role in HISTORY_READERS


def can_edit_product(user, product) -> bool:
    """Edit the cards (and tariffs) of the editor's own region."""
    return can_edit(user) and product.region_id == user.region_id


def can_revise(user, product) -> bool:
    """Change the latest version of a card that has not expired: a concept in place, a fixed
    card through a new version."""
    return can_edit_product(user, product) and product.is_current and product.status != EXPIRED


def can_fix(user, product) -> bool:
    return can_revise(user, product) and PRODUCT_STATES.allowed(product.status, FIXED)


def can_expire(user, product) -> bool:
    return can_revise(user, product) and PRODUCT_STATES.allowed(product.status, EXPIRED)


def can_set_tariffs(user, product) -> bool:
    return can_edit_product(user, product) and product.status != EXPIRED


def can_see_segments(user) -> bool:
    return user.is_authenticated and user.role in SEGMENT_READERS


def can_hold_account(user, segment) -> bool:
    """An account holder is an active staff member of the segment's region."""
    return (
        user is not None
        and user.active
        and user.role in ACCOUNT_HOLDER_ROLES
        and user.region_id == segment.region_id
    )


def can_manage_segments(user, region_id=None) -> bool:
    """The catalogue's editors create the segments of their own region and change their
    name, description and account holder (`region_id`: the segment's region, when given)."""
    if not can_edit(user):
        return False
    return region_id is None or region_id == user.region_id


def can_edit_segment(user, segment) -> bool:
    return can_manage_segments(user, segment.region_id)
