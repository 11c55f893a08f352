"""Who may do what with the financial framework, in which state.

A framework is drafted, then adopted by the regional board (RBO) with a decision reference;
after adoption its lines never change directly, only through a recorded adjustment
(mutatie) with its own decision. Municipalities acknowledge an adopted framework and see
only their own figures; region staff see the region.
"""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, PROCUREMENT, REGION_STAFF
from procure.core.policy import StateMachine

# The framework's states; procure.finance.models takes its CHECK constraint from the machine.
DRAFTED, ADOPTED = "drafted", "adopted"


def _has_lines(framework):
    if not framework.lines:
        return _l("Een kader zonder posten kan niet worden vastgesteld.")
    return None


FRAMEWORK_MACHINE = StateMachine(
    name="budgettair kader",
    transitions={DRAFTED: {ADOPTED}},
    labels={DRAFTED: _l("Concept"), ADOPTED: _l("Vastgesteld door het RBO")},
    audit_action="finance.framework_{target}",
    guards={ADOPTED: (_has_lines,)},
)

# Region staff who keep the framework, keys, targets and measurements.
FINANCE_WRITERS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
# Everyone who may open the finance pages at all (providers never do).
FINANCE_READERS = (*REGION_STAFF, MUNICIPALITY)


def can_edit_lines(user, framework) -> bool:
    """Lines are typed only while the framework is a draft."""
    return user.role in FINANCE_WRITERS and not framework.is_adopted


def can_adopt(user, framework) -> bool:
    return user.role in FINANCE_WRITERS and FRAMEWORK_MACHINE.allowed(framework.status, ADOPTED)


def can_adjust(user, framework) -> bool:
    """Adjustments are for adopted frameworks (a draft is simply edited)."""
    return user.role in FINANCE_WRITERS and framework.is_adopted


def can_acknowledge(user, framework) -> bool:
    return user.role == MUNICIPALITY and framework.is_adopted


def can_write(user) -> bool:
    return user.role in FINANCE_WRITERS


def sees_region(user) -> bool:
    """Region staff see every municipality; a municipality user only its own."""
    return user.role in REGION_STAFF


def visible_municipality_ids(user, region) -> list[int]:
    if sees_region(user):
        return [m.id for m in region.municipalities]
    return [user.municipality_id] if user.municipality_id else []


def report_targets(user, region) -> list:
    """Whose reports the user may have made: region staff the region's own (None) and every
    municipality's; a municipality user only its own municipality's."""
    if sees_region(user):
        return [None, *region.municipalities]
    return [m for m in region.municipalities if m.id == user.municipality_id]


def can_read_report(user, report) -> bool:
    if user.role not in FINANCE_READERS or report.region_id != user.region_id:
        return False
    return sees_region(user) or (
        report.municipality_id is not None and report.municipality_id == user.municipality_id
    )
