"""Who may do what with a tender in which state: one phase machine per procedure type.

sas_dialogue: concept -> published -> selection -> dialogue -> award -> standstill -> awarded
-> contracted. sas_open has no dialogue phase (selection -> award). open_house: concept ->
published -> closed. An SAS tender can be cancelled (with a reason) from every open state, and
a provisional award revised (standstill -> award) when an objection is upheld.
"""

import itertools
from datetime import time

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, MUNICIPALITY, PROCUREMENT, PROVIDER, REGION_STAFF
from procure.core.policy import StateMachine

# Procurement officers run tenders; region staff and municipalities read them.
OFFICERS = (PROCUREMENT, ADMIN)
READERS = (*REGION_STAFF, MUNICIPALITY)
# Registration documents and bid plans: region staff, and a provider its own (row scope).
DOCUMENT_READERS = (*REGION_STAFF, PROVIDER)

OPEN_STATES = ("concept", "published", "selection", "dialogue", "award", "standstill")
CONCEPT = "concept"
PUBLISHED = "published"
SELECTION, AWARD, STANDSTILL = "selection", "award", "standstill"
# Published and not yet decided: the tenders that are running.
RUNNING = tuple(state for state in OPEN_STATES if state != CONCEPT)
# After publication and until the bids are in, an officer may move deadlines (later only).
DEADLINE_PHASES = ("published", "selection", "dialogue", "award")
# A rectificatie (recorded correction of the core terms) is published in the same phases,
# and only before the bid deadline: once bids may be opened the terms they answer are final.
RECTIFICATION_PHASES = DEADLINE_PHASES
# From the provisional award on: the standstill period and its objections are on record.
AWARD_DECIDED = ("standstill", "awarded", "contracted")

STATUS_LABELS = {
    "concept": _l("Concept"),
    "published": _l("Gepubliceerd"),
    "selection": _l("Selectiefase"),
    "dialogue": _l("Dialoogfase"),
    "award": _l("Gunningsfase"),
    "standstill": _l("Standstill"),
    "awarded": _l("Gegund"),
    "contracted": _l("Gecontracteerd"),
    "cancelled": _l("Ingetrokken"),
}

_AFTER_SELECTION = {
    "award": {"standstill", "cancelled"},
    "standstill": {"awarded", "award", "cancelled"},
    "awarded": {"contracted"},
    "contracted": set(),
    "cancelled": set(),
}

SAS_DIALOGUE = StateMachine(
    "aanbesteding",
    {
        "concept": {"published", "cancelled"},
        "published": {"selection", "cancelled"},
        "selection": {"dialogue", "cancelled"},
        "dialogue": {"award", "cancelled"},
        **_AFTER_SELECTION,
    },
    STATUS_LABELS,
    audit_action="tender.status",
)

SAS_OPEN = StateMachine(
    "aanbesteding",
    {
        "concept": {"published", "cancelled"},
        "published": {"selection", "cancelled"},
        "selection": {"award", "cancelled"},
        **_AFTER_SELECTION,
    },
    {k: v for k, v in STATUS_LABELS.items() if k != "dialogue"},
    audit_action="tender.status",
)

# The open-house tender itself (Tender.status for procedure == "open_house").
OPEN_HOUSE = StateMachine(
    "open house",
    {"concept": {"published"}, "published": {"closed"}, "closed": set()},
    {"concept": _l("concept"), "published": _l("open voor aanvragen"), "closed": _l("gesloten")},
)

MACHINES = {"sas_dialogue": SAS_DIALOGUE, "sas_open": SAS_OPEN, "open_house": OPEN_HOUSE}
# Every state a tender's status column may hold, whatever its procedure.
TENDER_STATES = tuple(dict.fromkeys(s for m in MACHINES.values() for s in m.states))
# What the public (OCDS) sees: every tender past its concept.
PUBLIC_STATES = tuple(state for state in TENDER_STATES if state != CONCEPT)


def machine_for(tender) -> StateMachine:
    return MACHINES[tender.procedure]


# A registration is assessed, and may be reassessed, until the final selection is recorded.
_ASSESSMENTS = {"admissible", "selected", "rejected"}
REGISTRATION = StateMachine(
    "aanmelding",
    {
        "submitted": _ASSESSMENTS,
        "admissible": _ASSESSMENTS,
        "selected": _ASSESSMENTS,
        "rejected": _ASSESSMENTS,
    },
    {
        "submitted": _l("Ingediend"),
        "admissible": _l("Ontvankelijk"),
        "selected": _l("Geselecteerd"),
        "rejected": _l("Afgewezen"),
    },
)

SELECTED = "selected"
# Registrations the officer has still to select or reject (the final selection waits).
UNDECIDED_REGISTRATIONS = ("submitted", "admissible")
# What an assessment may make of a registration.
ASSESSMENTS = tuple(sorted(_ASSESSMENTS))

# A lot award is provisional until the definitive award creates its contract.
DEFINITIVE = "definitive"
LOT_AWARD = StateMachine(
    "perceelgunning",
    {"provisional": {"definitive"}, "definitive": set()},
    {"provisional": _l("Voorlopig"), "definitive": _l("Definitief")},
)

OBJECTION = StateMachine(
    "bezwaar",
    {"open": {"withdrawn", "rejected", "upheld"}},
    {
        "open": _l("Open"),
        "withdrawn": _l("Ingetrokken"),
        "rejected": _l("Ongegrond"),
        "upheld": _l("Gegrond"),
    },
)
OBJECTION_OPEN = "open"
# How an open objection may be resolved.
OBJECTION_OUTCOMES = tuple(sorted(OBJECTION.targets(OBJECTION_OPEN)))
REJECTED = "rejected"  # a registration or objection turned down


# The order of the phases on the timeline.
PHASE_ORDER = (
    "concept",
    "published",
    "selection",
    "dialogue",
    "award",
    "standstill",
    "awarded",
    "contracted",
)


def is_officer(user, tender) -> bool:
    """A procurement officer (or admin) of the tender's region."""
    return (
        user.is_authenticated
        and user.role in OFFICERS
        and user.region_id in (None, tender.region_id)
    )


def can_create(user) -> bool:
    """Start a tender: an officer of a region (a global admin has none)."""
    return user.is_authenticated and user.role in OFFICERS and user.region_id is not None


def can_read(user) -> bool:
    """The staff pages of a tender (providers have the portal instead)."""
    return user.is_authenticated and user.role in READERS


def can_read_documents(user) -> bool:
    return user.is_authenticated and user.role in DOCUMENT_READERS


def can_read_phases(user) -> bool:
    """The selection, dialogue and award pages and the decisions are for region staff."""
    return user.is_authenticated and user.role in REGION_STAFF


def _can_move(user, tender, target: str) -> bool:
    return is_officer(user, tender) and machine_for(tender).allowed(tender.status, target)


def can_publish(user, tender) -> bool:
    return _can_move(user, tender, "published")


def can_start_selection(user, tender) -> bool:
    return _can_move(user, tender, "selection")


def can_cancel(user, tender) -> bool:
    return _can_move(user, tender, "cancelled")


def can_mark_contracted(user, tender) -> bool:
    return _can_move(user, tender, "contracted")


def can_edit_terms(user, tender) -> bool:
    """Lots, criteria, lot rules and every field: only before publication."""
    return is_officer(user, tender) and not is_published(tender)


def can_move_deadlines(user, tender) -> bool:
    return is_officer(user, tender) and tender.status in DEADLINE_PHASES


def can_rectify(user, tender, now=None) -> bool:
    """Publish a rectificatie: the tender's officers, after publication and before the bid
    deadline (and never for an open house, which has its own procedure)."""
    return is_officer(user, tender) and rectification_refusal(tender, now) is None


def rectification_refusal(tender, now=None):
    """Why no rectificatie can be published on `tender` now (None: it can)."""
    from procure.core.types import utcnow

    now = now or utcnow()
    if not tender.is_sas:
        return _l("Een rectificatie hoort bij de SAS-procedure, niet bij het open house.")
    if tender.status not in RECTIFICATION_PHASES:
        return _l(
            "Een rectificatie kan alleen na publicatie en voor de gunningsbeslissing "
            "(nu: %(status)s).",
            status=tender.status_label,
        )
    if tender.bid_deadline is not None and tender.bid_deadline <= now:
        return _l(
            "De inschrijvingsdeadline is verstreken; de voorwaarden kunnen niet meer "
            "worden gerectificeerd."
        )
    return None


def can_assess_registrations(user, tender) -> bool:
    return is_officer(user, tender) and tender.status == "selection"


def can_hold_dialogue(user, tender) -> bool:
    """Record dialogue sessions."""
    return is_officer(user, tender) and tender.status == "dialogue"


def can_add_agreement(user, tender) -> bool:
    """Agreements are added during the dialogue, until the set is made final."""
    return can_hold_dialogue(user, tender) and not tender.agreements_frozen_at


def can_score(user, tender) -> bool:
    return is_officer(user, tender) and tender.status == "award"


def can_handle_standstill(user, tender) -> bool:
    """Record objections, then award definitively or revise the provisional award."""
    return is_officer(user, tender) and tender.status == "standstill"


def can_resolve_objection(user, objection) -> bool:
    return is_officer(user, objection.tender) and objection.is_open


# A provider's steps on the portal, by phase (the operations also check the deadlines).


def accepts_registrations(tender) -> bool:
    return tender.status == PUBLISHED


def accepts_questions(tender) -> bool:
    """The market consultation runs while the tender is published."""
    return tender.status == PUBLISHED


def accepts_bids(tender) -> bool:
    return tender.status == AWARD


# -- deadlines -----------------------------------------------------------------------------

DEADLINES = ("registration_deadline", "dialogue_end", "bid_deadline")
# What may still change after publication without a rectificatie.
EDITABLE_AFTER_PUBLICATION = (*DEADLINES, "description", "officer_id")


def is_published(tender) -> bool:
    """Past concept: the published terms bind, deadlines only move later with a reason."""
    return tender.status != CONCEPT


def visible_tenders(stmt, user):
    """`stmt` over tenders without the concepts when `user` is a provider (they never see
    a tender before publication)."""
    from procure.tenders.models import Tender  # the models import this module

    return stmt.where(Tender.status != CONCEPT) if user.is_provider else stmt


def deadline_order_refusal(values: dict, tender=None):
    """(field, message) when the deadlines of `values` (over those of `tender`) are out of
    order: registration < end of dialogue < bid deadline < contract start."""
    from procure.core.timeutil import local_deadline

    def value(name):
        return values[name] if name in values else getattr(tender, name, None)

    procedure = value("procedure")
    chain = [("registration_deadline", value("registration_deadline"))]
    if procedure == "sas_dialogue":
        chain.append(("dialogue_end", value("dialogue_end")))
    chain.append(("bid_deadline", value("bid_deadline")))
    start = value("contract_start")
    if start is not None:
        chain.append(("contract_start", local_deadline(start, time(0, 0))))
    present = [(name, moment) for name, moment in chain if moment is not None]
    for (_before, earlier), (name, later) in itertools.pairwise(present):
        if earlier >= later:
            return name, _l(
                "De deadlines moeten in volgorde liggen: aanmelding, einde dialoog, "
                "inschrijving, ingangsdatum van de overeenkomst."
            )
    return None


def deadline_move_refusal(old, new, now):
    """Why a published deadline may not move from `old` to `new` at `now` (None: it may)."""
    if old is not None and old <= now:
        return _l("Een verstreken deadline kan niet meer wijzigen.")
    if new is None or (old is not None and new < old):
        return _l("Na publicatie kan een deadline alleen naar later worden verplaatst.")
    if new <= now:
        return _l("Een nieuwe deadline moet in de toekomst liggen.")
    return None
