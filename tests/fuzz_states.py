"""Records in every state a form needs, for the form fuzz (tests/test_form_fuzz.py).

The demo's tenders are past their award, so most forms of a tender (registering, the
selection, the dialogue, bids, scores, the award, the standstill) never show on it. Before
the walk, `prepare()` makes a fresh tender of each SAS procedure in each phase, a concept
and a running open house, a consultation per state, an API token, a failed e-mail, through
the operations and with the demo's actors (the same code the pages call; the phases that
lie in the past run under the tender clock). `pages()` then names one page per record type
and state, fresh or from the demo, for the walk to start from: a breadth-first walk with a
few pages per kind does not reach the one concept product among 80.
"""

from datetime import date, timedelta
from io import BytesIO

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.consultations import operations as consultation_ops
from procure.consultations.models import MarketConsultation
from procure.contracts.models import Contract
from procure.core.timeutil import to_local
from procure.core.types import utcnow
from procure.extensions import db
from procure.finance.models import BudgetFramework, Indicator
from procure.organisations.models import Provider, Region
from procure.tenders import operations as ops
from procure.tenders.models import Tender
from procure.tenders.open_house import operations as oh_ops
from procure.tenders.open_house.models import Application, Category, Requirement
from procure.tenders.open_house.policy import OPEN_APPLICATION_STATUSES

PDF = b"%PDF-1.4\n% formuliertest\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OFFICER = "procurement.wbo@example.org"
BIDDERS = ("kompas", "linde")  # the demo's provider role first: its portal shows the forms
# Phases of an SAS tender, each a fresh tender (sas_open skips the dialogue).
SAS_PHASES = (
    "concept",
    "published",
    "selection",
    "selected",  # the selection decided, the go/no-go still to come
    "dialogue",
    "award",  # bids still coming in
    "scored",  # bids opened and scored: the provisional award is next
    "standstill",  # with an open objection
    "standstill_over",
    "awarded",
)


def _pdf(name: str = "formuliertest.pdf") -> FileStorage:
    return FileStorage(stream=BytesIO(PDF), filename=name, content_type="application/pdf")


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _provider_user(code: str) -> User:
    return _user(f"provider.{code}@example.org")


def _sas_tender(procedure: str, phase: str, officer, region, now) -> Tender:
    """A tender of `procedure` brought to `phase` along a calendar that ends at `now`."""
    dialogue = procedure == "sas_dialogue"
    day = timedelta(days=1)
    late = phase in ("standstill_over", "awarded")
    if phase in ("concept", "published"):
        created, registration = now - timedelta(hours=1), now + 30 * day
    elif phase in ("selection", "selected", "dialogue"):
        created, registration = now - 30 * day, now - day
    elif late:
        created, registration = now - 90 * day, now - 70 * day
    else:
        created, registration = now - 60 * day, now - 40 * day
    if phase == "award":
        bid_deadline = now + 30 * day
    elif phase in ("scored", "standstill"):
        bid_deadline = now - 5 * day
    elif late:
        bid_deadline = now - 40 * day
    else:
        bid_deadline = now + 90 * day
    dialogue_end = registration + (bid_deadline - registration) / 2 if dialogue else None
    with ops.clock(created):
        tender = ops.create_tender(
            region=region,
            actor=officer,
            reference=f"FUZZ-{procedure.upper()}-{phase.upper()}",
            title=f"Formuliertest {procedure} {phase}",
            procedure=procedure,
            variant="task",
            estimated_value="1000000.00",
            contract_start=(to_local(max(now, bid_deadline)) + 365 * day).date(),
            duration_months=24,
            extension_count=1,
            extension_months=12,
            max_partners=2,
            standstill_days=10 if late else 20,
            registration_deadline=registration,
            dialogue_end=dialogue_end,
            bid_deadline=bid_deadline,
        )
        for number in (1, 2):
            ops.add_lot(
                tender, actor=officer, number=number, name=f"Perceel {number}", max_partners=1
            )
        ops.add_criterion(tender, actor=officer, name="Plan van aanpak", weight=60)
        ops.add_criterion(tender, actor=officer, name="Samenwerking", weight=40)
    if phase == "concept":
        return tender
    with ops.clock(created + timedelta(minutes=5)):
        ops.publish(tender, actor=officer)
        # The provider role registers itself on the published tender (its form).
        for code in BIDDERS if phase != "published" else BIDDERS[1:]:
            ops.register(
                tender,
                actor=_provider_user(code),
                lot_ids=[lot.id for lot in tender.lots],
                document=_pdf(),
                no_exclusion_grounds=True,
                suitability_answer="Referenties bijgevoegd.",
            )
        if procedure == "sas_open" and phase == "published":
            ops.ask_question(tender, actor=_provider_user(BIDDERS[1]), question="Welke regio?")
    if phase == "published":
        return tender
    with ops.clock(registration + timedelta(minutes=1)):
        ops.start_selection(tender, actor=officer)
        if phase == "selection":
            return tender
        for registration_row in ops.registrations(tender):
            ops.assess_registration(registration_row, actor=officer, status="selected")
        ops.decide_selection(tender, actor=officer, motivation="Beide partijen geschikt.")
        if phase == "selected":
            return tender
        ops.record_go(tender, actor=officer, go=True, motivation="Voldoende partijen.")
        if dialogue:
            ops.start_dialogue(tender, actor=officer)
    if phase == "dialogue":
        return tender
    with ops.clock(registration + timedelta(hours=2)):
        if dialogue:
            ops.add_agreement(tender, actor=officer, text="Afspraak van de formuliertest.")
            ops.record_go(tender, actor=officer, go=True, motivation="Afspraken compleet.")
        ops.start_award(tender, actor=officer)
        if phase == "award":
            return tender
        for code in BIDDERS:
            for lot in tender.lots:
                ops.submit_bid(
                    tender,
                    actor=_provider_user(code),
                    lot_id=lot.id,
                    plan=_pdf(),
                    accepts_agreements=True,
                )
    with ops.clock(bid_deadline + timedelta(hours=1)):
        for bid in ops.tender_bids(tender):
            for criterion, score in zip(tender.criteria, (8, 7), strict=True):
                ops.score_bid(bid, actor=officer, criterion_id=criterion.id, score=score)
        if phase == "scored":
            return tender
        option = ops.award_options(tender)[0]
        ops.record_provisional_award(
            tender, actor=officer, winners=option.winners, motivation="Hoogste score."
        )
        if phase == "standstill":
            bidder = db.session.execute(
                select(Provider.id).where(Provider.short_code == BIDDERS[1])
            ).scalar_one()
            ops.record_objection(
                tender, actor=officer, provider_id=bidder, description="Bezwaar tegen de score."
            )
            return tender
    if phase == "standstill_over":
        return tender
    with ops.clock(tender.standstill_ends_at + timedelta(hours=1)):
        ops.finalize_award(tender, actor=officer)
    return tender


def _open_houses(officer, region, today) -> None:
    """A concept open house (its set-up forms) and a running one whose first entry moment
    is past its application deadline with nothing open (its update can go out), and where
    the provider role is asked for more information (its response form)."""
    demo = db.session.execute(
        select(Tender).where(Tender.procedure == "open_house").order_by(Tender.id)
    ).scalar()
    category = db.session.execute(
        select(Category).where(Category.tender_id == demo.id).order_by(Category.id)
    ).scalar()
    products = [p.id for p in category.products]
    # The demo's entry moment past its application deadline: its open applications
    # decided, so that its update (who joined) can go out.
    now = utcnow()
    for moment in oh_ops.moments(demo):
        if moment.application_deadline > now:
            continue
        waiting = db.session.execute(
            select(Application).where(
                Application.entry_moment_id == moment.id,
                Application.status.in_(OPEN_APPLICATION_STATUSES),
            )
        ).scalars()
        for application in list(waiting):
            oh_ops.decide(
                application,
                decisions={link.category_id: "rejected" for link in application.categories},
                reason="Formuliertest: buiten de termijn.",
                actor=officer,
            )
    for name, start in (("CONCEPT", today + timedelta(days=200)), ("OPEN", today + timedelta(7))):
        tender = oh_ops.create_open_house(
            region=region,
            reference=f"FUZZ-OH-{name}",
            title=f"Formuliertest open house {name.lower()}",
            contract_start=start,
            duration_months=24,
            entry_months="1,2,3,4,5,6,7,8,9,10,11,12",
            application_weeks=4,
            assessment_weeks=1,
            actor=officer,
        )
        category = oh_ops.add_category(
            tender, code="FT", name="Formuliertest", product_ids=products, actor=officer
        )
        oh_ops.add_requirement(tender, text="Kwaliteitskeurmerk", actor=officer)
        if name == "CONCEPT":
            continue
        oh_ops.publish(tender, actor=officer)
        provider = db.session.execute(
            select(Provider).where(Provider.short_code == BIDDERS[0])
        ).scalar_one()
        requirements = db.session.execute(
            select(Requirement).where(Requirement.tender_id == tender.id)
        ).scalars()
        application = oh_ops.submit_application(
            tender,
            provider=provider,
            user=_provider_user(BIDDERS[0]),
            category_ids=[category.id],
            municipality_ids=[m.id for m in region.municipalities][:1],
            motivation="Formuliertest.",
            answers={r.id: "Zie bijlage." for r in requirements},
        )
        oh_ops.request_more_info(application, note="Stuur het keurmerk mee.", actor=officer)


def _consultations(officer, region, today) -> None:
    for status in ("draft", "open"):
        consultation = consultation_ops.create_consultation(
            region=region,
            actor=officer,
            title=f"Formuliertest {status}",
            segment="Jeugdhulp",
            planned_procedure="sas_open",
            closes_on=today + timedelta(days=30),
        )
        consultation_ops.add_question(consultation, text="Wat mist er?", actor=officer)
        if status == "open":
            consultation_ops.move(consultation, "open", actor=officer)


def _finance(officer, region, today) -> None:
    """A draft framework for next year and an adopted one for this year, each with a line."""
    from procure.finance import operations as finance_ops

    for year in (today.year, today.year + 1):
        framework = finance_ops.create_framework(region=region, year=year, actor=officer)
        for kind in ("regular", "reserved"):
            finance_ops.add_line(
                framework,
                code=f"FT-{kind}",
                name=f"Formuliertest {kind}",
                amount="1000.00",
                kind=kind,
                actor=officer,
            )
        if year == today.year:
            finance_ops.adopt_framework(
                framework, decided_on=today, reference="RBO-FUZZ", actor=officer
            )
    finance_ops.create_indicator(
        region=region,
        code="formuliertest",
        name="Formuliertest",
        unit="count",
        direction="down",
        actor=officer,
    )


def _supervision(region, today) -> None:
    """An open measure on a signal of the region, a provider under heightened supervision
    (the demo has both, in another region), and a fresh signal under investigation whose
    page offers the hand-over (the region's other open signals are moved on by the walk's
    own accepted posts before it reads them)."""
    from procure.supervision import operations as supervision_ops
    from procure.supervision.models import CATEGORIES, MEASURE_KINDS, SOURCES, Signal

    supervisor = _user("supervisor.wbo@example.org")
    signal = db.session.execute(
        select(Signal)
        .where(Signal.region_id == region.id, Signal.state == "investigating")
        .order_by(Signal.id)
    ).scalar_one()
    supervision_ops.impose_measure(
        signal,
        actor=supervisor,
        kind=next(iter(MEASURE_KINDS)),
        description="Verbeterplan van de formuliertest.",
        due_on=today + timedelta(days=30),
    )
    provider = db.session.execute(
        select(Provider).where(Provider.short_code == BIDDERS[1])
    ).scalar_one()
    supervision_ops.start_heightened(
        provider,
        actor=supervisor,
        reason="Formuliertest.",
        start_on=today,
        review_on=today + timedelta(days=90),
    )
    fresh = supervision_ops.log_signal(
        actor=supervisor,
        provider_id=provider.id,
        source=next(iter(SOURCES)),
        received_on=today,
        category=next(iter(CATEGORIES)),
        description="Signaal van de formuliertest, over te dragen.",
    )
    supervision_ops.triage(
        fresh,
        actor=supervisor,
        decision="investigate",
        motivation="Formuliertest.",
        investigation_due_on=today + timedelta(days=30),
    )


def _missing_care(today) -> None:
    """A municipality's report of missing care (the overview then offers to feed it into a
    consultation)."""
    from procure.missing_care import operations as missing_ops
    from procure.missing_care.models import THEMES
    from procure.missing_care.policy import open_periods

    year, half = open_periods(today)[0]
    missing_ops.record_entry(
        actor=_user("municipality-breda.wbo@example.org"),
        year=year,
        half=half,
        theme=next(iter(THEMES)),
        description="Formuliertest.",
    )


def _failed_email() -> None:
    """One e-mail that failed its last attempt (the admin's page offers to resend it): the
    outbox delivered once to the test's closed mail port, with one attempt allowed."""
    from procure.reminders.sweep import deliver_outbox

    config = current_app.config
    attempts = config.get("REMINDERS_MAX_ATTEMPTS")
    config["REMINDERS_MAX_ATTEMPTS"] = 1
    try:
        deliver_outbox(utcnow(), limit=1)
    finally:
        config["REMINDERS_MAX_ATTEMPTS"] = attempts


def prepare(roles: dict[str, str]) -> None:
    """Everything above, once, before the walk (the demo loaded)."""
    region = db.session.execute(select(Region).where(Region.short_code == "wbo")).scalar_one()
    officer = _user(OFFICER)
    now = utcnow()
    today = to_local(now).date()
    for procedure in ("sas_dialogue", "sas_open"):
        for phase in SAS_PHASES:
            _sas_tender(procedure, phase, officer, region, now)
    _open_houses(officer, region, today)
    _consultations(officer, region, today)
    _finance(officer, region, today)
    _supervision(region, today)
    _missing_care(today)
    for email in roles.values():  # each role's profile lists a token it may revoke
        auth_ops.create_token(_user(email), "formuliertest")
    _failed_email()
    db.session.commit()


def _first_per(column, *, where=(), key=None):
    """One id (or `key`) per value of `column` and region."""
    model = column.class_
    key = key if key is not None else model.id
    rows = db.session.execute(
        select(func.min(key)).where(*where).group_by(column, model.region_id)
    ).scalars()
    return sorted(rows)


def pages() -> list[str]:
    """One page per record type and state: where the walk starts after the menu."""
    urls = []
    fresh = select(Tender.id, Tender.procedure).where(Tender.reference.like("FUZZ-%"))
    first = select(func.min(Tender.id), Tender.procedure).group_by(Tender.procedure, Tender.status)
    tenders = dict(db.session.execute(fresh).all()) | dict(db.session.execute(first).all())
    for tender_id, procedure in sorted(tenders.items()):
        if procedure == "open_house":
            urls.append(f"/open-house/{tender_id}")
        else:
            urls += [f"/aanbestedingen/{tender_id}", f"/aanbestedingen/{tender_id}/portaal"]
    from procure.catalogue.models import Product
    from procure.supervision.models import HeightenedSupervision, Measure, Signal

    urls += [f"/catalogus/{i}" for i in _first_per(Product.status)]
    urls += [f"/marktconsultaties/{i}" for i in _first_per(MarketConsultation.status)]
    urls += [f"/contracten/{i}" for i in _first_per(Contract.status)]
    urls += [
        f"/financien/kader/{y}"
        for y in _first_per(BudgetFramework.status, key=BudgetFramework.year)
    ]
    urls += [f"/signalen/{i}" for i in _first_per(Signal.state)]
    urls += [f"/signalen/{i}" for i in _first_per(Measure.status, key=Measure.signal_id)]
    urls += [f"/open-house/aanvragen/{i}" for i in _first_per(Application.status)]
    urls += [
        f"/signalen/aanbieder/{p}"
        for p in _first_per(
            HeightenedSupervision.region_id,
            where=[HeightenedSupervision.ended_on.is_(None)],
            key=HeightenedSupervision.provider_id,
        )
    ]
    codes = _first_per(Indicator.region_id, key=Indicator.code)
    urls += [f"/financien/indicatoren/{code}" for code in codes]
    return [*urls, "/ontbrekend-aanbod/", "/meldingen/beheer", "/profiel"]


def today() -> date:
    return to_local(utcnow()).date()
