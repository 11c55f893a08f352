"""Who may do what with a contract in which state."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, PROCUREMENT, SUPERVISOR
from procure.core.policy import StateMachine

# Contract managers (and the admin) manage contracts; a municipality records its custom ones.
MANAGERS = (ADMIN, CONTRACT_MANAGER)
CUSTOM_RECORDERS = (MUNICIPALITY, *MANAGERS)
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
# The states in which a contract is in force.
LIVE = ("active", "extended")

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
