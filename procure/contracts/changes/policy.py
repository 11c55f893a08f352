"""Who may change a contract's transition period, addenda and subcontractors, and in which
contract states. Each `*_refusal` returns the error that refuses an action (NotAllowed for
the wrong user, InvalidTransition for the wrong contract state; None when allowed); the
`can_*` functions are what templates ask."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import PROVIDER
from procure.contracts.policy import LIVE, MANAGERS
from procure.core.errors import InvalidTransition, NotAllowed

# Care runs on while a contract is in force or after it has ended: a transition period is
# set for a live contract (ahead of its end) or for one that has just ended.
TRANSITION_STATES = (*LIVE, "ended", "terminated")
# An addendum changes a signed contract in force; a concept is simply edited.
ADDENDUM_STATES = LIVE
# The register is kept from the concept on, and closed once the contract has ended.
SUBCONTRACTOR_STATES = ("concept", *LIVE)


def _region_manager(user, contract) -> bool:
    return (
        user.is_authenticated
        and user.role in MANAGERS
        and user.region_id is not None
        and user.region_id == contract.region_id
    )


def transition_refusal(user, contract):
    if not _region_manager(user, contract):
        return NotAllowed(
            _l("Alleen contractmanagers van de regio leggen een overgangstermijn vast.")
        )
    if contract.status not in TRANSITION_STATES:
        return InvalidTransition(
            _l("Een overgangstermijn geldt alleen voor een contract dat loopt of is afgelopen.")
        )
    return None


def addendum_refusal(user, contract):
    if not _region_manager(user, contract):
        return NotAllowed(_l("Alleen contractmanagers van de regio leggen een addendum vast."))
    if contract.is_custom:
        return InvalidTransition(
            _l("Een maatwerkovereenkomst kent geen addenda; sluit een nieuwe overeenkomst.")
        )
    if contract.status not in ADDENDUM_STATES:
        return InvalidTransition(_l("Een addendum kan alleen op een actief of verlengd contract."))
    return None


def subcontractor_refusal(user, contract):
    own_provider = (
        user.is_authenticated
        and user.role == PROVIDER
        and user.provider_id is not None
        and user.provider_id == contract.provider_id
    )
    if not (own_provider or _region_manager(user, contract)):
        return NotAllowed(
            _l(
                "Alleen de opdrachtnemer en de contractmanagers van de regio beheren de "
                "onderaannemers."
            )
        )
    if contract.status not in SUBCONTRACTOR_STATES:
        return InvalidTransition(_l("Het register van een afgelopen contract is gesloten."))
    return None


def can_set_transition(user, contract) -> bool:
    return transition_refusal(user, contract) is None


def can_add_addendum(user, contract) -> bool:
    return addendum_refusal(user, contract) is None


def can_manage_subcontractors(user, contract) -> bool:
    return subcontractor_refusal(user, contract) is None
