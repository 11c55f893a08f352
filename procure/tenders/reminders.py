"""Reminder sources of the SAS tenders: the deadlines of procure.tenders.deadlines, one rule
per kind of moment, to the tender's officer (else the region's procurement officers).
Registered on import, from procure.tenders.init_app."""

from procure.reminders.rules import Deadline, register
from procure.reminders.sources import Fallback, cached, owner_or, path_for
from procure.tenders.deadlines import tender_deadlines


def _tender_source(kinds: tuple[str, ...], title: str):
    def source(start, end, user=None):
        officers = Fallback("procurement", user)
        items = cached(("tenders", start, end), lambda: tender_deadlines(start, end))
        return [
            Deadline(
                subject_type="tender",
                subject_id=item.tender_id,
                due_at=item.moment,
                region_id=item.region_id,
                recipients=owner_or(item.officer_id, officers, item.region_id),
                title=title.format(label=item.label, ref=item.reference, name=item.title),
                url=path_for("tenders.detail", tender_id=item.tender_id),
                description=f"{item.label}: {item.reference} {item.title}",
            )
            for item in items
            if item.kind in kinds
        ]

    return source


register(
    "tender_registration",
    "Aanbesteding: sluiting aanmelding",
    "1w,1d",
    "Einde van de aanmeldtermijn in de selectiefase; aan de inkoper van de aanbesteding.",
)(_tender_source(("registration",), "Sluiting aanmelding {ref}: {name}"))
register(
    "tender_go_no_go",
    "Aanbesteding: go/no-go-moment",
    "2d,0",
    "Go/no-go aan het eind van de selectie- en de dialoogfase.",
)(_tender_source(("go_no_go_selection", "go_no_go_dialogue"), "{label} {ref}: {name}"))
register(
    "tender_dialogue_end", "Aanbesteding: einde dialoogfase", "1w,1d", "Einde van de dialoogfase."
)(_tender_source(("dialogue_end",), "Einde dialoogfase {ref}: {name}"))
register(
    "tender_bid_deadline",
    "Aanbesteding: sluiting inschrijving",
    "1w,1d",
    "Sluiting van de inschrijvingstermijn.",
)(_tender_source(("bid_deadline",), "Sluiting inschrijving {ref}: {name}"))
register(
    "tender_bid_opening",
    "Aanbesteding: inschrijvingen openen",
    "0",
    "Het moment waarop de verzegelde inschrijvingen geopend mogen worden.",
)(_tender_source(("bid_deadline",), "Inschrijvingen {ref} mogen nu worden geopend: {name}"))
register(
    "tender_standstill_end",
    "Aanbesteding: einde standstilltermijn",
    "2d,0",
    "Einde van de standstilltermijn; daarna definitieve gunning.",
)(_tender_source(("standstill_end",), "Einde standstilltermijn {ref}: {name}"))
