"""Who may do what with a tender in which state: one phase machine per procedure type.

sas_dialogue: concept -> published -> selection -> dialogue -> award -> standstill -> awarded
-> contracted. sas_open has no dialogue phase (selection -> award). open_house: concept ->
published -> closed. An SAS tender can be cancelled (with a reason) from every open state, and
a provisional award revised (standstill -> award) when an objection is upheld.
"""

import itertools
from datetime import time

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, MUNICIPALITY, PROCUREMENT, REGION_STAFF
from procure.core.policy import StateMachine

# Procurement officers run tenders; region staff and municipalities read them.
OFFICERS = (PROCUREMENT, ADMIN)
READERS = (*REGION_STAFF, MUNICIPALITY)

OPEN_STATES = ("concept", "published", "selection", "dialogue", "award", "standstill")

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

# A lot award is provisional until the definitive award creates its contract.
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


# -- deadlines -----------------------------------------------------------------------------

DEADLINES = ("registration_deadline", "dialogue_end", "bid_deadline")
# What may still change after publication without a rectificatie.
EDITABLE_AFTER_PUBLICATION = (*DEADLINES, "description", "officer_id")


def is_published(tender) -> bool:
    """Past concept: the published terms bind, deadlines only move later with a reason."""
    return tender.status != "concept"


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
