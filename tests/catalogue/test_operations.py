from datetime import date
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.catalogue import operations as ops
from procure.catalogue.models import IndexationRun, Product, Tariff
from procure.core.errors import Conflict, InvalidTransition, ValidationFailed
from procure.extensions import db
from tests import factories as f
from tests.catalogue.helpers import product, task_area


@pytest.mark.parametrize("code", ["45A53", "54001", "42A05", "54D01", "45a53", " 44A08 "])
def test_valid_codes_are_accepted_and_normalised(app, code):
    assert ops.normalise_code(code) == code.strip().upper()


@pytest.mark.parametrize(
    "code", ["4A53", "45A533", "A5453", "4-A53", "45A5", "", None, "X5001", "45a5!", "45 53"]
)
def test_bad_codes_are_refused_with_a_dutch_message(app, code):
    with pytest.raises(ValidationFailed) as exc:
        ops.normalise_code(code)
    assert "5 tekens" in str(exc.value.message)
    assert exc.value.field == "code"


def test_create_product_refuses_a_bad_code_and_writes_nothing(app):
    region = f.region("wbo")
    with pytest.raises(ValidationFailed):
        ops.create_product(
            region.id, code="4553", name="Iets", variant="task", valid_from=date(2026, 1, 1)
        )
    assert db.session.execute(select(func.count(Product.id))).scalar_one() == 0


def test_duplicate_code_in_same_region_and_period_is_refused(app):
    first = product("45A46", unit="uur", price="81.27")
    region = f.region("wbo")
    with pytest.raises(Conflict) as exc:
        ops.create_product(
            region.id,
            code="45a46",
            name="Dubbel",
            variant="effort",
            unit="uur",
            price="10.00",
            valid_from=date(2026, 7, 1),
        )
    assert "45A46 bestaat al" in str(exc.value.message)
    # The same code in another region is fine.
    other = product("45A46", region_code="e10", unit="uur", price="80.00")
    assert other.region_id != first.region_id


def test_code_can_return_after_the_earlier_card_expired(app):
    old = product("43A11", variant="task")
    ops.expire_product(old, date(2026, 6, 30), actor=None)
    region = f.region("wbo")
    with pytest.raises(Conflict):  # overlaps the expired period
        ops.create_product(
            region.id,
            code="43A11",
            name="Dagbesteding",
            variant="task",
            valid_from=date(2026, 6, 1),
        )
    new = ops.create_product(
        region.id, code="43A11", name="Dagbesteding", variant="task", valid_from=date(2026, 7, 1)
    )
    assert new.version == 2 and new.is_current and not db.session.get(Product, old.id).is_current


@pytest.mark.parametrize("variant", ["effort", "output"])
def test_unit_price_is_required_for_effort_and_output(app, variant):
    region = f.region("wbo")
    with pytest.raises(ValidationFailed) as exc:
        ops.create_product(
            region.id,
            code="44A06",
            name="Pleegzorg",
            variant=variant,
            unit="etmaal",
            valid_from=date(2026, 1, 1),
        )
    assert exc.value.field == "tariffs"
    with pytest.raises(ValidationFailed) as exc:
        ops.create_product(
            region.id,
            code="44A06",
            name="Pleegzorg",
            variant=variant,
            price="66.48",
            valid_from=date(2026, 1, 1),
        )
    assert exc.value.field == "unit"
    p = ops.create_product(
        region.id,
        code="44A06",
        name="Pleegzorg",
        variant=variant,
        unit="etmaal",
        price="66,48",
        valid_from=date(2026, 1, 1),
    )
    assert p.tariff_for(2026).price == Decimal("66.48")


def test_unit_price_is_forbidden_for_task_oriented_products(app):
    region = f.region("wbo")
    with pytest.raises(ValidationFailed) as exc:
        ops.create_product(
            region.id,
            code="45A53",
            name="Ambulant SLT",
            variant="task",
            price="50.00",
            valid_from=date(2026, 1, 1),
        )
    assert "taakgericht" in str(exc.value.message).lower()
    p = ops.create_product(
        region.id, code="45A53", name="Ambulant SLT", variant="task", valid_from=date(2026, 1, 1)
    )
    with pytest.raises(ValidationFailed):
        ops.set_tariff(p, 2026, "50.00")
    assert db.session.execute(select(func.count(Tariff.id))).scalar_one() == 0


def test_unknown_unit_and_bad_prices_are_refused(app):
    region = f.region("wbo")
    with pytest.raises(ValidationFailed) as exc:
        ops.create_product(
            region.id,
            code="54002",
            name="GGZ",
            variant="effort",
            unit="lichtjaar",
            price="2.13",
            valid_from=date(2026, 1, 1),
        )
    assert exc.value.field == "unit"
    for bad in ("2.135", "-1", "abc", "0"):
        with pytest.raises(ValidationFailed):
            ops.create_product(
                region.id,
                code="54002",
                name="GGZ",
                variant="effort",
                unit="minuut",
                price=bad,
                valid_from=date(2026, 1, 1),
            )
    with pytest.raises(ValidationFailed):
        ops.parse_price(2.13)  # a float never passes as money


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 24), date(2027, 1, 1)),
        (date(2026, 1, 1), date(2026, 4, 1)),
        (date(2026, 3, 31), date(2026, 4, 1)),
        (date(2026, 6, 30), date(2026, 7, 1)),
        (date(2026, 7, 1), date(2026, 10, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_next_entry_moment(app, today, expected):
    assert ops.next_entry_moment(today) == expected


def test_editing_a_concept_changes_it_in_place(app):
    p = product("45A46", unit="uur", price="81.27", status="concept")
    result = ops.update_product(p, {"name": "Specialistische begeleiding"})
    assert result.id == p.id and result.version == 1 and result.name.startswith("Spec")
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "product.updated")
    ).scalar_one()
    assert event.old_values == {"name": "Specialistische GGZ-behandeling"}


@time_machine.travel("2026-05-10 10:00 +0200")
def test_editing_a_fixed_card_creates_a_version_and_keeps_the_old_one(app):
    p = product("54002", price="2.13")
    ops.set_tariff(p, 2027, "2.20")
    old_id = p.id
    new = ops.update_product(
        p,
        {"name": "Specialistische GGZ-behandeling (nieuw)", "unit": "uur"},
        change_note="Eenheid naar uur",
    )
    db.session.commit()
    db.session.expire_all()
    old = db.session.get(Product, old_id)
    assert new.id != old.id and new.version == 2 and new.is_current and not old.is_current
    assert new.valid_from == date(2026, 7, 1)  # the next entry moment by default
    assert new.status == "vastgesteld"
    # The old version is unchanged apart from its end date, and keeps its tariffs.
    assert old.name == "Specialistische GGZ-behandeling" and old.unit == "minuut"
    assert old.valid_to == date(2026, 6, 30)
    assert [t.year for t in old.tariffs] == [2026, 2027]
    assert [t.year for t in new.tariffs] == [2026, 2027]
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {"product.versioned", "product.valid_to_changed"} <= actions
    # An earlier version can no longer be edited; a version cannot start before the current.
    with pytest.raises(Conflict):
        ops.update_product(old, {"name": "x"})
    with pytest.raises(ValidationFailed):
        ops.update_product(new, {"name": "y"}, valid_from=date(2026, 7, 1))
    with pytest.raises(ValidationFailed):
        ops.update_product(new, {"name": new.name})  # nothing changed


def test_state_machine_for_cards(app):
    p = product("45A46", unit="uur", price="81.27", status="concept")
    ops.expire_product(p, actor=None)  # a concept may be withdrawn ...
    with pytest.raises(InvalidTransition):
        ops.fix_product(p, actor=None)  # ... but an expired card is never fixed again
    assert db.session.get(Product, p.id).status == "vervallen"
    p2 = product("54004", price="2.26", status="vastgesteld")
    with pytest.raises(InvalidTransition):
        ops.fix_product(p2, actor=None)
    ops.expire_product(p2, date(2026, 12, 31), actor=None)
    with pytest.raises(InvalidTransition):
        ops.update_product(p2, {"name": "x"})


def test_fixing_an_effort_card_needs_a_tariff(app):
    p = product("45A46", unit="uur", price="81.27", status="concept")
    ops.remove_tariff(p, 2026)
    with pytest.raises(ValidationFailed):
        ops.fix_product(p, actor=None)
    assert db.session.get(Product, p.id).status == "concept"


@pytest.mark.parametrize(
    ("price", "pct", "expected"),
    [
        ("10.05", "1.5", "10.20"),  # 10.20075 -> 10.20
        ("0.10", "5", "0.11"),  # 0.105 exactly: half up (a float would give 0.10)
        ("33.33", "2.5", "34.16"),  # 34.16325
        ("2.13", "3.35", "2.20"),  # 2.201355
        ("189.35", "2.9", "194.84"),  # 194.84115
        ("1.15", "10", "1.27"),  # 1.265 -> 1.27
        ("100.00", "-1.125", "98.88"),  # 98.875 -> 98.88 (half up away from zero)
        ("66.48", "0", "66.48"),
    ],
)
def test_indexation_arithmetic_rounds_half_up_to_cents(app, price, pct, expected):
    assert ops.indexed_price(Decimal(price), ops.parse_percentage(pct)) == Decimal(expected)


def test_indexation_preview_writes_nothing_then_apply_then_second_run_refused(app):
    a = product("54002", price="2.13")
    b = product("44A07", unit="etmaal", price="93.05", name="Pleegzorg intensief")
    c = product("44A08", unit="etmaal", price="189.35", name="Gezinshuis")
    product("45A53", variant="task", name="Ambulant SLT")
    ops.set_tariff(c, 2027, "195.00")  # already has next year's tariff: skipped
    db.session.commit()
    region = f.region("wbo")
    preview = ops.indexation_preview(region.id, 2026, "3,35")
    assert {(line.product.code, line.new_price) for line in preview} == {
        ("54002", Decimal("2.20")),
        ("44A07", Decimal("96.17")),
        ("44A08", None),
    }
    assert (
        db.session.execute(select(func.count(Tariff.id)).where(Tariff.year == 2027)).scalar_one()
        == 1
    )
    user = f.user("procurement")
    run = ops.apply_indexation(region.id, 2026, "3.35", actor=user)
    assert run.tariff_count == 2 and run.to_year == 2027 and run.percentage == "3.35"
    db.session.expire_all()
    assert db.session.get(Product, a.id).tariff_for(2027).price == Decimal("2.20")
    assert db.session.get(Product, b.id).tariff_for(2027).indexation_applied
    assert db.session.get(Product, c.id).tariff_for(2027).price == Decimal("195.00")
    with pytest.raises(Conflict) as exc:
        ops.apply_indexation(region.id, 2026, "1.0", actor=user)
    assert "al uitgevoerd" in str(exc.value.message)
    assert db.session.execute(select(func.count(IndexationRun.id))).scalar_one() == 1
    assert (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "tariffs.indexed"))
        .scalar_one()
        .new_values["percentage"]
        == "3.35"
    )


def test_indexation_refuses_bad_percentages(app):
    product("54002", price="2.13")
    region = f.region("wbo")
    for bad in ("abc", "60", "1.2345", 2.5):
        with pytest.raises(ValidationFailed):
            ops.apply_indexation(region.id, 2026, bad)
    assert db.session.execute(select(func.count(IndexationRun.id))).scalar_one() == 0


def test_tariff_changes_are_audited(app):
    p = product("54002", price="2.13")
    ops.set_tariff(p, 2026, "2.15")
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "tariff.changed")
    ).scalar_one()
    assert event.old_values == {"year": 2026, "price": "2.13"}
    assert event.new_values == {"year": 2026, "price": "2.15"}


def test_maatwerk_codes_derive_from_fixed_cards_and_are_idempotent(app):
    product("54002", price="2.13")
    product("45A53", variant="task", name="Ambulant SLT")
    product("45A46", unit="uur", price="81.27", status="concept")
    region = f.region("wbo")
    assert ops.derive_maatwerk_codes(region.id) == {"created": 2, "updated": 0, "deactivated": 0}
    assert ops.derive_maatwerk_codes(region.id) == {"created": 0, "updated": 0, "deactivated": 0}
    from procure.catalogue.models import MaatwerkCode

    codes = {m.code: m for m in db.session.execute(select(MaatwerkCode)).scalars()}
    assert set(codes) == {"MW54002", "MW45A53"}
    assert codes["MW54002"].unit == "minuut" and codes["MW45A53"].unit == "uur"
    assert codes["MW54002"].product.code == "54002"


def test_task_area_belongs_to_the_region(app):
    other = task_area("e10", "wonen", "Wonen")
    region = f.region("wbo")
    with pytest.raises(ValidationFailed) as exc:
        ops.create_product(
            region.id,
            code="44A06",
            name="Pleegzorg",
            variant="task",
            valid_from=date(2026, 1, 1),
            task_area_id=other.id,
        )
    assert exc.value.field == "task_area_id"
