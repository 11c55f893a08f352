"""Addenda and subcontractors of a contract. Both are read through the contract's own
visibility (procure.contracts.queries.visible), so they carry no scope of their own."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db


class ContractAddendum(db.Model):
    """A change to a signed contract; `document` is the contract version it produced."""

    __tablename__ = "contract_addenda"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[int] = mapped_column()
    agreed_on: Mapped[date] = mapped_column()
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column()
    document_id: Mapped[int | None] = mapped_column(ForeignKey("generated_documents.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract = relationship("Contract")
    document = relationship("GeneratedDocument")


class Subcontractor(db.Model):
    """A party the provider engages for part of the care: a provider of the register (also
    one without a contract of its own) or a free name with its KvK number."""

    __tablename__ = "contract_subcontractors"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kvk_number: Mapped[str] = mapped_column(String(8), index=True)
    work: Mapped[str] = mapped_column(String(300), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract = relationship("Contract")
    provider = relationship("Provider")
