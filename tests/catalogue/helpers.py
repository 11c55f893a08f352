"""Builders for catalogue tests."""

from datetime import date

from procure.catalogue import operations as ops
from procure.catalogue.models import TaskArea
from procure.extensions import db
from tests import factories as f


def task_area(
    region_code="wbo", code="specialistisch", name="Specialistische en/of locatiegebonden jeugdhulp"
) -> TaskArea:
    region = f.region(region_code)
    return ops.ensure_task_area(region.id, code, name)


def product(
    code="54002",
    *,
    region_code="wbo",
    variant="effort",
    unit="minuut",
    price="2.13",
    status="vastgesteld",
    valid_from=date(2026, 1, 1),
    name="Specialistische GGZ-behandeling",
    **kwargs,
):
    region = f.region(region_code)
    area = task_area(region_code)
    p = ops.create_product(
        region.id,
        code=code,
        name=name,
        variant=variant,
        unit=unit if variant != "task" else None,
        price=price if variant != "task" else None,
        valid_from=valid_from,
        task_area_id=area.id,
        description=kwargs.pop("description", "Behandeling door een team."),
        **kwargs,
    )
    if status == "vastgesteld":
        ops.fix_product(p, actor=None)
    db.session.commit()
    return p
