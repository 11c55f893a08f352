"""Who may do what with a contract in which state."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import (
    ADMIN,
    CONTRACT_MANAGER,
    MUNICIPALITY,
    PROCUREMENT,
    REGION_STAFF,
    SUPERVISOR,
)
from procure.core.policy import StateMachine

# Contract managers (and the admin) manage contracts; a municipality records its custom ones.
MANAGERS = (ADMIN, CONTRACT_MANAGER)
CUSTOM_RECORDERS = (MUNICIPALITY, *MANAGERS)
# Officers also enter a contract by hand (one that did not come from a tender).
CREATORS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
# Region staff follow providers (contract management) and export the region's realisation.
OVERSEERS = REGION_STAFF
# The custom-contract list: region staff and municipalities (providers never).
CUSTOM_READERS = (*REGION_STAFF, MUNICIPALITY)
# Custom contracts (maatwerk) are for the municipality that made them and the region's
# contract managers (SPEC section 2): other region staff, administrators included, do not
# see them.
CUSTOM_HIDDEN_FOR = (ADMIN, PROCUREMENT, SUPERVISOR)

CONTRACT_FLOW = StateMachine(
    _l("contract"),
    {
        "concept": {"active", "terminated"},
        "active": {"extended", "ended", "terminated"},
        "extended": {"extended", "ended", "terminated"},
    },
    {
        "concept": _l("concept"),
        "active": _l("actief"),
        "extended": _l("verlengd"),
        "ended": _l("beëindigd"),
        "terminated": _l("opgezegd"),
    },
    audit_action="contract.{target}",
)
CONCEPT = "concept"
# The states in which a contract is in force.
LIVE = ("active", "extended")
# An extension option waits for a decision while open (then exercised, declined or lapsed).
OPTION_OPEN = "open"
OPTION_EXERCISED = "exercised"
# The states a contract never leaves again (ended, terminated).
CLOSED = tuple(state for state in CONTRACT_FLOW.states if not CONTRACT_FLOW.targets(state))

# An extension option is open until it is exercised or declined, or its decision date
# passes (lapsed; the later options of the contract lapse with it).
EXTENSION_OPTION = StateMachine(
    _l("verlengingsoptie"),
    {"open": {"exercised", "declined", "lapsed"}},
    {
        "open": _l("open"),
        "exercised": _l("gelicht"),
        "declined": _l("afgewezen"),
        "lapsed": _l("vervallen"),
    },
)


def can_manage(user, contract=None) -> bool:
    """Manage contracts (of `contract`'s region when given)."""
    if not user.is_authenticated or user.role not in MANAGERS:
        return False
    return contract is None or user.region_id == contract.region_id


def can_create(user) -> bool:
    return user.is_authenticated and user.role in CREATORS


def can_oversee(user) -> bool:
    """Contract management pages and the region-wide realisation export."""
    return user.is_authenticated and user.role in OVERSEERS


def can_edit_management(user) -> bool:
    """Record a provider's management level, meetings and assessments."""
    return user.is_authenticated and user.role in MANAGERS


def can_read_custom(user) -> bool:
    return user.is_authenticated and user.role in CUSTOM_READERS


def can_record_custom(user) -> bool:
    return user.is_authenticated and user.role in CUSTOM_RECORDERS


def sees_custom_totals(user) -> bool:
    """The region's totals of custom contracts are for region staff."""
    return user.is_authenticated and user.role in REGION_STAFF


def can_transition(user, contract, target: str) -> bool:
    return can_manage(user, contract) and CONTRACT_FLOW.allowed(contract.status, target)


def can_activate(user, contract) -> bool:
    return can_transition(user, contract, "active")


def can_end(user, contract, today) -> bool:
    """Ending (as opposed to terminating) waits for the end date."""
    return can_transition(user, contract, "ended") and contract.end_date <= today


def can_terminate(user, contract) -> bool:
    return can_transition(user, contract, "terminated")


def can_add_option(user, contract) -> bool:
    return can_manage(user, contract) and contract.status not in CLOSED


def can_set_budget(user, contract) -> bool:
    return can_manage(user, contract) and contract.status not in CLOSED


def can_record_realisation(user, contract) -> bool:
    return can_manage(user, contract) and contract.status in LIVE


def can_decide_option(user, option) -> bool:
    return can_manage(user, option.contract) and option.status == OPTION_OPEN
