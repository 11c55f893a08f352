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
from procure.tenders.policy import OPEN_HOUSE

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


# -- what a user may do (views, API and templates ask these) --------------------------------

# The open-house tender's states (procure.tenders.policy.OPEN_HOUSE).
ACCEPTING = "published"
CLOSED = "closed"
ACTIVE = "active"  # an admission in force
# An application waits for the assessors (submitted) or for the provider (more_info).
SUBMITTED, MORE_INFO = "submitted", "more_info"
# Who may list applications: staff, and a provider its own (row scope).
APPLICATION_READERS = (*STAFF, PROVIDER)


def can_set_up(user) -> bool:
    """Start an open house and shape it (categories, requirements, entry moments)."""
    return user.is_authenticated and user.role in SETUP


def accepts_applications(tender) -> bool:
    return tender.status == ACCEPTING


def can_apply(user, tender) -> bool:
    return user.is_authenticated and user.role == PROVIDER and accepts_applications(tender)


def can_edit_terms(user, tender) -> bool:
    """Edit, publish, add requirements: before publication (the requirements bind after)."""
    return can_set_up(user) and OPEN_HOUSE.allowed(tender.status, ACCEPTING)


def can_close(user, tender) -> bool:
    return can_set_up(user) and OPEN_HOUSE.allowed(tender.status, CLOSED)


def can_extend(user, tender) -> bool:
    """Add categories and entry moments while the open house is not closed."""
    return can_set_up(user) and bool(OPEN_HOUSE.targets(tender.status))


def can_list_applications(user) -> bool:
    return user.is_authenticated and user.role in APPLICATION_READERS


def can_follow_applications(user) -> bool:
    """Staff see the number of applications per entry moment and state."""
    return user.is_authenticated and user.role in STAFF


def is_assessor(user) -> bool:
    return user.is_authenticated and user.role in ASSESSORS


def can_assess(user, application) -> bool:
    """Score the answers and decide, while the application waits for assessment."""
    return is_assessor(user) and APPLICATION.allowed(application.status, "admitted")


def can_reject_unanswered(user, application) -> bool:
    """While the provider owes more information, an assessor can only reject (after the
    response term)."""
    return is_assessor(user) and application.status == MORE_INFO


def can_withdraw(user, application) -> bool:
    return is_applicant(user, application) and APPLICATION.allowed(application.status, "withdrawn")


def can_respond(user, application) -> bool:
    """Give the information the assessors asked for (back to submitted)."""
    return is_applicant(user, application) and APPLICATION.allowed(application.status, "submitted")


def can_end_admission(user, admission) -> bool:
    """Officers end an admission; the provider withdraws its own."""
    if not user.is_authenticated or not ADMISSION.allowed(admission.status, "ended"):
        return False
    return user.role in SETUP or (
        user.role == PROVIDER and user.provider_id == admission.provider_id
    )


# -- the update after an entry moment ----------------------------------------------------------

UPDATE_SENDERS = ASSESSORS


def can_view_recipients(user) -> bool:
    return user.is_authenticated and user.role in STAFF


def can_manage_recipients(user) -> bool:
    return user.is_authenticated and user.role in UPDATE_SENDERS


def update_refusal(moment, *, now, open_count: int, already_sent: bool, recipients: int):
    """Why the update of `moment` cannot go out now (a Dutch message), or None.

    It goes out once, after the application deadline, when every application for the
    moment has been decided, and only to a register that has someone in it."""
    if already_sent:
        return _l("De update van dit toetredingsmoment is al verstuurd.")
    if now < moment.application_deadline:
        return _l("De aanvraagtermijn van dit toetredingsmoment loopt nog.")
    if open_count:
        return _l(
            "Er wachten nog %(n)d aanvragen voor dit toetredingsmoment op een besluit.",
            n=open_count,
        )
    if not recipients:
        return _l("Er staan geen ontvangers in het register van de regio.")
    return None


def can_send_update(user, moment, now=None) -> bool:
    from procure.core.types import utcnow
    from procure.tenders.open_house import updates

    if not (user.is_authenticated and user.role in UPDATE_SENDERS):
        return False
    return (
        update_refusal(
            moment,
            now=now or utcnow(),
            open_count=updates.open_applications(moment),
            already_sent=updates.sent_update(moment) is not None,
            recipients=len(updates.active_recipients(moment.region_id)),
        )
        is None
    )
