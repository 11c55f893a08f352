"""Demo tenders from seed 003 (Regio WBO Jeugd), built through the operations so that every
decision and audit entry exists: the SLT tender in the dialogue phase, and a finished SAS
tender for day care (dagbesteding en dagbehandeling) with two lots, awarded, with its
contracts in concept. Idempotent: a tender whose reference exists is left alone."""

from datetime import date, time, timedelta
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from procure.auth.models import User
from procure.catalogue.models import TaskArea
from procure.core.timeutil import local_deadline, now_local
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.tenders import operations as ops
from procure.tenders.models import Tender

PDF = b"%PDF-1.4\n% procure demo\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SLT_REFERENCE = "WBO-SLT-2027"
DAYCARE_REFERENCE = "WBO-DB-2027"


def _pdf(name: str) -> FileStorage:
    return FileStorage(stream=BytesIO(PDF), filename=name, content_type="application/pdf")


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar()


def _provider_user(code: str) -> User | None:
    provider = db.session.execute(select(Provider).where(Provider.short_code == code)).scalar()
    if provider is None:
        return None
    return db.session.execute(select(User).where(User.provider_id == provider.id)).scalar()


def _task_area(region: Region, *words: str):
    for word in words:
        area = db.session.execute(
            select(TaskArea).where(
                TaskArea.region_id == region.id, TaskArea.name.ilike(f"%{word}%")
            )
        ).scalar()
        if area is not None:
            return area.id
    return None


def _at(day: date, hour: int = 12):
    return local_deadline(day, time(hour, 0))


def load() -> None:
    region = db.session.execute(select(Region).where(Region.short_code == "wbo")).scalar()
    officer = _user("procurement.wbo@example.org")
    if region is None or officer is None:
        return
    codes = ("kompas", "linde", "baken", "gezinsplein", "vlinder", "zonnehoek", "kinderkracht")
    users = {code: _provider_user(code) for code in codes}
    if any(u is None for u in users.values()):
        return
    exists = set(db.session.execute(select(Tender.reference)).scalars())
    if SLT_REFERENCE not in exists:
        _slt(region, officer, users)
    if DAYCARE_REFERENCE not in exists:
        _daycare(region, officer, users)
    db.session.commit()


def _slt(region, officer, users) -> None:
    """Seed 003 chapter 5: three lots, the Breda lots to different parties, one partner per
    lot, five years plus two times one year, task-oriented lumpsum; now in the dialogue."""
    today = now_local().date()
    start = date(2027, 1, 1) if today < date(2026, 12, 1) else date(today.year + 1, 7, 1)
    begin = _at(today - timedelta(days=60), 9)
    with ops.clock(begin):
        tender = ops.create_tender(
            region=region,
            actor=officer,
            reference=SLT_REFERENCE,
            title="Stevig Lokaal Team (SLT) Regio WBO Jeugd",
            procedure="sas_dialogue",
            variant="task",
            task_area_id=_task_area(region, "Stevig Lokaal", "SLT"),
            contract_start=start,
            duration_months=60,
            extension_count=2,
            extension_months=12,
            max_partners=3,
            one_partner_per_lot=True,
            standstill_days=20,
            registration_deadline=_at(today - timedelta(days=30)),
            dialogue_end=_at(today + timedelta(days=30), 17),
            bid_deadline=_at(today + timedelta(days=60)),
            description="Dialooggerichte SAS-procedure (verlicht regime). Eén SLT per circa "
            "50.000 inwoners, zeven SLT's in drie percelen.",
        )
        for number, name, areas in (
            (
                1,
                "SLT's Altena, Drimmelen-Geertruidenberg en Oosterhout",
                "SLT 1 Altena, SLT 2 Drimmelen-Geertruidenberg, SLT 3 Oosterhout",
            ),
            (2, "SLT's Breda Noordwest en Noordoost", "SLT 4 Breda NW, SLT 6 Breda NO"),
            (3, "SLT's Breda Zuidwest en Zuidoost", "SLT 5 Breda ZW, SLT 7 Breda ZO"),
        ):
            ops.add_lot(
                tender, actor=officer, number=number, name=name, areas=areas, max_partners=1
            )
        ops.add_lot_rule(tender, actor=officer, lot_numbers=[2, 3])
        for name, weight in (
            ("Plan van aanpak Stevig Lokaal Team", 40),
            ("Samenwerking met de sociale basis en lokale verankering", 30),
            ("Implementatie en continuiteit van zorg", 30),
        ):
            ops.add_criterion(tender, actor=officer, name=name, weight=weight)
        ops.publish(tender, actor=officer)
    wanted = {"kompas": [1, 2, 3], "linde": [2, 3], "gezinsplein": [1], "baken": [1]}
    with ops.clock(_at(today - timedelta(days=45), 10)):
        for code, numbers in wanted.items():
            ops.register(
                tender,
                actor=users[code],
                lot_ids=[tender.lot(n).id for n in numbers],
                document=_pdf(f"aanmelding-{code}.pdf"),
                no_exclusion_grounds=True,
                suitability_answer="Ervaring met wijkgerichte jeugdhulp; referenties bijgevoegd.",
            )
    with ops.clock(_at(today - timedelta(days=29), 9)):
        ops.start_selection(tender, actor=officer)
        for registration in ops.registrations(tender):
            rejected = registration.provider.short_code == "baken"
            ops.assess_registration(
                registration,
                actor=officer,
                status="rejected" if rejected else "selected",
                reason="Geen referentie van een generalistisch wijkteam." if rejected else "",
            )
        ops.decide_selection(
            tender, actor=officer, motivation="Drie partijen voldoen aan de geschiktheidseisen."
        )
        ops.record_go(
            tender,
            actor=officer,
            go=True,
            motivation="Voldoende geschikte partijen voor alle percelen.",
        )
        ops.start_dialogue(tender, actor=officer)
    with ops.clock(_at(today - timedelta(days=14), 14)):
        ops.add_session(
            tender,
            actor=officer,
            held_on=today - timedelta(days=14),
            topic="Inzet SGGZ binnen het SLT",
            participants="Kompas, De Linde, Gezinsplein; inkoop en beleid",
            lot_ids=[lot.id for lot in tender.lots],
            minutes=_pdf("verslag-dialoog-1.pdf"),
        )
        ops.add_agreement(
            tender,
            actor=officer,
            text="Het SLT werkt vanuit de 0-100 benadering en schaalt op en af zonder wachtlijst.",
        )
        ops.add_agreement(
            tender,
            actor=officer,
            text="De inzet SGGZ valt binnen de lumpsum; een efficiencykorting is mogelijk.",
        )


def _daycare(region, officer, users) -> None:
    """Seed 003 chapter 6: day care in two lots, one partner per lot, task-oriented, five
    years plus two times one year; finished, awarded, contracts in concept."""
    today = now_local().date()
    start = date(2027, 1, 1) if today < date(2026, 12, 1) else date(today.year + 1, 1, 1)
    with ops.clock(_at(today - timedelta(days=320), 9)):
        tender = ops.create_tender(
            region=region,
            actor=officer,
            reference=DAYCARE_REFERENCE,
            title="Dagbesteding en dagbehandeling jeugd",
            procedure="sas_dialogue",
            variant="task",
            task_area_id=_task_area(region, "Specialistische"),
            contract_start=start,
            duration_months=60,
            extension_count=2,
            extension_months=12,
            max_partners=2,
            one_partner_per_lot=True,
            standstill_days=20,
            registration_deadline=_at(today - timedelta(days=280)),
            dialogue_end=_at(today - timedelta(days=200), 17),
            bid_deadline=_at(today - timedelta(days=170)),
        )
        ops.add_lot(
            tender,
            actor=officer,
            number=1,
            name="Dagbestedingsactiviteiten",
            areas="Altena, Breda, Drimmelen, Geertruidenberg, Oosterhout",
            max_partners=1,
        )
        ops.add_lot(
            tender,
            actor=officer,
            number=2,
            name="Dagverblijf en dagcentra (waaronder MKD en ODC)",
            areas="Altena, Breda, Drimmelen, Geertruidenberg, Oosterhout",
            max_partners=1,
        )
        ops.add_criterion(tender, actor=officer, name="Kwalitatief plan van aanpak", weight=60)
        ops.add_criterion(tender, actor=officer, name="Samenwerking in de keten", weight=40)
        ops.publish(tender, actor=officer)
    bidders = {"zonnehoek": [1], "vlinder": [2], "kinderkracht": [1, 2]}
    with ops.clock(_at(today - timedelta(days=290), 10)):
        for code, numbers in bidders.items():
            ops.register(
                tender,
                actor=users[code],
                lot_ids=[tender.lot(n).id for n in numbers],
                document=_pdf(f"aanmelding-{code}.pdf"),
                no_exclusion_grounds=True,
                suitability_answer="Referenties dagbesteding en dagbehandeling.",
            )
    with ops.clock(_at(today - timedelta(days=279), 9)):
        ops.start_selection(tender, actor=officer)
        for registration in ops.registrations(tender):
            ops.assess_registration(registration, actor=officer, status="selected")
        ops.decide_selection(tender, actor=officer, motivation="Alle partijen geschikt.")
        ops.record_go(tender, actor=officer, go=True, motivation="Go voor de dialoog.")
        ops.start_dialogue(tender, actor=officer)
    with ops.clock(_at(today - timedelta(days=201), 9)):
        ops.add_agreement(
            tender, actor=officer, text="Dagbehandeling sluit aan op onderwijs (ODC) en de SLT's."
        )
        ops.record_go(tender, actor=officer, go=True, motivation="Afspraken compleet.")
        ops.start_award(tender, actor=officer)
    with ops.clock(_at(today - timedelta(days=180), 11)):
        for code, numbers in bidders.items():
            for n in numbers:
                ops.submit_bid(
                    tender,
                    actor=users[code],
                    lot_id=tender.lot(n).id,
                    plan=_pdf(f"plan-{code}-perceel-{n}.pdf"),
                    accepts_agreements=True,
                )
    scores = {
        ("zonnehoek", 1): (8, 7),
        ("kinderkracht", 1): (7, 7),
        ("vlinder", 2): (8, 8),
        ("kinderkracht", 2): (6, 8),
    }
    with ops.clock(_at(today - timedelta(days=165), 10)):
        for bid in ops.tender_bids(tender):
            values = scores[(bid.provider.short_code, bid.lot.number)]
            for criterion, value in zip(tender.criteria, values, strict=True):
                ops.score_bid(bid, actor=officer, criterion_id=criterion.id, score=value)
        option = ops.award_options(tender)[0]
        ops.record_provisional_award(
            tender,
            actor=officer,
            winners=option.winners,
            motivation="Hoogste gewogen score per perceel.",
        )
    with ops.clock(_at(today - timedelta(days=140), 9)):
        ops.finalize_award(tender, actor=officer)
