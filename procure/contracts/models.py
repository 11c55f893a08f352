"""Contract models: contracts with their years, extension options, contracted products and
prices, realisation, payments, and the contract management of providers."""

from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    type_coerce,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.auth.roles import REGION_STAFF
from procure.contracts.policy import CONTRACT_FLOW, EXTENSION_OPTION
from procure.core.scope import Scope
from procure.core.types import Money, UTCDateTime, utcnow
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

CONTRACT_STATUSES = ("concept", "active", "extended", "ended", "terminated")
ORIGINS = ("lot_award", "open_house", "custom")
OPTION_STATUSES = ("open", "exercised", "declined", "lapsed")
# Why a municipality needed a custom contract (seeds 000 and 001 monitor these): placement
# outside the region, a very specific need, waiting times at contracted providers, or
# another reason explained in text. Contracts from before the codes existed carry None.
CUSTOM_REASONS = ("out_of_region", "specific_need", "waiting_time", "other")
TERMINATION_REASONS = ("bankruptcy", "mutual", "insufficient_effort", "breach", "other")
# Seed 001: intensive supplier management, proactive and reactive contract management.
MANAGEMENT_LEVELS = ("intensive", "proactive", "reactive")
ASSESSMENT_KINDS = ("entry", "yearly")
ASSESSMENT_OUTCOMES = ("sound", "attention", "risk")
PERCENT = Numeric(7, 3)


def cents(column):
    """A Money column as raw integer cents in SQL (for sums and comparisons with numbers:
    a plain literal next to a Money column would otherwise be bound as euros)."""
    return type_coerce(column, BigInteger)


def euros(value) -> Decimal:
    """Raw cents from SQL back to exact euros."""
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


UNITS = Numeric(14, 2)


def is_lumpsum_variant(variant: str) -> bool:
    """A task-oriented (lumpsum) contract: paid in terms, no realisation per unit."""
    return variant == "task"


class Contract(db.Model):
    __tablename__ = "contracts"
    # The list's filter (scope) + sort: a region's contracts by reference or end date, a
    # provider's by reference (checked with EXPLAIN in benchmarks/pages.py).
    __table_args__ = (
        Index("ix_contracts_region_reference", "region_id", "reference"),
        Index("ix_contracts_region_end", "region_id", "end_date"),
        Index("ix_contracts_provider_reference", "provider_id", "reference"),
        # The list's count for roles that do not see custom contracts (origin != 'custom'):
        # a scan of this narrow index, not of the contract rows (nationally: all of them).
        Index("ix_contracts_region_origin", "region_id", "origin"),
        CONTRACT_FLOW.constraint(),
    )
    # Region staff see the region's contracts; a municipality sees region-wide contracts and
    # its own custom contracts; a provider sees its own.
    __scope__ = Scope(region="region_id", municipality="municipality_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    origin: Mapped[str] = mapped_column(String(20))
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    variant: Mapped[str] = mapped_column(String(10), index=True)
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    estimated_value: Mapped[Decimal | None] = mapped_column(Money)

    # Life cycle
    notice_months: Mapped[int] = mapped_column(default=3)
    # end_date - notice_months, kept on every flush (procure.contracts.derived): the
    # reminder sweep finds the notice deadlines of a window with one indexed range.
    notice_deadline: Mapped[date | None] = mapped_column(index=True)
    termination_reason: Mapped[str | None] = mapped_column(String(30))
    termination_note: Mapped[str | None] = mapped_column(Text)
    notice_given_on: Mapped[date | None] = mapped_column()
    # Transition period (seed 003, 10.4): clients in care when the contract ends continue
    # with this provider until this date (procure.contracts.changes sets it).
    transition_until: Mapped[date | None] = mapped_column()
    transition_note: Mapped[str | None] = mapped_column(Text)
    # Utilisation thresholds (percent of the yearly ceiling)
    warn_pct: Mapped[int] = mapped_column(default=80)
    alert_pct: Mapped[int] = mapped_column(default=100)
    # Custom contracts (maatwerkovereenkomst)
    maatwerk_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("maatwerk_codes.id"), index=True
    )
    custom_unit_price: Mapped[Decimal | None] = mapped_column(Money)
    custom_units: Mapped[Decimal | None] = mapped_column(UNITS)
    custom_total: Mapped[Decimal | None] = mapped_column(Money)
    justification: Mapped[str | None] = mapped_column(Text)
    custom_reason: Mapped[str | None] = mapped_column(String(20), index=True)
    custom_reason_text: Mapped[str | None] = mapped_column(Text)
    # Denormalised total of the yearly contract values, kept by the operations.
    contract_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))

    region: Mapped[Region] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    provider: Mapped[Provider] = relationship()
    manager = relationship("User", foreign_keys=[manager_id])
    task_area = relationship("TaskArea")
    maatwerk_code = relationship("MaatwerkCode")
    # where the contract came from (a lot award or an open house)
    tender = relationship("Tender")
    lot = relationship("Lot")
    years: Mapped[list["ContractYear"]] = relationship(
        back_populates="contract", order_by="ContractYear.year", cascade="all, delete-orphan"
    )
    options: Mapped[list["ExtensionOption"]] = relationship(
        back_populates="contract", order_by="ExtensionOption.sequence", cascade="all, delete-orphan"
    )
    products: Mapped[list["ContractedProduct"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan"
    )

    @property
    def is_terminated(self) -> bool:
        """Ended early by notice (opzegging), as opposed to reaching its end date."""
        return self.status == "terminated"

    @property
    def is_custom(self) -> bool:
        return self.origin == "custom"

    @property
    def is_lumpsum(self) -> bool:
        return is_lumpsum_variant(self.variant)

    def year(self, year: int) -> "ContractYear | None":
        return next((y for y in self.years if y.year == year), None)

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()


class ContractYear(db.Model):
    """One contract year: the lumpsum budget (task) or the budget ceiling (effort/output).

    For a lumpsum: indexed = budget x (1 + indexation %), discount = indexed x efficiency %,
    value = indexed - discount (each step rounded half up to the cent). For effort/output
    the value is the ceiling. `realised` is the sum of the realisation records, kept by the
    operations (never typed)."""

    __tablename__ = "contract_years"
    __table_args__ = (UniqueConstraint("contract_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    year: Mapped[int] = mapped_column()
    budget: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    indexation_pct: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal("0"))
    efficiency_pct: Mapped[Decimal] = mapped_column(PERCENT, default=Decimal("0"))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    reserve: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    reserve_drawn: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    realised: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # Seed 004: a lumpsum split into a guaranteed part (e.g. 80 %) and a reserved part, and
    # a bandwidth of clients the lumpsum covers (aggregate numbers, never client data).
    guaranteed_pct: Mapped[Decimal | None] = mapped_column(PERCENT)
    clients_min: Mapped[int | None] = mapped_column()
    clients_max: Mapped[int | None] = mapped_column()
    # When the realisation passed the contract's warning and alert thresholds (the
    # created_at of the record that did), kept on every flush (procure.contracts.derived)
    # so the reminder sweep reads the passes of a window through an index.
    warn_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    alert_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    contract: Mapped[Contract] = relationship(back_populates="years")

    @property
    def guaranteed(self) -> Decimal | None:
        if self.guaranteed_pct is None:
            return None
        from procure.core.types import to_money

        return to_money(self.value * self.guaranteed_pct / 100)

    @property
    def reserved_part(self) -> Decimal | None:
        guaranteed = self.guaranteed
        return None if guaranteed is None else self.value - guaranteed

    @property
    def utilisation_pct(self) -> Decimal | None:
        return self.pct_of(self.realised, self.value)

    @staticmethod
    def pct_of(realised: Decimal, value: Decimal) -> Decimal | None:
        """Realised as a percentage of value, rounded down for display (so 99.98 % never
        reads as 100 %); None without a value."""
        if not value:
            return None
        return (realised * 100 / value).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)

    @property
    def reserve_left(self) -> Decimal:
        return self.reserve - self.reserve_drawn


class BudgetDecision(db.Model):
    """A recorded decision adjusting a year's lumpsum budget or budget ceiling."""

    __tablename__ = "contract_budget_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_year_id: Mapped[int] = mapped_column(ForeignKey("contract_years.id"), index=True)
    old_amount: Mapped[Decimal | None] = mapped_column(Money)
    new_amount: Mapped[Decimal] = mapped_column(Money)
    decided_on: Mapped[date] = mapped_column()
    reference: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract_year: Mapped[ContractYear] = relationship()


class ReserveDrawdown(db.Model):
    __tablename__ = "contract_reserve_drawdowns"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_year_id: Mapped[int] = mapped_column(ForeignKey("contract_years.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    drawn_on: Mapped[date] = mapped_column()
    motivation: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract_year: Mapped[ContractYear] = relationship()


class Payment(db.Model):
    """One instalment of the lumpsum payment schedule and, once paid, its registration."""

    __tablename__ = "contract_payments"
    __table_args__ = (UniqueConstraint("contract_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    year: Mapped[int] = mapped_column()
    month: Mapped[int] = mapped_column()
    amount_due: Mapped[Decimal] = mapped_column(Money)
    amount_paid: Mapped[Decimal | None] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column()
    payment_reference: Mapped[str | None] = mapped_column(String(100))


class ExtensionOption(db.Model):
    __tablename__ = "contract_extension_options"
    __table_args__ = (UniqueConstraint("contract_id", "sequence"), EXTENSION_OPTION.constraint())

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    sequence: Mapped[int] = mapped_column()
    months: Mapped[int] = mapped_column()
    decision_deadline: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    decided_on: Mapped[date | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="options")


class ContractedProduct(db.Model):
    """A contracted product (a PDC product version) on an effort/output contract."""

    __tablename__ = "contract_products"
    __table_args__ = (UniqueConstraint("contract_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # From when the product is contracted: a later admission adds products to a running
    # contract. None: from the contract's start.
    effective_from: Mapped[date | None] = mapped_column()
    # Until when: an open-house admission that ends takes its products off the contract.
    effective_to: Mapped[date | None] = mapped_column()
    # The open-house category whose admission brought the product onto the contract.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("open_house_categories.id"))

    contract: Mapped[Contract] = relationship(back_populates="products")
    product = relationship("Product")
    category = relationship("Category")
    prices: Mapped[list["ContractPrice"]] = relationship(
        back_populates="contract_product",
        order_by="ContractPrice.year",
        cascade="all, delete-orphan",
    )

    def price_for(self, year: int) -> Decimal | None:
        return next((p.price for p in self.prices if p.year == year), None)


class ContractPrice(db.Model):
    __tablename__ = "contract_prices"
    __table_args__ = (UniqueConstraint("contract_product_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_product_id: Mapped[int] = mapped_column(ForeignKey("contract_products.id"), index=True)
    year: Mapped[int] = mapped_column()
    price: Mapped[Decimal] = mapped_column(Money)

    contract_product: Mapped[ContractedProduct] = relationship(back_populates="prices")


class Realisation(db.Model):
    """Realised production: units of a contracted product in a month. amount = units x the
    contracted unit price of that year, computed by the app."""

    __tablename__ = "contract_realisations"
    __table_args__ = (UniqueConstraint("created_by_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    contract_product_id: Mapped[int] = mapped_column(ForeignKey("contract_products.id"), index=True)
    period: Mapped[date] = mapped_column()  # first day of the month
    # The municipality the care was for; None on records from before it was registered
    # (shown as "gemeente onbekend", never guessed).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    units: Mapped[Decimal] = mapped_column(UNITS)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    override: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="ui")
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract_product: Mapped[ContractedProduct] = relationship()
    municipality: Mapped[Municipality | None] = relationship()


class ProviderManagement(db.Model):
    """The contract management tier of a provider within a region (seed 001; the norms are
    in procure.contracts.tiers), with the risk it was chosen on."""

    __tablename__ = "provider_management"
    __table_args__ = (UniqueConstraint("region_id", "provider_id"),)
    __scope__ = Scope(region="region_id", roles=REGION_STAFF)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    level: Mapped[str] = mapped_column(String(12), default="reactive")
    reason: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[str] = mapped_column(String(8), default="low")
    # The day the current tier was set: the norm counts from here until a first meeting.
    level_since: Mapped[date | None] = mapped_column()
    next_meeting_on: Mapped[date | None] = mapped_column(index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Kept by the operations (a meeting recorded, the tier changed), so the reminder of the
    # norm reads the providers due in its window by index instead of every meeting.
    last_meeting_on: Mapped[date | None] = mapped_column()
    norm_due_on: Mapped[date | None] = mapped_column(index=True)

    provider: Mapped[Provider] = relationship()


class ManagementMeeting(db.Model):
    __tablename__ = "contract_meetings"
    __scope__ = Scope(region="region_id", roles=REGION_STAFF)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    held_on: Mapped[date] = mapped_column()
    attendees: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[str] = mapped_column(Text, default="")
    # Standard topics discussed (keys of procure.contracts.tiers.MEETING_TOPICS), comma-separated.
    topic_keys: Mapped[str] = mapped_column(String(200), default="")
    minutes_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))

    actions: Mapped[list["MeetingAction"]] = relationship(
        back_populates="meeting", order_by="MeetingAction.due_on", cascade="all, delete-orphan"
    )
    minutes_file = relationship("StoredFile")


class MeetingAction(db.Model):
    __tablename__ = "contract_meeting_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("contract_meetings.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column()
    done: Mapped[bool] = mapped_column(default=False)

    meeting: Mapped[ManagementMeeting] = relationship(back_populates="actions")


class FinancialAssessment(db.Model):
    __tablename__ = "contract_financial_assessments"
    __scope__ = Scope(region="region_id", roles=REGION_STAFF)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column()
    assessed_on: Mapped[date] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


from procure.contracts import derived  # noqa: E402, F401 (keeps the derived columns)
