"""Contract models. Owned by the contracts issue; the tender, open-house, supervision,
documents and reminders issues rely on the columns marked INTERFACE, so keep them."""

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.auth.permissions import Scope
from procure.core.types import Money
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

CONTRACT_STATUSES = ("concept", "active", "extended", "ended", "terminated")
ORIGINS = ("lot_award", "open_house", "custom")


class Contract(db.Model):
    __tablename__ = "contracts"
    # Region staff see the region's contracts; a municipality sees region-wide contracts and
    # its own custom contracts; a provider sees its own.
    __scope__ = Scope(region="region_id", municipality="municipality_id",
                      provider="provider_id")

    # INTERFACE: id, reference, region_id, municipality_id (custom contracts only),
    # provider_id, origin, tender_id, lot_id, task_area_id, variant, start_date, end_date,
    # status, manager_id
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"),
                                                        index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    origin: Mapped[str] = mapped_column(String(20))
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    variant: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    estimated_value: Mapped[Decimal | None] = mapped_column(Money)

    region: Mapped[Region] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    provider: Mapped[Provider] = relationship()

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()
