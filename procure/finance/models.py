"""Financial steering: the regional budget framework (budgettair kader) with its lines and
adjustments, the assignment of contract years to lines, release decisions and advances,
allocation keys per municipality, indicators with measured values and waiting times.

Amounts are Money (exact cents). A line without an amount is "PM" (pro memorie: the seed's
CTB line from 2021 on). A line with children has no amount of its own: its framework is
the sum of its children (seed 004: the ZIN kader split into heavy care guaranteed 80 %,
heavy care reserved 20 % and the open-house estimate for light care).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.scope import Scope
from procure.core.types import Money, UTCDateTime, utcnow
from procure.extensions import db
from procure.finance.policy import ADOPTED, DRAFTED, FRAMEWORK_MACHINE
from procure.organisations.models import Municipality, Provider, Region

FRAMEWORK_STATUSES = FRAMEWORK_MACHINE.states
# What a line's money is for: ordinary, the guaranteed part of a lumpsum (paid as
# advances) or the reserved part (paid only after a recorded release decision).
LINE_KINDS = ("regular", "guaranteed", "reserved")
ALLOCATION_METHODS = ("fixed", "young_inhabitants")
INDICATOR_UNITS = ("count", "percent", "days", "euro")
DIRECTIONS = ("down", "up")
SHARE = Numeric(9, 5)
MEASURE = Numeric(14, 2)


class BudgetFramework(db.Model):
    """One region's framework for one year; drafted, then adopted by the regional board."""

    __tablename__ = "finance_frameworks"
    __table_args__ = (UniqueConstraint("region_id", "year"), FRAMEWORK_MACHINE.constraint())
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    year: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=DRAFTED)
    # The total as the adoption decision states it (the seed's 2021 total is one euro below
    # the sum of its rounded lines); shown next to the computed sum, never replacing it.
    stated_total: Mapped[Decimal | None] = mapped_column(Money)
    adopted_on: Mapped[date | None] = mapped_column()
    adoption_reference: Mapped[str | None] = mapped_column(String(200))
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    lines: Mapped[list["BudgetLine"]] = relationship(
        back_populates="framework", order_by="BudgetLine.position", cascade="all, delete-orphan"
    )
    acknowledgements: Mapped[list["FrameworkAcknowledgement"]] = relationship(
        back_populates="framework", cascade="all, delete-orphan"
    )

    @property
    def is_adopted(self) -> bool:
        return self.status == ADOPTED


class BudgetLine(db.Model):
    """A post of the framework. previous_line_id maps it onto the line of the year before
    (old structure -> new structure, e.g. CTB -> CTB/Regionale overlegstructuur)."""

    __tablename__ = "finance_lines"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("finance_frameworks.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("finance_lines.id"), index=True)
    previous_line_id: Mapped[int | None] = mapped_column(ForeignKey("finance_lines.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    kind: Mapped[str] = mapped_column(String(12), default="regular")
    incidental: Mapped[bool] = mapped_column(default=False)

    framework: Mapped[BudgetFramework] = relationship(back_populates="lines")
    parent: Mapped["BudgetLine | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list["BudgetLine"]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="BudgetLine.position"
    )
    previous_line: Mapped["BudgetLine | None"] = relationship(
        remote_side=[id], foreign_keys=[previous_line_id]
    )
    adjustments: Mapped[list["BudgetAdjustment"]] = relationship(
        back_populates="line", order_by="BudgetAdjustment.id"
    )


class BudgetAdjustment(db.Model):
    """A mutatie: a signed change of one line's framework, with the decision behind it."""

    __tablename__ = "finance_adjustments"
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("finance_lines.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    decided_on: Mapped[date] = mapped_column()
    decision_reference: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    line: Mapped[BudgetLine] = relationship(back_populates="adjustments")


class FrameworkAcknowledgement(db.Model):
    """A municipality's college has acknowledged (vastgesteld) the adopted framework."""

    __tablename__ = "finance_acknowledgements"
    __table_args__ = (UniqueConstraint("framework_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("finance_frameworks.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    acknowledged_on: Mapped[date] = mapped_column()
    decision_reference: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    framework: Mapped[BudgetFramework] = relationship(back_populates="acknowledgements")
    municipality: Mapped[Municipality] = relationship()


class LineAssignment(db.Model):
    """A contract year charged to a budget line of the same year's framework."""

    __tablename__ = "finance_line_assignments"
    __table_args__ = (UniqueConstraint("contract_year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("finance_lines.id"), index=True)
    contract_year_id: Mapped[int] = mapped_column(ForeignKey("contract_years.id"))

    line: Mapped[BudgetLine] = relationship()
    contract_year = relationship("ContractYear")


class ReleaseDecision(db.Model):
    """A recorded decision releasing (part of) a reserved line for payment."""

    __tablename__ = "finance_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("finance_lines.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    decided_on: Mapped[date] = mapped_column()
    decision_reference: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    line: Mapped[BudgetLine] = relationship()


class Disbursement(db.Model):
    """Money paid out of a guaranteed (advance) or a released reserved line."""

    __tablename__ = "finance_disbursements"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("finance_lines.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column()
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    line: Mapped[BudgetLine] = relationship()
    contract = relationship("Contract")


class AllocationKey(db.Model):
    """One version of a region's key for dividing regional money over its municipalities
    in a year. A new version never overwrites an old one: the highest version counts."""

    __tablename__ = "finance_allocation_keys"
    __table_args__ = (UniqueConstraint("region_id", "year", "version"),)
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    year: Mapped[int] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    method: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(300), default="")
    decided_on: Mapped[date] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shares: Mapped[list["AllocationShare"]] = relationship(
        back_populates="key", cascade="all, delete-orphan"
    )


class AllocationShare(db.Model):
    __tablename__ = "finance_allocation_shares"
    __table_args__ = (UniqueConstraint("key_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("finance_allocation_keys.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    share_pct: Mapped[Decimal] = mapped_column(SHARE)
    young_inhabitants: Mapped[int | None] = mapped_column()

    key: Mapped[AllocationKey] = relationship(back_populates="shares")
    municipality: Mapped[Municipality] = relationship()


class CustomContractTarget(db.Model):
    """The region's target for custom contracts against a baseline year (seed 001: 25 %
    fewer than in 2023; seed 000: half of 2023)."""

    __tablename__ = "finance_custom_targets"
    __table_args__ = (UniqueConstraint("region_id"),)
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    baseline_year: Mapped[int] = mapped_column()
    baseline_count: Mapped[int | None] = mapped_column()
    reduction_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    target_year: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(300), default="")


class Indicator(db.Model):
    __tablename__ = "finance_indicators"
    __table_args__ = (UniqueConstraint("region_id", "code"),)
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(4))
    target_value: Mapped[Decimal | None] = mapped_column(MEASURE)
    target_period: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[str] = mapped_column(String(300), default="")

    region: Mapped[Region] = relationship()
    values: Mapped[list["IndicatorValue"]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.period_start"
    )


class IndicatorValue(db.Model):
    """A measured value for one period ("2024", "2024-Q3", "2024-01" or "2024-01-30"),
    region-wide (municipality_id None) or for one municipality."""

    __tablename__ = "finance_indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "period", "municipality_id"),)
    __scope__ = Scope(region="region_id", municipality="municipality_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("finance_indicators.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    period: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column()
    value: Mapped[Decimal] = mapped_column(MEASURE)
    source: Mapped[str] = mapped_column(String(10), default="ui")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    municipality: Mapped[Municipality | None] = relationship()


class WaitingTime(db.Model):
    """A provider's reported waiting time for a product category in a month, and when the
    provider last updated it (seed 001: 90 % of providers update monthly)."""

    __tablename__ = "finance_waiting_times"
    __table_args__ = (
        UniqueConstraint("region_id", "provider_id", "category", "period", "municipality_id"),
    )
    __scope__ = Scope(region="region_id", municipality="municipality_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    # The municipality whose access team the wait applies to; None for the whole region.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    category: Mapped[str] = mapped_column(String(100))
    period: Mapped[date] = mapped_column()  # first day of the month
    average_days: Mapped[Decimal] = mapped_column(MEASURE)
    waiting: Mapped[int | None] = mapped_column()
    updated_on: Mapped[date] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    provider: Mapped[Provider] = relationship()


class ReportFile(db.Model):
    """A council or management report made in the background, kept for download. The
    same data gives the same bytes, so `sha256` identifies the figures it shows."""

    __tablename__ = "finance_report_files"
    __scope__ = Scope(region="region_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    # The municipality the report is for; None for the region's own report.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    kind: Mapped[str] = mapped_column(String(20))  # raad / management
    period: Mapped[str] = mapped_column(String(10))  # 2026-H1 / 2026-Q3
    fmt: Mapped[str] = mapped_column(String(5))  # pdf / xlsx
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    municipality: Mapped[Municipality | None] = relationship()
    file = relationship("StoredFile")
