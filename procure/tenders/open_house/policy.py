"""Life cycles of open-house applications and admissions, checked here, never in views.
The open-house tender's own machine is procure.tenders.policy.OPEN_HOUSE."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import (
    ADMIN,
    CONTRACT_MANAGER,
    MUNICIPALITY,
    PROCUREMENT,
    PROVIDER,
    SUPERVISOR,
)
from procure.core.policy import StateMachine

# Officers set an open house up; contract managers also assess applications.
SETUP = (ADMIN, PROCUREMENT)
ASSESSORS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
STAFF = (ADMIN, PROCUREMENT, CONTRACT_MANAGER, SUPERVISOR)
READERS = (*STAFF, MUNICIPALITY, PROVIDER)


def is_applicant(user, application) -> bool:
    """The provider user who applied (texts addressed to "u" are for them only)."""
    return (
        user.is_authenticated
        and user.role == PROVIDER
        and user.provider_id == application.provider_id
    )


def can_extend_admission(admission, start) -> bool:
    """Additional products join an admission that is active on the entry moment and whose
    contract still runs then."""
    if admission is None or admission.status != "active" or admission.contract is None:
        return False
    contract = admission.contract
    return contract.status not in ("ended", "terminated") and start <= contract.end_date


def can_apply_for_products(user, admission) -> bool:
    """The admitted provider may ask for more products of its category while the open
    house takes applications and the category has products it does not have yet."""
    return (
        user.is_authenticated
        and user.role == PROVIDER
        and user.provider_id == admission.provider_id
        and admission.status == "active"
        and admission.tender.status == "published"
    )


OPEN_APPLICATION_STATUSES = ("submitted", "more_info")

APPLICATION = StateMachine(
    "aanvraag",
    {
        "submitted": {"more_info", "admitted", "rejected", "withdrawn"},
        "more_info": {"submitted", "rejected", "withdrawn"},
        "admitted": set(),
        "rejected": set(),
        "withdrawn": set(),
    },
    {
        "submitted": _l("ingediend, wacht op beoordeling"),
        "more_info": _l("aanvulling gevraagd"),
        "admitted": _l("toegelaten"),
        "rejected": _l("afgewezen"),
        "withdrawn": _l("ingetrokken"),
    },
)

ADMISSION = StateMachine(
    "toelating",
    {"active": {"ended"}, "ended": set()},
    {"active": _l("toegelaten"), "ended": _l("beëindigd")},
)

SCORE_LABELS = {
    "meets": _l("voldoet"),
    "not_met": _l("voldoet niet"),
    "more_info": _l("meer informatie nodig"),
}
REGIME_LABELS = {
    "continuous": _l("doorlopend toetreden"),
    "moments": _l("vaste toetredingsmomenten"),
}
DECISION_LABELS = {
    "pending": _l("nog te beslissen"),
    "admitted": _l("toegelaten"),
    "rejected": _l("afgewezen"),
}
