"""The phase machine of an SAS tender, in one place.

concept -> published -> selection -> dialogue -> award -> standstill -> awarded -> contracted,
and cancelled (with a reason) from every open state. An open SAS procedure (sas_open) has no
dialogue phase: selection -> award. A provisional award can be revised (standstill -> award)
when an objection is upheld. Preconditions of each transition live in operations.py.
"""

from flask_babel import lazy_gettext as _l

from procure.core.states import StateMachine

OPEN_STATES = ("concept", "published", "selection", "dialogue", "award", "standstill")

TENDER_STATES = StateMachine(
    "aanbesteding",
    {
        "concept": {"published", "cancelled"},
        "published": {"selection", "cancelled"},
        "selection": {"dialogue", "award", "cancelled"},
        "dialogue": {"award", "cancelled"},
        "award": {"standstill", "cancelled"},
        "standstill": {"awarded", "award", "cancelled"},
        "awarded": {"contracted"},
        "contracted": set(),
        "cancelled": set(),
    },
    {
        "concept": _l("Concept"),
        "published": _l("Gepubliceerd"),
        "selection": _l("Selectiefase"),
        "dialogue": _l("Dialoogfase"),
        "award": _l("Gunningsfase"),
        "standstill": _l("Standstill"),
        "awarded": _l("Gegund"),
        "contracted": _l("Gecontracteerd"),
        "cancelled": _l("Ingetrokken"),
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
