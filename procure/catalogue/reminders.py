"""Reminder sources of the catalogue: the yearly tariff indexation (registered on import,
from procure.catalogue.init_app)."""

from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import func, select

from procure.catalogue.models import Product, Tariff
from procure.catalogue.policy import FIXED
from procure.core.timeutil import AMSTERDAM, local_deadline
from procure.extensions import db
from procure.reminders.rules import Deadline, register
from procure.reminders.sources import in_window, path_for, users_by_role


def indexation_deadline(year: int) -> datetime:
    """The moment by which the region settles the indexed tariffs for `year` + 1:
    REMINDERS_INDEXATION_DATE (month-day, default 11-01) at 12:00 in Amsterdam."""
    month, day = (int(p) for p in current_app.config["REMINDERS_INDEXATION_DATE"].split("-"))
    return local_deadline(date(year, month, day), time(12, 0))


@register(
    "tariff_indexation",
    "Jaarlijkse tariefindexatie",
    "6w,2w,0",
    "Tarieven voor het nieuwe jaar vaststellen (najaar), voor de inkopers van de regio.",
)
def tariff_indexation(start: datetime, end: datetime, user=None):
    years = [
        y
        for y in range(start.astimezone(AMSTERDAM).year - 1, end.astimezone(AMSTERDAM).year + 1)
        if in_window(indexation_deadline(y), start, end)
    ]
    if not years:
        return []
    recipients = users_by_role(("procurement",), user=user)
    if not recipients:
        return []
    missing = products_without_tariff(years, recipients.keys())
    url = path_for("catalogue.index")
    result = []
    for year in years:
        for region_id, users in recipients.items():
            count = missing.get((region_id, year + 1), 0)
            detail = (
                f"{count} vastgestelde producten hebben nog geen tarief voor {year + 1}."
                if count
                else f"Controleer de tarieven voor {year + 1}."
            )
            result.append(
                Deadline(
                    subject_type="region",
                    subject_id=region_id,
                    due_at=indexation_deadline(year),
                    region_id=region_id,
                    recipients=tuple(users),
                    title=f"Tariefindexatie {year + 1}: tarieven vaststellen",
                    url=url,
                    description=detail,
                )
            )
    return result


def products_without_tariff(years, region_ids) -> dict[tuple[int, int], int]:
    """(region id, year) -> number of fixed product cards without a tariff for that year."""
    counts = {}
    for year in years:
        target = year + 1
        has_tariff = (
            select(Tariff.id).where(Tariff.product_id == Product.id, Tariff.year == target).exists()
        )
        rows = db.session.execute(
            select(Product.region_id, func.count(Product.id))
            .where(
                Product.region_id.in_(list(region_ids)),
                Product.status == FIXED,
                Product.valid_from <= date(target, 12, 31),
                (Product.valid_to.is_(None)) | (Product.valid_to >= date(target, 1, 1)),
                ~has_tariff,
            )
            .group_by(Product.region_id)
        )
        for region_id, count in rows:
            counts[(region_id, target)] = count
    return counts
