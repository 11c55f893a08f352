"""The budget framework of seed 004 (section 4.2), built through the operations, and its
life cycle: drafted, adopted by the RBO, adjusted only with a recorded decision."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from procure.extensions import db
from procure.finance import operations as ops
from procure.finance import queries as q
from procure.finance.models import BudgetAdjustment, BudgetLine
from tests import factories as f
from tests.finance.helpers import nob_user, noordoost_brabant


def build_2020(admin):
    region = noordoost_brabant()
    framework = ops.create_framework(region=region, year=2020, actor=admin)
    for code, name, amount, incidental in [
        ("jzplus", "Jeugdzorgplus", 4_647_090, False),
        ("lta", "LTA", 11_780_760, False),
        ("gi", "Gecertificeerde instellingen", 11_983_630, False),
        ("vt", "Veilig Thuis", 4_725_133, False),
        ("zin", "ZIN Kader", 95_335_702, False),
        ("ctb", "CTB", 86_000, False),
        ("transformatie", "Opbouw van de transformatie", 6_500_000, True),
    ]:
        ops.add_line(
            framework, code=code, name=name, amount=amount, incidental=incidental, actor=admin
        )
    ops.adopt_framework(
        framework, decided_on=date(2019, 4, 10), reference="RBO 10 april 2019", actor=admin
    )
    return framework


def adjust(line, amount, admin, reference="RBO 4 oktober 2019"):
    return ops.add_adjustment(
        line,
        amount=amount,
        decided_on=date(2019, 10, 4),
        decision_reference=reference,
        reason="Autonome ontwikkelingen",
        actor=admin,
    )


def test_seed_004_table_2020_to_the_euro(app):
    admin = nob_user("admin")
    framework = build_2020(admin)
    lines = {line.code: line for line in framework.lines}
    for code, amount in [("jzplus", -259_620), ("gi", 599_182), ("vt", 75_000), ("zin", 783_852)]:
        adjust(lines[code], amount, admin)
    adjust(lines["transformatie"], -3_000_000, admin)
    table = q.framework_table(q.framework_for(framework.region_id, 2020))
    by_code = {r.line.code: r for r in table.rows}
    assert table.amount == Decimal("128558315.00")
    assert table.adjustments == Decimal("1198414.00")
    assert table.adjusted == Decimal("129756729.00")
    assert by_code["jzplus"].adjusted == Decimal("4387470.00")
    assert by_code["gi"].adjusted == Decimal("12582812.00")
    assert by_code["vt"].adjusted == Decimal("4800133.00")
    assert by_code["zin"].adjusted == Decimal("96119554.00")
    assert by_code["ctb"].adjusted == Decimal("86000.00")
    # Including the incidental transformation build-up: 6.5 and then 3.5 million.
    assert table.amount_incl == Decimal("135058315.00")
    assert table.adjusted_incl == Decimal("133256729.00")


def build_2021(admin):
    region = noordoost_brabant()
    framework = ops.create_framework(
        region=region, year=2021, stated_total=131_310_909, actor=admin
    )
    for code, name, amount, parent, previous, kind in [
        ("jzplus", "Jeugdzorgplus", 4_387_470, None, "jzplus", "regular"),
        ("lta", "LTA", 11_780_760, None, "lta", "regular"),
        ("gi", "Gecertificeerde instellingen", 12_582_812, None, "gi", "regular"),
        ("vt", "Veilig Thuis", 4_877_633, None, "vt", "regular"),
        ("ctb", "CTB/Regionale overlegstructuur", None, None, "ctb", "regular"),
        ("zin", "ZIN kader", None, None, "zin", "regular"),
        ("zwaar-g", "Zware hulp 'gegarandeerd' (80%)", 44_000_000, "zin", None, "guaranteed"),
        ("zwaar-r", "Zware hulp 'gereserveerd' (20%)", 11_000_000, "zin", None, "reserved"),
        ("licht", "Raming 'lichte hulp' (Open House)", 42_682_235, "zin", None, "regular"),
    ]:
        ops.add_line(
            framework,
            code=code,
            name=name,
            amount=amount,
            parent_code=parent,
            previous_code=previous,
            kind=kind,
            actor=admin,
        )
    return framework


def test_new_structure_2021_with_split_zin_and_mapping(app):
    admin = nob_user("admin")
    build_2020(admin)
    region = noordoost_brabant()
    framework = build_2021(admin)
    table = q.framework_table(q.framework_for(region.id, 2021))
    by_code = {r.line.code: r for r in table.rows}
    assert by_code["zin"].amount == Decimal("97682235.00")
    assert [r.line.code for r in by_code["zin"].children] == ["zwaar-g", "zwaar-r", "licht"]
    assert by_code["ctb"].is_pm
    assert by_code["ctb"].line.previous_line.name == "CTB"
    # The seed states 131,310,909; its rounded lines add up to one euro more.
    assert table.amount == Decimal("131310910.00")
    assert framework.stated_total == Decimal("131310909.00")
    assert table.stated_difference == Decimal("-1.00")
    lineage = q.lineage(framework)
    old_zin = next(line for line in q.framework_for(region.id, 2020).lines if line.code == "zin")
    assert lineage[by_code["zin"].line.id] == old_zin.id


def test_adjustment_after_adoption_without_decision_is_refused_and_nothing_changes(app):
    admin = nob_user("admin")
    framework = build_2020(admin)
    line = next(line for line in framework.lines if line.code == "vt")
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    with pytest.raises(ValidationFailed) as refused:
        ops.add_adjustment(
            line,
            amount=75_000,
            decided_on=date(2019, 10, 4),
            decision_reference="  ",
            reason="Extra capaciteit",
            actor=admin,
        )
    assert refused.value.field == "decision_reference"
    # Editing the line directly is refused as well once adopted.
    with pytest.raises(NotAllowed):
        ops.set_line_amount(line, amount=4_800_133, actor=admin)
    with pytest.raises(NotAllowed):
        ops.add_line(framework, code="nieuw", name="Nieuwe post", amount=1, actor=admin)
    db.session.expire_all()
    assert db.session.execute(select(func.count(BudgetAdjustment.id))).scalar_one() == 0
    assert db.session.get(BudgetLine, line.id).amount == Decimal("4725133.00")
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events
    with pytest.raises(InvalidTransition):
        ops.adopt_framework(framework, decided_on=date(2019, 5, 1), reference="x", actor=admin)


def test_draft_is_edited_directly_and_adoption_needs_a_reference(app):
    admin = nob_user("admin")
    framework = ops.create_framework(region=noordoost_brabant(), year=2024, actor=admin)
    line = ops.add_line(framework, code="vt", name="Veilig Thuis", amount=100, actor=admin)
    ops.set_line_amount(line, amount="4.877.633", actor=admin)
    assert line.amount == Decimal("4877633.00")
    with pytest.raises(NotAllowed):
        adjust(line, 10, admin)
    with pytest.raises(ValidationFailed):
        ops.adopt_framework(framework, decided_on=date(2024, 1, 1), reference="", actor=admin)
    assert framework.status == "drafted"


def test_municipality_acknowledges_once_and_cannot_adjust(app):
    admin = nob_user("admin")
    framework = build_2020(admin)
    vught = nob_user("municipality")
    ops.acknowledge_framework(
        framework,
        acknowledged_on=date(2020, 5, 19),
        decision_reference="Z18 - 206129",
        actor=vught,
    )
    assert [a.municipality.name for a in framework.acknowledgements] == ["Vught"]
    with pytest.raises(ValidationFailed):
        ops.acknowledge_framework(
            framework, acknowledged_on=date(2020, 5, 20), decision_reference="x", actor=vught
        )
    with pytest.raises(NotAllowed):
        adjust(framework.lines[0], 1, vught)


def test_demo_reproduces_seed_004(demo):
    # A second run adds nothing: tests/test_demo.py checks every table.
    from procure.organisations.models import Region

    nob = db.session.execute(select(Region).filter_by(short_code="nob")).scalar_one()
    assert [m.name for m in nob.municipalities] == ["Vught"]
    t2020 = q.framework_table(q.framework_for(nob.id, 2020))
    assert (t2020.amount, t2020.adjustments, t2020.adjusted) == (
        Decimal("128558315.00"),
        Decimal("1198414.00"),
        Decimal("129756729.00"),
    )
    assert t2020.adjusted_incl == Decimal("133256729.00")
    for year in (2021, 2022, 2023):
        table = q.framework_table(q.framework_for(nob.id, year))
        by_code = {r.line.code: r for r in table.rows}
        assert by_code["zin-zwaar-gegarandeerd"].amount == Decimal("44000000.00")
        assert by_code["zin-zwaar-gereserveerd"].amount == Decimal("11000000.00")
        assert by_code["zin-licht"].amount == Decimal("42682235.00")
        assert table.framework.stated_total == Decimal("131310909.00")


def test_a_year_is_read_against_the_mapped_lines_of_the_year_before(client):
    admin = nob_user("admin")
    lines_2020 = {line.code: line for line in build_2020(admin).lines}
    for code, amount in [("vt", 75_000), ("zin", 783_852)]:
        adjust(lines_2020[code], amount, admin)
    framework = build_2021(admin)
    previous = q.previous_adjusted(framework)
    by_code = {line.code: line.id for line in framework.lines}
    assert previous[by_code["zin"]] == Decimal("96119554.00")  # old ZIN -> split new ZIN
    assert previous[by_code["vt"]] == Decimal("4800133.00")
    assert by_code["zwaar-g"] not in previous  # new in 2021: nothing to compare with
    f.login(client, admin)
    page = client.get("/financien/kader/2021").get_data(as_text=True)
    zin_row = page.split('data-code="zin"')[1].split("</tr>")[0]
    assert "ZIN Kader" in zin_row  # "Vervolg van" the 2020 line
    assert zin_row.split('data-key="previous">')[1].startswith("€ 96.119.554")
    new_row = page.split('data-code="zwaar-g"')[1].split("</tr>")[0]
    assert 'data-key="previous"></td>' in new_row


def test_the_framework_status_check_is_the_machine_and_refuses_an_unknown_state(app):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from procure.finance.models import BudgetFramework
    from procure.finance.policy import FRAMEWORK_MACHINE

    check = next(c for c in BudgetFramework.__table__.constraints if c.name.endswith("_known"))
    assert str(check.sqltext) == FRAMEWORK_MACHINE.check_sql()
    framework = build_2020(nob_user("admin"))
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(BudgetFramework)
            .where(BudgetFramework.id == framework.id)
            .values(status="ingetrokken")
        )
        db.session.flush()
    db.session.rollback()
    assert db.session.get(BudgetFramework, framework.id).status == "adopted"
