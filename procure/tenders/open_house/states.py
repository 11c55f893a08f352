"""Life cycles of the open house, its applications and admissions: checked here, never in views."""

from flask_babel import lazy_gettext as _l

from procure.core.states import StateMachine

# The open-house tender itself (Tender.status for procedure == "open_house").
OPEN_HOUSE = StateMachine(
    "open house",
    {
        "concept": {"published"},
        "published": {"closed"},
        "closed": set(),
    },
    {"concept": _l("concept"), "published": _l("open voor aanvragen"), "closed": _l("gesloten")},
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
