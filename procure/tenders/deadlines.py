"""Tender deadlines, the source of the tender reminders (procure.tenders.reminders): one
bounded query, no state changes.

tender_deadlines(start, end) lists every SAS deadline falling in [start, end) with the
responsible officer: registration deadline, end of dialogue, bid deadline (= opening
moment of the sealed bids), standstill end, and the go/no-go moments (the end of the
selection phase = registration deadline, the end of the dialogue phase = dialogue end).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from procure.extensions import db
from procure.tenders.models import Tender

# kind -> (column, the statuses in which the deadline is still relevant, Dutch label)
KINDS = {
    "registration": ("registration_deadline", ("published",), "Sluiting aanmelding"),
    "go_no_go_selection": (
        "registration_deadline",
        ("published", "selection"),
        "Go/no-go einde selectiefase",
    ),
    "dialogue_end": ("dialogue_end", ("published", "selection", "dialogue"), "Einde dialoogfase"),
    "go_no_go_dialogue": ("dialogue_end", ("dialogue",), "Go/no-go einde dialoogfase"),
    "bid_deadline": (
        "bid_deadline",
        ("published", "selection", "dialogue", "award"),
        "Sluiting inschrijving en opening inschrijvingen",
    ),
    "standstill_end": ("standstill_ends_at", ("standstill",), "Einde standstilltermijn"),
}


@dataclass(frozen=True)
class TenderDeadline:
    tender_id: int
    reference: str
    title: str
    region_id: int
    kind: str
    label: str
    moment: datetime
    officer_id: int | None

    @property
    def key(self) -> str:
        """Stable identity for idempotent reminders."""
        return f"tender:{self.tender_id}:{self.kind}:{self.moment.isoformat()}"


def tender_deadlines(
    start: datetime, end: datetime, *, region_id: int | None = None
) -> list[TenderDeadline]:
    columns = {getattr(Tender, col) for col, _s, _l in KINDS.values()}
    stmt = select(Tender).where(
        Tender.procedure.in_(("sas_dialogue", "sas_open")),
        or_(*[c.between(start, end) for c in columns]),
    )
    if region_id is not None:
        stmt = stmt.where(Tender.region_id == region_id)
    out = []
    for tender in db.session.execute(stmt).scalars():
        for kind, (column, statuses, label) in KINDS.items():
            moment = getattr(tender, column)
            if moment is None or not (start <= moment < end) or tender.status not in statuses:
                continue
            if kind == "dialogue_end" and not tender.has_dialogue:
                continue
            out.append(
                TenderDeadline(
                    tender.id,
                    tender.reference,
                    tender.title,
                    tender.region_id,
                    kind,
                    label,
                    moment,
                    tender.officer_id,
                )
            )
    order = list(KINDS)
    return sorted(out, key=lambda d: (d.moment, d.tender_id, order.index(d.kind)))
