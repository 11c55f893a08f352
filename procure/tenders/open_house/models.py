"""Open house (toelatingsprocedure) models.

An open house is a `Tender` with procedure == "open_house" (procure.tenders.models). Everything
specific to the admission system lives in these tables: the entry regime, the categories
(sets of PDC products), the minimum requirements, the entry moments, the applications with
their answers and scores, the admissions and the products a resulting contract covers.

Every table carries the region (denormalised from the tender) so that scoping is one
column compare. Uniqueness of "one open application per provider and category" and "one
active admission per provider and category" is enforced by the database too: the `open_flag`
/ `active_flag` columns are True while open/active and NULL afterwards, and NULLs never
collide in a unique constraint (SQLite and PostgreSQL alike).
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.auth.roles import ADMIN, CONTRACT_MANAGER, PROCUREMENT, PROVIDER, SUPERVISOR
from procure.catalogue.models import Product
from procure.core.models import link_table
from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.core.uploads import StoredFile
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.tenders.models import Tender
from procure.tenders.open_house.policy import ADMISSION, APPLICATION

ENTRY_REGIMES = ("continuous", "moments")
SCORES = ("meets", "not_met", "more_info")
CATEGORY_DECISIONS = ("pending", "admitted", "rejected")
ADMISSION_STATUSES = ("active", "ended")

category_products = link_table(
    "open_house_category_products",
    category_id="open_house_categories.id",
    product_id="products.id",
)
application_municipalities = link_table(
    "open_house_application_municipalities",
    application_id="open_house_applications.id",
    municipality_id="municipalities.id",
)
# The products applied for within a category: a subset of the category's products, or (for
# an admitted provider) the products it wants added to its contract.
application_category_products = link_table(
    "open_house_application_category_products",
    application_category_id="open_house_application_categories.id",
    product_id="products.id",
)


class OpenHouseSettings(db.Model):
    """The admission regime of one open-house tender (1:1 with the tender)."""

    __tablename__ = "open_house_settings"
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    entry_regime: Mapped[str] = mapped_column(String(12), default="moments")
    # Months of the year with an entry moment on the 1st, e.g. "1,4,7,10".
    entry_months: Mapped[str] = mapped_column(String(40), default="1,4,7,10")
    application_weeks: Mapped[int] = mapped_column(default=8)
    assessment_weeks: Mapped[int] = mapped_column(default=2)
    # Continuous entry: the working group decides within this many weeks of submission.
    continuous_assessment_weeks: Mapped[int] = mapped_column(default=6)
    response_days: Mapped[int] = mapped_column(default=14)
    admission_conditions: Mapped[str] = mapped_column(Text, default="")

    tender: Mapped[Tender] = relationship()

    @property
    def months(self) -> list[int]:
        return sorted({int(m) for m in self.entry_months.split(",") if m.strip()})

    @property
    def is_continuous(self) -> bool:
        return self.entry_regime == "continuous"


class Category(db.Model):
    """A category within the open house: a set of PDC products providers apply for."""

    __tablename__ = "open_house_categories"
    __table_args__ = (UniqueConstraint("tender_id", "code"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    tender: Mapped[Tender] = relationship()
    products: Mapped[list[Product]] = relationship(
        secondary=category_products, order_by=Product.code
    )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Requirement(db.Model):
    """A minimum requirement (admission condition) the assessment checks one by one."""

    __tablename__ = "open_house_requirements"
    __table_args__ = (UniqueConstraint("tender_id", "number"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    number: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    requires_document: Mapped[bool] = mapped_column(default=False)


class EntryMoment(db.Model):
    """A toetredingsmoment: contracts of admitted providers start on entry_date."""

    __tablename__ = "open_house_entry_moments"
    __table_args__ = (UniqueConstraint("tender_id", "entry_date"),)
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    entry_date: Mapped[date] = mapped_column(index=True)
    application_deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    assessment_deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    tender: Mapped[Tender] = relationship()


class Application(db.Model):
    """An aanvraag tot toelating by one provider for one or more categories."""

    __tablename__ = "open_house_applications"
    __table_args__ = (UniqueConstraint("provider_id", "idempotency_key"), APPLICATION.constraint())
    # Region staff of the region and the applying provider; municipalities read admissions.
    __scope__ = Scope(
        region="region_id",
        provider="provider_id",
        roles=(ADMIN, PROCUREMENT, CONTRACT_MANAGER, SUPERVISOR, PROVIDER),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    # The moment it is assessed for (None with continuous entry) and, if it came in after
    # a deadline, the moment the provider had in mind.
    entry_moment_id: Mapped[int | None] = mapped_column(
        ForeignKey("open_house_entry_moments.id"), index=True
    )
    queued_from_id: Mapped[int | None] = mapped_column(ForeignKey("open_house_entry_moments.id"))
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    motivation: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Continuous entry: decide by this moment; with entry moments it is the moment's deadline.
    assessment_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    info_request: Mapped[str] = mapped_column(Text, default="")
    info_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    info_response: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(80))

    tender: Mapped[Tender] = relationship()
    provider: Mapped[Provider] = relationship()
    entry_moment: Mapped[EntryMoment | None] = relationship(foreign_keys=[entry_moment_id])
    queued_from: Mapped[EntryMoment | None] = relationship(foreign_keys=[queued_from_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    categories: Mapped[list["ApplicationCategory"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationCategory.id",
    )
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Answer.id"
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=application_municipalities, order_by=Municipality.name
    )

    @property
    def awaits_provider(self) -> bool:
        """More information was asked for: the provider must respond by response_deadline."""
        return self.status == "more_info"

    @property
    def effective_deadline(self) -> datetime | None:
        if self.entry_moment is not None:
            return self.entry_moment.assessment_deadline
        return self.assessment_deadline


class ApplicationCategory(db.Model):
    """One category applied for, with the decision for it."""

    __tablename__ = "open_house_application_categories"
    __table_args__ = (
        UniqueConstraint("application_id", "category_id"),
        UniqueConstraint(
            "provider_id", "category_id", "open_flag", name="uq_open_house_one_open_application"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("open_house_applications.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(ForeignKey("open_house_categories.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10), default="pending")
    open_flag: Mapped[bool | None] = mapped_column(default=True)
    # True when the provider is already admitted to the category and applies for more of
    # its products: a positive decision extends the existing contract (seed 001).
    additional: Mapped[bool] = mapped_column(default=False, server_default=false())

    application: Mapped[Application] = relationship(back_populates="categories")
    category: Mapped[Category] = relationship()
    products: Mapped[list[Product]] = relationship(
        secondary=application_category_products, order_by=Product.code
    )


class Answer(db.Model):
    """The provider's answer to one requirement, an optional document, and the score."""

    __tablename__ = "open_house_answers"
    __table_args__ = (UniqueConstraint("application_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("open_house_applications.id", ondelete="CASCADE"), index=True
    )
    requirement_id: Mapped[int] = mapped_column(ForeignKey("open_house_requirements.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    score: Mapped[str | None] = mapped_column(String(10))
    remark: Mapped[str] = mapped_column(Text, default="")
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="answers")
    requirement: Mapped[Requirement] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    scored_by = relationship("User", foreign_keys=[scored_by_id])


class Admission(db.Model):
    """A provider admitted to a category, from an entry moment until it leaves."""

    __tablename__ = "open_house_admissions"
    __table_args__ = (
        UniqueConstraint(
            "provider_id", "category_id", "active_flag", name="uq_open_house_one_active_admission"
        ),
        ADMISSION.constraint(),
    )
    __scope__ = Scope(region="region_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("open_house_categories.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("open_house_applications.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    active_flag: Mapped[bool | None] = mapped_column(default=True)
    ended_reason: Mapped[str] = mapped_column(Text, default="")
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_kind: Mapped[str | None] = mapped_column(String(12))  # withdrawn / terminated

    tender: Mapped[Tender] = relationship()
    provider: Mapped[Provider] = relationship()
    category: Mapped[Category] = relationship()
    application: Mapped[Application] = relationship()
    contract = relationship("Contract")

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class Notice(db.Model):
    """An in-app message to a provider about its application or admission.

    The reminders issue owns e-mail; it can pick these up (undelivered: emailed_at NULL)."""

    __tablename__ = "open_house_notices"
    __scope__ = Scope(region="region_id", provider="provider_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("open_house_applications.id"))
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


RECIPIENT_KINDS = ("access_team", "certified_institution")
UPDATE_STATUSES = ("sent",)


class UpdateRecipient(db.Model):
    """Who receives the update after each entry moment (seed 001): the access team of a
    municipality, or a certified institution (GI) working in the region."""

    __tablename__ = "open_house_update_recipients"
    __table_args__ = (UniqueConstraint("region_id", "email"),)
    __scope__ = Scope(region="region_id", roles=(ADMIN, PROCUREMENT, CONTRACT_MANAGER, SUPERVISOR))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    # Access teams work for one municipality; certified institutions for the region.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    municipality: Mapped[Municipality | None] = relationship()


class MomentUpdate(db.Model):
    """The update of one entry moment, recorded once it went out (never sent twice)."""

    __tablename__ = "open_house_moment_updates"
    __table_args__ = (UniqueConstraint("entry_moment_id"),)
    __scope__ = Scope(region="region_id", roles=(ADMIN, PROCUREMENT, CONTRACT_MANAGER, SUPERVISOR))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    entry_moment_id: Mapped[int] = mapped_column(ForeignKey("open_house_entry_moments.id"))
    status: Mapped[str] = mapped_column(String(10), default="sent")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None when the scheduled job sent it.
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipients: Mapped[str] = mapped_column(Text, default="")
    joined_count: Mapped[int] = mapped_column(default=0)
    left_count: Mapped[int] = mapped_column(default=0)
    extended_count: Mapped[int] = mapped_column(default=0)

    entry_moment: Mapped[EntryMoment] = relationship()
    sent_by = relationship("User", foreign_keys=[sent_by_id])
