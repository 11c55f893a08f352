"""Catalogue (PDC) models. Owned by the catalogue issue; other domains rely on the
columns marked INTERFACE below, so keep them (add freely)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.auth.permissions import Scope
from procure.core.types import Money
from procure.extensions import db

VARIANTS = ("effort", "output", "task")  # inspanningsgericht / outputgericht / taakgericht
PRODUCT_STATUSES = ("concept", "vastgesteld", "vervallen")


class TaskArea(db.Model):
    __tablename__ = "task_areas"
    __table_args__ = (UniqueConstraint("region_id", "code"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    # INTERFACE: id, region_id, code, name
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.name


class Product(db.Model):
    """One version of a product card. A new version of a fixed card is a new row with the
    same code and a later valid_from; contracts point at the row (version) they used."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("region_id", "code", "version"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    # INTERFACE: id, region_id, code, name, task_area_id, variant, unit, status, version,
    # valid_from, valid_to, tariffs
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(5), index=True)
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    variant: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column()

    task_area: Mapped[TaskArea | None] = relationship()
    tariffs: Mapped[list["Tariff"]] = relationship(back_populates="product",
                                                   order_by="Tariff.year")

    @property
    def category(self) -> str:
        return self.code[:2]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tariff(db.Model):
    __tablename__ = "tariffs"
    __table_args__ = (UniqueConstraint("product_id", "year"),)

    # INTERFACE: product_id, year, price (Decimal euro, exact)
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    year: Mapped[int] = mapped_column()
    price: Mapped[Decimal] = mapped_column(Money)

    product: Mapped[Product] = relationship(back_populates="tariffs")


class CodeTranslation(db.Model):
    """Vertaaltabel (seed 003): old product code -> new task area, variant and contract."""

    __tablename__ = "code_translations"
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    old_code: Mapped[str] = mapped_column(String(5), index=True)
    old_task_area: Mapped[str] = mapped_column(String(200), default="")
    new_task_area: Mapped[str] = mapped_column(String(200), default="")
    new_variant: Mapped[str] = mapped_column(String(10), default="")
    new_contract: Mapped[str] = mapped_column(String(200), default="")


class MaatwerkCode(db.Model):
    """Uniform custom-care code derived from a PDC product code."""

    __tablename__ = "maatwerk_codes"
    __table_args__ = (UniqueConstraint("region_id", "code"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    # INTERFACE: id, region_id, code, name, product_id, unit
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    unit: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)

    product: Mapped[Product] = relationship()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
