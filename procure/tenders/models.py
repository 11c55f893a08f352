"""Tender models shared by the SAS procedure and the open house (procure.tenders.open_house).
Owned by the SAS tender issue; the open-house, contracts, documents and reminders issues
rely on the columns marked INTERFACE, so keep them."""

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.auth.permissions import Scope
from procure.core.types import Money
from procure.extensions import db
from procure.organisations.models import Region

PROCEDURES = ("open_house", "sas_dialogue", "sas_open")


class Tender(db.Model):
    __tablename__ = "tenders"
    # Providers see published tenders through their own portal queries, not this scope.
    __scope__ = Scope(region="region_id", providers_see_all=True)

    # INTERFACE: id, reference, title, region_id, procedure, status, variant,
    # contract_start, duration_months, extension_count, extension_months, officer_id,
    # task_area_id
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    procedure: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    variant: Mapped[str] = mapped_column(String(10))
    estimated_value: Mapped[Decimal | None] = mapped_column(Money)
    contract_start: Mapped[date | None] = mapped_column()
    duration_months: Mapped[int] = mapped_column(default=60)
    extension_count: Mapped[int] = mapped_column(default=0)
    extension_months: Mapped[int] = mapped_column(default=12)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")

    region: Mapped[Region] = relationship()
    lots: Mapped[list["Lot"]] = relationship(back_populates="tender", order_by="Lot.number")


class Lot(db.Model):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)

    # INTERFACE: id, tender_id, number, name
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    max_partners: Mapped[int | None] = mapped_column()

    tender: Mapped[Tender] = relationship(back_populates="lots")
