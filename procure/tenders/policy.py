"""Who may do what with a tender in which state: one phase machine per procedure type.

sas_dialogue: concept -> published -> selection -> dialogue -> award -> standstill -> awarded
-> contracted. sas_open has no dialogue phase (selection -> award). open_house: concept ->
published -> closed. An SAS tender can be cancelled (with a reason) from every open state, and
a provisional award revised (standstill -> award) when an objection is upheld.
"""

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


def machine_for(tender) -> StateMachine:
    return MACHINES[tender.procedure]


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
