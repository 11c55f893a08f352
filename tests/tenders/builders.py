"""Builders for SAS tender tests: the seed 003 SLT tender, reached phase by phase through
the operations (the same code the pages call)."""

from datetime import date, datetime, time
from io import BytesIO

import time_machine
from werkzeug.datastructures import FileStorage

from procure.core.timeutil import AMSTERDAM, local_deadline, to_local
from procure.extensions import db
from procure.tenders import operations as ops
from tests import factories as f

PDF = b"%PDF-1.4\n% test document\n"

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=AMSTERDAM)
REGISTRATION = local_deadline(date(2026, 3, 2), time(12, 0))
DIALOGUE_END = local_deadline(date(2026, 6, 1), time(17, 0))
BID = local_deadline(date(2026, 7, 1), time(12, 0))

SLT_LOTS = [
    (
        1,
        "SLT's Altena, Drimmelen-Geertruidenberg en Oosterhout",
        "Altena, Drimmelen, Geertruidenberg, Oosterhout",
    ),
    (2, "SLT's Breda Noordwest en Noordoost", "Breda Noordwest, Breda Noordoost"),
    (3, "SLT's Breda Zuidwest en Zuidoost", "Breda Zuidwest, Breda Zuidoost"),
]
SLT_CRITERIA = [
    ("Plan van aanpak Stevig Lokaal Team", 40),
    ("Samenwerking en lokale verankering", 30),
    ("Implementatie en continuiteit", 30),
]


def pdf(name: str = "document.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=name, content_type="application/pdf")


def officer():
    from procure.auth.models import User

    existing = db.session.execute(
        db.select(User).filter_by(email="inkoper.wbo@example.org")
    ).scalar()
    return existing or f.user("procurement", email="inkoper.wbo@example.org")


def provider_user(code: str):
    from procure.auth.models import User

    email = f"{code}@aanbieder.example.org"
    existing = db.session.execute(db.select(User).filter_by(email=email)).scalar()
    return existing or f.user("provider", provider_code=code, email=email)


def slt_tender(
    actor,
    *,
    registration=REGISTRATION,
    dialogue_end=DIALOGUE_END,
    bid=BID,
    reference="WBO-SLT-2027",
):
    """Seed 003 chapter 5: 3 lots, Breda lots to different parties, one partner per lot,
    5 years + 2 x 1 year, task-oriented lumpsum."""
    region = f.region("wbo")
    tender = ops.create_tender(
        region=region,
        actor=actor,
        reference=reference,
        title="Stevig Lokaal Team (SLT) Regio WBO Jeugd",
        procedure="sas_dialogue",
        variant="task",
        contract_start=date(2027, 1, 1),
        duration_months=60,
        extension_count=2,
        extension_months=12,
        max_partners=3,
        one_partner_per_lot=True,
        registration_deadline=registration,
        dialogue_end=dialogue_end,
        bid_deadline=bid,
        estimated_value="42000000.00",
    )
    for number, name, areas in SLT_LOTS:
        ops.add_lot(tender, actor=actor, number=number, name=name, areas=areas, max_partners=1)
    ops.add_lot_rule(tender, actor=actor, lot_numbers=[2, 3])
    for name, weight in SLT_CRITERIA:
        ops.add_criterion(tender, actor=actor, name=name, weight=weight)
    return tender


def lot_ids(tender, *numbers):
    return [tender.lot(n).id for n in numbers]


def to_dialogue(tender, actor, registrations: dict):
    """registrations: provider code -> (lot numbers, selected?)"""
    with time_machine.travel(T0, tick=False):
        ops.publish(tender, actor=actor)
        for code, (numbers, _sel) in registrations.items():
            ops.register(
                tender,
                actor=provider_user(code),
                lot_ids=lot_ids(tender, *numbers),
                document=pdf(),
                no_exclusion_grounds=True,
                suitability_answer="Referenties: drie jaar wijkteam.",
            )
    with time_machine.travel(REGISTRATION, tick=False):
        ops.start_selection(tender, actor=actor)
        for reg in ops.registrations(tender):
            selected = registrations[reg.provider.short_code][1]
            ops.assess_registration(
                reg,
                actor=actor,
                status="selected" if selected else "rejected",
                reason="" if selected else "Voldoet niet aan de geschiktheidseisen.",
            )
        ops.decide_selection(tender, actor=actor, motivation="Selectie volgens de eisen.")
        ops.record_go(tender, actor=actor, go=True, motivation="Voldoende geschikte partijen.")
        ops.start_dialogue(tender, actor=actor)
    return tender


def to_award(tender, actor):
    with time_machine.travel(DIALOGUE_END, tick=False):
        ops.add_agreement(tender, actor=actor, text="Het SLT werkt vanuit de 0-100 benadering.")
        ops.record_go(tender, actor=actor, go=True, motivation="Afspraken compleet.")
        ops.start_award(tender, actor=actor)
    return tender


def bid(tender, code, lot_number, moment=None):
    with time_machine.travel(moment or DIALOGUE_END, tick=False):
        return ops.submit_bid(
            tender,
            actor=provider_user(code),
            lot_id=tender.lot(lot_number).id,
            plan=pdf("plan.pdf"),
            accepts_agreements=True,
        )


def score_all(tender, actor, scores: dict):
    """scores: (code, lot number) -> list of scores per criterion (order of criteria)."""
    with time_machine.travel(BID, tick=False):
        for bid_row in ops.tender_bids(tender):
            key = (bid_row.provider.short_code, bid_row.lot.number)
            for criterion, value in zip(tender.criteria, scores[key], strict=True):
                ops.score_bid(bid_row, actor=actor, criterion_id=criterion.id, score=value)


def edit_tender_page(client, tender, **changes):
    """POST the edit form as the officer's browser would, with `changes` applied."""
    local = {
        name: to_local(getattr(tender, name)).strftime("%Y-%m-%dT%H:%M")
        for name in ("registration_deadline", "dialogue_end", "bid_deadline")
    }
    data = {
        "title": tender.title,
        "task_area_id": "0",
        "variant": tender.variant,
        "estimated_value": str(tender.estimated_value or ""),
        "contract_start": tender.contract_start.isoformat(),
        "duration_months": str(tender.duration_months),
        "extension_count": str(tender.extension_count),
        "extension_months": str(tender.extension_months),
        "max_partners": str(tender.max_partners or ""),
        "score_scale_max": str(tender.score_scale_max),
        "standstill_days": str(tender.standstill_days),
        "description": tender.description or "",
        **({"one_partner_per_lot": "y"} if tender.one_partner_per_lot else {}),
        **local,
        **changes,
    }
    return f.post(client, f"/aanbestedingen/{tender.id}/bewerken", data, follow_redirects=True)
