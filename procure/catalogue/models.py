"""Catalogue (PDC) models: task areas, product cards with their versions and tariffs, and
the custom-contract (maatwerk) codes."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.catalogue.policy import PRODUCT_STATES
from procure.core.labels import resolved
from procure.core.scope import Scope
from procure.core.types import Money, UTCDateTime, utcnow
from procure.extensions import db

VARIANTS = ("effort", "output", "task")  # inspanningsgericht / outputgericht / taakgericht
PRODUCT_STATUSES = ("concept", "vastgesteld", "vervallen")

VARIANT_LABELS = {
    "effort": _l("Inspanningsgericht"),
    "output": _l("Outputgericht"),
    "task": _l("Taakgericht"),
}
STATUS_LABELS = {
    "concept": _l("Concept"),
    "vastgesteld": _l("Vastgesteld"),
    "vervallen": _l("Vervallen"),
}
# The fixed list of units (iJw-style eenheden); a task-oriented product has no unit price.
UNITS = (
    "minuut",
    "uur",
    "dagdeel",
    "dag",
    "etmaal",
    "week",
    "maand",
    "jaar",
    "stuks",
    "rit",
    "kilometer",
    "euro",
)


class TaskArea(db.Model):
    __tablename__ = "task_areas"
    __table_args__ = (UniqueConstraint("region_id", "code"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class Segment(db.Model):
    """A segment of a region's catalogue (Een 10 voor de Jeugd, seed 001: "segment 1 -
    verblijf", "segment 2 - wonen", ...): a group of products with an account holder, the
    region's staff member who keeps the segment's providers and products in view together
    with contract management. Products may belong to one segment; reports count per segment."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("region_id", "code"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))  # "1", "2", ... as the region numbers them
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    account_holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    account_holder = relationship("User")

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def __str__(self) -> str:
        return self.label


class Product(db.Model):
    """One version of a product card. A new version of a fixed card is a new row with the
    same code and a later valid_from; contracts point at the row (version) they used.
    Exactly one row per (region, code) has is_current set: the latest version."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("region_id", "code", "version"),
        Index("ix_products_region_current", "region_id", "is_current", "code"),
        PRODUCT_STATES.constraint(),
    )
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(5), index=True)
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id"), index=True)
    # Parents pay a contribution of their own (seed 001: the new SNO products, like regular
    # childcare); the municipality pays the youth-care part.
    parental_contribution: Mapped[bool] = mapped_column(default=False)
    variant: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column()

    # Extensions (catalogue issue)
    criteria: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    is_current: Mapped[bool] = mapped_column(default=True)
    change_note: Mapped[str] = mapped_column(String(500), default="")
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task_area: Mapped[TaskArea | None] = relationship()
    segment: Mapped[Segment | None] = relationship()
    tariffs: Mapped[list["Tariff"]] = relationship(
        back_populates="product", order_by="Tariff.year", cascade="all, delete-orphan"
    )

    @property
    def category(self) -> str:
        return self.code[:2]

    @property
    def variant_label(self) -> str:
        return resolved(VARIANT_LABELS).get(self.variant, self.variant)

    @property
    def status_label(self) -> str:
        return resolved(STATUS_LABELS).get(self.status, self.status)

    @property
    def is_fixed(self) -> bool:
        """Adopted (vastgesteld): a change makes a new version instead of editing this one."""
        return self.status == "vastgesteld"

    @property
    def has_unit_price(self) -> bool:
        return self.variant != "task"

    def tariff_for(self, year: int) -> "Tariff | None":
        return next((t for t in self.tariffs if t.year == year), None)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndexationRun(db.Model):
    """One yearly indexation: next year's tariffs from this year's with a percentage."""

    __tablename__ = "indexation_runs"
    __table_args__ = (UniqueConstraint("region_id", "to_year"),)
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    from_year: Mapped[int] = mapped_column()
    to_year: Mapped[int] = mapped_column()
    percentage: Mapped[str] = mapped_column(String(12))  # exact decimal as text, e.g. "3.35"
    tariff_count: Mapped[int] = mapped_column(default=0)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def percentage_decimal(self) -> Decimal:
        return Decimal(self.percentage)


class Tariff(db.Model):
    __tablename__ = "tariffs"
    __table_args__ = (UniqueConstraint("product_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    year: Mapped[int] = mapped_column()
    price: Mapped[Decimal] = mapped_column(Money)
    indexation_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("indexation_runs.id"), index=True
    )

    product: Mapped[Product] = relationship(back_populates="tariffs")
    indexation_run: Mapped[IndexationRun | None] = relationship()

    @property
    def indexation_applied(self) -> bool:
        return self.indexation_run_id is not None


class CodeTranslation(db.Model):
    """Vertaaltabel (seed 003): old product code -> new task area, variant and contract."""

    __tablename__ = "code_translations"
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    # Empty for a row about a whole agreement without product codes (JZ+ -> JZ+).
    old_code: Mapped[str] = mapped_column(String(5), index=True)
    old_task_area: Mapped[str] = mapped_column(String(200), default="")
    # The seed's wording; the row links to the region's task area where there is one.
    new_task_area: Mapped[str] = mapped_column(String(200), default="")
    new_task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    # The share of a partial code that goes to this task area (seed 003, 2.1: 60 % of the
    # specialist mental-health care by the SLT, 40 % in the "schil").
    share_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    new_variant: Mapped[str] = mapped_column(String(10), default="")
    new_contract: Mapped[str] = mapped_column(String(200), default="")
    # Extensions: "54002 (gedeeltelijk)" splits over two rows; a label such as
    # "Vervoer rolstoel 0-19 km"; a free note ("Dyslexie kopen we los in.").
    partial: Mapped[bool] = mapped_column(default=False)
    label: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)

    task_area: Mapped["TaskArea | None"] = relationship()

    @property
    def variant_label(self) -> str:
        return resolved(VARIANT_LABELS).get(self.new_variant, self.new_variant)

    @property
    def new_task_area_code(self) -> str:
        return self.task_area.code if self.task_area else ""


class MaatwerkCode(db.Model):
    """Uniform custom-care code derived from a PDC product code."""

    __tablename__ = "maatwerk_codes"
    __table_args__ = (UniqueConstraint("region_id", "code"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

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
