"""Each domain rule fires at its moment, for the record's owner only, and once.

Records are built directly from the other domains' models (their INTERFACE columns), so
these tests check the reminder rules, not the other domains' operations.
"""

from datetime import date, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import select

from procure.contracts.models import Contract, ExtensionOption
from procure.extensions import db
from procure.reminders.models import Reminder
from procure.reminders.sweep import run_sweep
from tests import factories as f
from tests.reminders.conftest import local


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        run = run_sweep(send=False)
    assert run is not None and run.error is None, run and run.error
    return run


def reminders(rule_key):
    return (
        db.session.execute(
            select(Reminder)
            .where(Reminder.rule_key == rule_key)
            .order_by(Reminder.remind_at, Reminder.id)
        )
        .scalars()
        .all()
    )


# -- SAS tenders -------------------------------------------------------------------------------

_seq = iter(range(1, 10_000))


def _tender(officer, **moments):
    from procure.tenders.models import Tender

    tender = Tender(
        reference=f"WBO-2026-{next(_seq):03d}",
        title="SLT Breda",
        region_id=officer.region_id,
        procedure="sas_dialogue",
        status=moments.pop("status", "published"),
        variant="task",
        officer_id=officer.id,
        **moments,
    )
    db.session.add(tender)
    db.session.commit()
    return tender


def test_tender_bid_deadline_and_opening_fire_for_the_officer_only(app):
    officer = f.user("procurement", "wbo", email="officer@example.org")
    f.user("procurement", "wbo", email="colleague@example.org")
    f.user("procurement", "e10", email="elsewhere@example.org")
    bid = local(2026, 4, 2, 12, 0)  # summer time; a week before (26 March) is winter time
    tender = _tender(officer, status="award", bid_deadline=bid)
    sweep_at(local(2026, 3, 26, 11, 59))  # 1w before = 26 March 12:00 (CET, before DST)
    assert reminders("tender_bid_deadline") == []
    sweep_at(local(2026, 3, 26, 12, 0))
    [week] = reminders("tender_bid_deadline")
    assert week.offset == "1w" and week.recipient_id == officer.id
    assert week.remind_at == local(2026, 3, 26, 12, 0)
    assert week.url == f"/aanbestedingen/{tender.id}"
    sweep_at(bid)
    [opening] = reminders("tender_bid_opening")
    assert opening.remind_at == bid and "mogen nu worden geopend" in opening.title
    sweep_at(bid + timedelta(minutes=15))
    assert len(reminders("tender_bid_opening")) == 1
    assert {r.recipient_id for r in db.session.execute(select(Reminder)).scalars()} == {officer.id}


def test_tender_without_officer_goes_to_the_regions_procurement(app):
    a = f.user("procurement", "wbo", email="a@example.org")
    b = f.user("procurement", "wbo", email="b@example.org")
    f.user("procurement", "e10", email="c@example.org")
    tender = _tender(a, registration_deadline=local(2026, 5, 4, 17, 0))
    tender.officer_id = None
    db.session.commit()
    sweep_at(local(2026, 5, 3, 17, 1))
    assert {r.recipient_id for r in reminders("tender_registration")} == {a.id, b.id}


def test_standstill_and_go_no_go(app):
    officer = f.user("procurement", "wbo", email="officer@example.org")
    _tender(officer, status="standstill", standstill_ends_at=local(2026, 7, 1, 0, 0))
    _tender(officer, status="dialogue", dialogue_end=local(2026, 7, 1, 12, 0))
    sweep_at(local(2026, 7, 1, 12, 1))
    assert [r.offset for r in reminders("tender_standstill_end")] == ["2d", "0"]
    assert [r.offset for r in reminders("tender_go_no_go")] == ["2d", "0"]
    # end of dialogue: "1d" fired yesterday; "1w" fired 7 days and a minute ago, just
    # beyond the 7-day horizon, so it is not sent any more
    assert [r.offset for r in reminders("tender_dialogue_end")] == ["1d"]


# -- open house ---------------------------------------------------------------------------------


def test_open_house_application_and_assessment_deadlines(app):
    from procure.tenders.models import Tender
    from procure.tenders.open_house.models import Application, EntryMoment

    officer = f.user("procurement", "wbo", email="officer@example.org")
    provider_user = f.user("provider", provider_code="kompas", email="kompas@example.org")
    other_provider = f.user("provider", provider_code="linde", email="linde@example.org")
    tender = Tender(
        reference="WBO-OH-2026",
        title="Open house jeugdhulp",
        procedure="open_house",
        region_id=officer.region_id,
        status="published",
        variant="effort",
        officer_id=officer.id,
    )
    db.session.add(tender)
    db.session.flush()
    moment = EntryMoment(
        tender_id=tender.id,
        region_id=tender.region_id,
        entry_date=date(2026, 7, 1),
        application_deadline=local(2026, 5, 6, 12, 0),
        assessment_deadline=local(2026, 6, 17, 17, 0),
    )
    db.session.add(moment)
    db.session.flush()
    application = Application(
        reference="AV-1",
        tender_id=tender.id,
        region_id=tender.region_id,
        provider_id=provider_user.provider_id,
        entry_moment_id=moment.id,
        status="more_info",
        response_deadline=local(2026, 5, 20, 12, 0),
    )
    db.session.add(application)
    db.session.commit()
    sweep_at(local(2026, 5, 5, 12, 0))
    [day_before] = reminders("open_house_application_deadline")
    assert day_before.offset == "1d" and day_before.recipient_id == officer.id
    assert "01-07-2026" in day_before.title
    sweep_at(local(2026, 5, 20, 12, 0))
    response = reminders("open_house_response_deadline")
    # the provider that must answer, nobody else (not another provider, not the region)
    assert {r.recipient_id for r in response} == {provider_user.id}
    assert other_provider.id not in {
        r.recipient_id for r in db.session.execute(select(Reminder)).scalars()
    }
    sweep_at(local(2026, 6, 17, 17, 0))
    assert [r.offset for r in reminders("open_house_assessment_deadline")] == ["1w", "1d", "0"]
    sweep_at(local(2026, 6, 23, 23, 59))
    assert reminders("open_house_entry_moment") == []
    sweep_at(local(2026, 6, 24, 0, 0))  # a week before the contracts start on 1 July
    [entry] = reminders("open_house_entry_moment")
    assert entry.recipient_id == officer.id and entry.url == f"/open-house/{tender.id}"


# -- contracts ----------------------------------------------------------------------------------


def _contract(
    manager,
    *,
    reference="WBO-2026-001",
    end=date(2027, 12, 31),
    status="active",
    municipality_id=None,
    region_id=None,
    origin="lot_award",
    notice_months=3,
):
    provider = f.provider("kompas")
    contract = Contract(
        reference=reference,
        title="SLT Oosterhout",
        region_id=region_id or manager.region_id,
        provider_id=provider.id,
        origin=origin,
        variant="task",
        start_date=date(2023, 1, 1),
        end_date=end,
        status=status,
        manager_id=manager.id if manager else None,
        municipality_id=municipality_id,
        notice_months=notice_months,
    )
    db.session.add(contract)
    db.session.commit()
    return contract


def test_extension_decision_nine_six_three_months_before(app):
    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    f.user("contract_manager", "wbo", email="other-cm@example.org")
    contract = _contract(manager)
    db.session.add(
        ExtensionOption(
            contract_id=contract.id,
            sequence=1,
            months=12,
            decision_deadline=date(2027, 6, 30),
            status="open",
        )
    )
    db.session.commit()
    sweep_at(local(2026, 9, 30, 8, 59))
    assert reminders("contract_extension_decision") == []
    sweep_at(local(2026, 9, 30, 9, 0))  # 9 months before 30 June 2027, 09:00 Dutch time
    sweep_at(local(2026, 12, 30, 9, 0))
    sweep_at(local(2027, 3, 30, 9, 0))  # across the March DST change: still 09:00
    got = reminders("contract_extension_decision")
    assert [r.offset for r in got] == ["9m", "6m", "3m"]
    assert [r.remind_at for r in got] == [
        local(2026, 9, 30, 9, 0),
        local(2026, 12, 30, 9, 0),
        local(2027, 3, 30, 9, 0),
    ]
    assert {r.recipient_id for r in got} == {manager.id}
    assert got[0].url == f"/contracten/{contract.id}"


def test_contract_end_and_notice_deadline(app):
    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    _contract(manager, end=date(2026, 12, 31), notice_months=3)
    # notice deadline 30 September 2026; 1 week before = 23 September 09:00
    sweep_at(local(2026, 9, 23, 9, 0))
    [notice] = reminders("contract_notice")
    assert notice.offset == "1w" and "30-09-2026" in notice.title
    sweep_at(local(2026, 12, 1, 9, 0))  # 1 month before the end
    [end] = reminders("contract_end")
    assert end.offset == "1m" and end.due_at == local(2026, 12, 31, 9, 0)


def test_ended_contracts_and_other_regions_get_nothing(app):
    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    _contract(manager, end=date(2026, 12, 31), status="ended")
    sweep_at(local(2026, 12, 1, 9, 0))
    assert reminders("contract_end") == []


def test_custom_contract_reminds_the_owning_municipality_not_another(app):
    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    breda = f.user("municipality", "wbo", email="breda@example.org", municipality_name="Breda")
    altena = f.user("municipality", "wbo", email="altena@example.org", municipality_name="Altena")
    _contract(
        None,
        reference="MW-BREDA-1",
        end=date(2026, 12, 31),
        origin="custom",
        municipality_id=breda.municipality_id,
        region_id=manager.region_id,
    )
    sweep_at(local(2026, 12, 1, 9, 0))
    got = {r.recipient_id for r in reminders("contract_end")}
    assert got == {breda.id, manager.id}  # no manager: the region's contract managers
    assert altena.id not in got


def _effort_contract_year(manager, reference="WBO-2026-001", years=(2026,)):
    """An effort contract with a budget of 1000 euro per year; returns (contract, product
    row, the ContractYear of the last year)."""
    from procure.catalogue.models import Product
    from procure.contracts.models import ContractedProduct, ContractYear

    contract = _contract(manager, reference=reference)
    contract.variant = "effort"
    product = db.session.execute(select(Product).where(Product.code == "45A53")).scalar()
    if product is None:
        product = Product(
            region_id=manager.region_id,
            code="45A53",
            name="Specialistische GGZ",
            variant="effort",
            unit="uur",
            status="vastgesteld",
            valid_from=date(2025, 1, 1),
        )
        db.session.add(product)
        db.session.flush()
    cp = ContractedProduct(contract_id=contract.id, product_id=product.id)
    rows = [
        ContractYear(
            contract_id=contract.id,
            year=y,
            budget=Decimal("1000.00"),
            value=Decimal("1000.00"),
            realised=Decimal("0.00"),
        )
        for y in years
    ]
    db.session.add_all([cp, *rows])
    db.session.commit()
    return contract, cp, rows[-1]


def _realise(contract, cp, year, amount, at):
    from procure.contracts.models import Realisation

    db.session.add(
        Realisation(
            contract_id=contract.id,
            contract_product_id=cp.id,
            period=date(year.year, at.month, 1),
            units=Decimal("1"),
            unit_price=Decimal(amount),
            amount=Decimal(amount),
            created_at=at,
        )
    )
    year.realised += Decimal(amount)
    db.session.commit()


def test_budget_ceiling_80_and_100_percent_fire_once_when_passed(app):
    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    contract, cp, year = _effort_contract_year(manager)

    def realise(amount, at):
        _realise(contract, cp, year, amount, at)

    realise("500.00", local(2026, 3, 10, 10, 0))
    sweep_at(local(2026, 3, 10, 10, 15))
    assert reminders("budget_ceiling_warn") == []
    realise("350.00", local(2026, 4, 14, 11, 0))  # 85 %
    sweep_at(local(2026, 4, 14, 11, 15))
    [warn] = reminders("budget_ceiling_warn")
    assert warn.due_at == local(2026, 4, 14, 11, 0) and "80 %" in warn.title
    assert not warn.late
    realise("200.00", local(2026, 5, 2, 9, 30))  # 105 %
    sweep_at(local(2026, 5, 2, 9, 45))
    sweep_at(local(2026, 5, 2, 10, 0))
    assert len(reminders("budget_ceiling_warn")) == 1
    [alert] = reminders("budget_ceiling_alert")
    assert alert.recipient_id == manager.id and "100 %" in alert.title


def test_budget_ceiling_sums_and_links_the_contract_of_the_year(app):
    """A contract year's id differs from its contract's id (another contract has years
    too): the reminder still sums this contract's realisation and links to it."""
    from procure.contracts.models import ContractYear

    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    _effort_contract_year(manager, reference="WBO-2026-001", years=(2024, 2025, 2026))
    contract, cp, _ = _effort_contract_year(manager, reference="WBO-2026-002", years=(2025, 2026))
    # of two years at most one can share the contract's id (PostgreSQL keeps its sequences
    # across tests, so the ids are not known in advance)
    year = next(
        y
        for y in db.session.execute(
            select(ContractYear).where(ContractYear.contract_id == contract.id)
        ).scalars()
        if y.id != contract.id
    )
    _realise(contract, cp, year, "850.00", local(year.year, 4, 14, 11, 0))
    sweep_at(local(year.year, 4, 14, 11, 15))
    [warn] = reminders("budget_ceiling_warn")
    assert warn.subject_type == "contract_year" and warn.subject_id == year.id
    assert warn.url.endswith(f"/contracten/{contract.id}") and "WBO-2026-002" in warn.title


def test_next_contract_management_meeting(app):
    from procure.contracts.models import ProviderManagement

    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    provider = f.provider("baken")
    db.session.add(
        ProviderManagement(
            region_id=manager.region_id,
            provider_id=provider.id,
            level="intensive",
            next_meeting_on=date(2026, 10, 27),
            manager_id=manager.id,
        )
    )
    db.session.commit()
    sweep_at(local(2026, 10, 26, 9, 0))  # the day after the clocks went back
    [day_before] = reminders("contract_meeting")
    assert day_before.offset == "1d" and day_before.recipient_id == manager.id
    assert day_before.remind_at == local(2026, 10, 26, 9, 0)


# -- supervision --------------------------------------------------------------------------------


def _signal(supervisor, **values):
    from procure.supervision.models import Signal

    provider = f.provider("horizon")
    signal = Signal(
        reference=f"SIG-2026-{next(_seq):03d}",
        region_id=supervisor.region_id,
        provider_id=provider.id,
        source="internal",
        received_on=date(2026, 3, 20),
        category="quality",
        description="Signaal over wachttijden",
        **values,
    )
    db.session.add(signal)
    db.session.commit()
    return signal


def test_signal_triage_due_date_goes_to_the_assigned_supervisor(app):
    assigned = f.user("supervisor", "wbo", email="sup1@example.org")
    f.user("supervisor", "wbo", email="sup2@example.org")
    signal = _signal(
        assigned, state="received", assigned_to_id=assigned.id, triage_due_on=date(2026, 3, 30)
    )
    sweep_at(local(2026, 3, 29, 9, 0))  # the day the clocks went forward
    [before] = reminders("signal_triage")
    assert before.offset == "1d" and before.recipient_id == assigned.id
    assert before.remind_at == local(2026, 3, 29, 9, 0)
    assert before.url == f"/signalen/{signal.id}"


def test_unassigned_signal_goes_to_the_regions_supervisors(app):
    one = f.user("supervisor", "wbo", email="sup1@example.org")
    two = f.user("supervisor", "wbo", email="sup2@example.org")
    f.user("supervisor", "e10", email="sup3@example.org")
    f.user("contract_manager", "wbo", email="cm@example.org")
    _signal(one, state="investigating", investigation_due_on=date(2026, 6, 15))
    sweep_at(local(2026, 6, 8, 9, 0))
    assert {r.recipient_id for r in reminders("signal_investigation")} == {one.id, two.id}


def test_follow_up_of_a_monitored_signal(app):
    supervisor = f.user("supervisor", "wbo", email="sup@example.org")
    _signal(
        supervisor, state="triaged", assigned_to_id=supervisor.id, follow_up_on=date(2026, 9, 14)
    )
    _signal(
        supervisor, state="closed", assigned_to_id=supervisor.id, follow_up_on=date(2026, 9, 14)
    )  # closed: nothing to follow up
    sweep_at(local(2026, 9, 13, 9, 0))
    [before] = reminders("signal_follow_up")
    assert before.offset == "1d" and before.recipient_id == supervisor.id


def test_measure_deadline(app):
    from procure.supervision.models import Measure

    supervisor = f.user("supervisor", "wbo", email="sup@example.org")
    signal = _signal(supervisor, state="measures", assigned_to_id=supervisor.id)
    db.session.add(
        Measure(
            signal_id=signal.id,
            region_id=signal.region_id,
            provider_id=signal.provider_id,
            kind="improvement_plan",
            description="Verbeterplan",
            imposed_on=date(2026, 4, 1),
            due_on=date(2026, 5, 1),
            status="open",
        )
    )
    db.session.commit()
    sweep_at(local(2026, 5, 1, 9, 0))
    assert [r.offset for r in reminders("signal_measure")] == ["1w", "0"]
