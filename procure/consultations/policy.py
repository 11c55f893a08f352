"""Who may do what with a market consultation in which state."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, PROCUREMENT, PROVIDER, REGION_STAFF
from procure.core.policy import StateMachine
from procure.core.timeutil import to_local, today_local

# Procurement officers (and the admin) run consultations, as they run tenders.
EDITORS = (ADMIN, PROCUREMENT)


def _has_questions(consultation):
    if not consultation.questions:
        return _l("Stel eerst minstens één vraag aan de markt.")
    return None


def _closes_in_future(consultation):
    # Checked against the moment of opening (set by the operation just before).
    opened = to_local(consultation.opened_at).date() if consultation.opened_at else today_local()
    if consultation.closes_on < opened:
        return _l("De sluitingsdatum is al voorbij; kies een latere datum.")
    return None


DRAFT = "draft"
# A draft is the region's own; what is published (open or closed) is for the market to see.
PUBLISHED = ("open", "closed")
# A consultation that can still take in what municipalities report.
UNCLOSED = ("draft", "open")

CONSULTATION_FLOW = StateMachine(
    _l("marktconsultatie"),
    {"draft": {"open"}, "open": {"closed"}},
    {"draft": _l("concept"), "open": _l("open"), "closed": _l("gesloten")},
    audit_action="consultation.{target}",
    guards={"open": (_has_questions, _closes_in_future)},
)


def is_editor(user, consultation=None) -> bool:
    if not user.is_authenticated or user.role not in EDITORS or user.region_id is None:
        return False
    return consultation is None or consultation.region_id == user.region_id


def is_region_staff(user, consultation) -> bool:
    return (
        user.is_authenticated
        and user.role in REGION_STAFF
        and user.region_id == consultation.region_id
    )


def can_create(user) -> bool:
    return is_editor(user)


def can_edit(user, consultation) -> bool:
    """Questions are fixed once the market sees them, so every party answers the same."""
    return is_editor(user, consultation) and consultation.status == "draft"


def can_add_document(user, consultation) -> bool:
    return is_editor(user, consultation) and consultation.status in ("draft", "open")


def can_move(user, consultation, target: str) -> bool:
    return is_editor(user, consultation) and CONSULTATION_FLOW.can(consultation, target)


def answer_refusal(user, consultation, today=None):
    if not user.is_authenticated or user.role != PROVIDER or user.provider_id is None:
        return _l("Alleen aanbieders beantwoorden de vragen van een marktconsultatie.")
    if consultation.status != "open" or consultation.closes_on < (today or today_local()):
        return _l("De marktconsultatie is gesloten voor antwoorden.")
    return None


def can_answer(user, consultation) -> bool:
    return answer_refusal(user, consultation) is None


def can_record_outcome(user, consultation) -> bool:
    return is_editor(user, consultation) and consultation.status == "closed"


def can_read_all_answers(user, consultation) -> bool:
    return is_region_staff(user, consultation)
