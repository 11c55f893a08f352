from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.contracts import operations as ops
from procure.contracts.models import (
    Contract,
    ContractYear,
    ManagementMeeting,
    ProviderManagement,
)
from procure.core.errors import Conflict, ValidationFailed
from procure.extensions import db
from procure.tenders.models import Tender
from tests import factories as f
from tests.contracts.helpers import (
    contract_days,
    contract_ids,
    due,
    effort_contract,
    lumpsum_contract,
)


def test_demo_contracts_follow_the_seeds(demo):
    # A second run adds nothing: tests/test_demo.py checks every table.
    slt_2027 = db.session.execute(
        select(func.sum(ContractYear.budget))
        .join(Contract)
        .join(Tender, Contract.tender_id == Tender.id)
        .where(Tender.reference == "WBO-SLT-2027", ContractYear.year == 2027)
    ).scalar()
    assert slt_2027 == Decimal("43000000.00")  # seed 003, 2.1
    vbc = db.session.execute(select(Contract).filter_by(reference="WBO-VBC-2024-01")).scalar_one()
    assert vbc.year(2026).value == Decimal("13000000.00")
    residential = db.session.execute(
        select(Contract).join(Tender).where(Tender.reference == "WBO-VBC-2027")
    ).scalar_one()
    assert residential.year(2027).value == Decimal("13000000.00")
    assert residential.status == "active" and residential.start_date == date(2027, 1, 1)
    effort = (
        db.session.execute(select(Contract).where(Contract.reference.like("WBO-AMB-%")))
        .scalars()
        .all()
    )
    levels = [ops.utilisation(c)[0]["level"] for c in effort]
    assert levels.count("warn") + levels.count("alert") == 1
    # Seed 001: about 300 custom contracts worth about EUR 3.8 million in H1 2024, in all
    # 11 municipalities, with the seed's reasons.
    custom = db.session.execute(select(Contract).where(Contract.origin == "custom")).scalars().all()
    assert len(custom) == 300
    assert Decimal("3600000") < sum(c.custom_total for c in custom) < Decimal("4000000")
    assert len({c.municipality_id for c in custom}) == 11
    assert {c.custom_reason for c in custom} == {"out_of_region", "specific_need", "waiting_time"}
    assert {c.start_date.year for c in custom} == {2024} and max(
        c.start_date for c in custom
    ) <= date(2024, 6, 1)
    unmanaged = db.session.execute(
        select(func.count(Contract.id))
        .join(Tender, Contract.tender_id == Tender.id)
        .where(Tender.procedure != "open_house", Contract.manager_id.is_(None))
    ).scalar_one()
    assert unmanaged == 0
    # Een 10 voor de Jeugd: the agreement running since January 2022; Samen voor Jeugd:
    # one common start and end date.
    e10 = f.region("e10")
    e10_dates = set(
        db.session.execute(
            select(Contract.start_date, Contract.end_date).where(
                Contract.region_id == e10.id, Contract.origin == "open_house"
            )
        ).tuples()
    )
    assert e10_dates == {(date(2022, 1, 1), date(2027, 12, 31))}
    svj = f.region("svj")
    svj_dates = set(
        db.session.execute(
            select(Contract.start_date, Contract.end_date).where(Contract.region_id == svj.id)
        ).tuples()
    )
    assert len(svj_dates) == 1


def test_management_level_meeting_actions_and_assessment(app):
    region = f.region("wbo")
    provider = f.provider("horizon")
    with pytest.raises(ValidationFailed):
        ops.set_management_level(
            region_id=region.id, provider_id=provider.id, level="intensive", reason=""
        )
    ops.set_management_level(
        region_id=region.id,
        provider_id=provider.id,
        level="intensive",
        reason="Strategische partner",
    )
    with pytest.raises(ValidationFailed):
        ops.record_meeting(
            region_id=region.id,
            provider_id=provider.id,
            held_on=date(2026, 9, 1),
            attendees="CM",
            topics="Productie",
            actions=[{"description": "Cijfers", "owner": "", "due_on": None}],
        )
    assert db.session.execute(select(func.count(ManagementMeeting.id))).scalar_one() == 0
    meeting = ops.record_meeting(
        region_id=region.id,
        provider_id=provider.id,
        held_on=date(2026, 9, 1),
        attendees="CM, bestuurder",
        topics="Productie, financiën",
        actions=[
            {"description": "Cijfers aanleveren", "owner": "Horizon", "due_on": date(2026, 10, 1)}
        ],
        next_meeting_on=date(2026, 12, 1),
    )
    row = db.session.execute(select(ProviderManagement)).scalar_one()
    assert row.level == "intensive" and row.next_meeting_on == date(2026, 12, 1)
    meetings = due("contract_meeting", last=date(2026, 12, 31))
    assert [m.url for m in meetings] == [f"/contracten/beheer/{provider.id}"]
    assert due("contract_meeting", last=date(2026, 11, 30)) == []
    ops.complete_action(meeting.actions[0])
    assert meeting.actions[0].done
    ops.record_assessment(
        region_id=region.id,
        provider_id=provider.id,
        kind="entry",
        year=2026,
        assessed_on=date(2026, 1, 5),
        outcome="sound",
        notes="",
    )
    with pytest.raises(Conflict):
        ops.record_assessment(
            region_id=region.id,
            provider_id=provider.id,
            kind="entry",
            year=2026,
            assessed_on=date(2026, 1, 6),
            outcome="risk",
            notes="",
        )


def test_management_pages_are_region_staff_only(client):
    region = f.region("wbo")
    provider = f.provider("horizon")
    lumpsum_contract(provider=provider)
    f.login(client, f.user("municipality"))
    assert client.get("/contracten/beheer").status_code == 403
    assert client.get(f"/contracten/beheer/{provider.id}").status_code == 403
    f.post(client, "/uitloggen")
    f.login(client, f.user("contract_manager"))
    assert provider.name in client.get("/contracten/beheer").get_data(as_text=True)
    response = f.post(
        client,
        f"/contracten/beheer/{provider.id}",
        {
            "action": "level",
            "l-level": "intensive",
            "l-reason": "Grote lumpsum",
            "l-next_meeting_on": "2026-12-10",
        },
    )
    assert response.status_code == 302
    row = db.session.execute(select(ProviderManagement)).scalar_one()
    assert row.level == "intensive" and row.region_id == region.id


def test_deadline_sources_for_reminders(app):
    c = lumpsum_contract(notice_months=6)
    e = effort_contract(ceiling="1000.00")
    ops.record_realisation(e, product="45A53", period="2026-02", units="9")
    decisions = due("contract_extension_decision", last=date(2030, 6, 30))
    assert sorted(contract_ids(decisions)) == sorted([c.id, e.id, e.id])
    decisions = due("contract_extension_decision", last=date(2027, 6, 30))
    assert contract_days(decisions) == [(e.id, date(2027, 6, 30))]
    assert contract_ids(due("contract_end", last=date(2027, 12, 31))) == [e.id]
    notice = due("contract_notice", last=date(2030, 6, 30))
    assert set(contract_days(notice)) == {
        (e.id, date(2027, 9, 30)),
        (c.id, date(2030, 6, 30)),
    }
    assert contract_ids(due("budget_ceiling_warn")) == [e.id]
    assert due("budget_ceiling_alert") == []


def test_cli_lapses_options_and_imports_realisation(app, tmp_path):
    c = lumpsum_contract()
    e = effort_contract()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["contracts", "lapse-options", "--today", "2030-07-01"])
    assert result.exit_code == 0 and "4 optie(s)" in result.output  # 2 + 2 of the effort contract
    db.session.expire_all()
    assert [o.status for o in db.session.get(Contract, c.id).options] == ["lapsed", "lapsed"]
    bad = tmp_path / "bad.csv"
    bad.write_text("periode;productcode;eenheden\n2026-01;45A53;x\n", encoding="utf-8")
    result = runner.invoke(args=["contracts", "import-realisation", e.reference, str(bad)])
    assert result.exit_code != 0 and "Regel 2" in result.output
    good = tmp_path / "good.csv"
    good.write_text("periode;productcode;eenheden\n2026-01;45A53;2\n", encoding="utf-8")
    result = runner.invoke(args=["contracts", "import-realisation", e.reference, str(good)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["contracts", "utilisation", e.reference])
    assert "2026: 197.00 van 100000.00" in result.output


def test_meeting_with_minutes_upload_and_action_through_the_page(client):
    import io

    provider = f.provider("horizon")
    lumpsum_contract(provider=provider)
    f.login(client, f.user("contract_manager"))
    data = {
        "action": "meeting",
        "m-held_on": "2026-09-17",
        "m-attendees": "CM, bestuurder",
        "m-topics": "Productie en financiën",
        "m-minutes": (io.BytesIO(b"not a pdf"), "verslag.pdf"),
        "m-action_description": "Wachtlijst aanleveren",
        "m-action_owner": "Horizon",
        "m-action_due_on": "2026-10-31",
        "m-next_meeting_on": "2026-12-10",
    }
    response = f.post(
        client, f"/contracten/beheer/{provider.id}", data, content_type="multipart/form-data"
    )
    assert response.status_code == 422  # not really a PDF: refused, nothing stored
    assert db.session.execute(select(func.count(ManagementMeeting.id))).scalar_one() == 0
    data["m-minutes"] = (io.BytesIO(b"%PDF-1.4 verslag"), "verslag.pdf")
    response = f.post(
        client, f"/contracten/beheer/{provider.id}", data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    meeting = db.session.execute(select(ManagementMeeting)).scalar_one()
    assert meeting.minutes_file_id and meeting.actions[0].owner == "Horizon"
    minutes = client.get(f"/contracten/beheer/verslag/{meeting.id}")
    assert minutes.status_code == 200 and minutes.data.startswith(b"%PDF")
    page = client.get(f"/contracten/beheer/{provider.id}").get_data(as_text=True)
    assert "Wachtlijst aanleveren" in page and "10-12-2026" in page
    f.post(client, "/uitloggen")
    f.login(client, f.user("contract_manager", "e10", email="cm.e10@example.org"))
    assert client.get(f"/contracten/beheer/verslag/{meeting.id}").status_code == 404


def test_output_contract_books_realisation_like_effort(app):
    from tests.contracts.helpers import product

    region = f.region("wbo")
    p = product(
        region,
        code="54D01",
        name="Dyslexiezorg: diagnostiek",
        unit="stuks",
        prices={2026: "1250.00"},
        variant="output",
    )
    c = ops.create_concept_contract(
        region=region,
        provider_id=f.provider("kinderkracht").id,
        origin="lot_award",
        variant="output",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    ops.add_contract_product(c, product_id=p.id)
    ops.set_year_budget(c, year=2026, budget="10000.00")
    ops.activate_contract(c)
    rec, _ = ops.record_realisation(c, product="54D01", period="2026-04", units="7")
    assert rec.amount == Decimal("8750.00")
    assert ops.utilisation(db.session.get(Contract, c.id))[0]["level"] == "warn"
