"""Market consultations (marktconsultatie): a stage of its own before a tender or an open
house, per segment or subject, with documents and questions the market answers. Its
outcome is linked to the tender that follows (seed 003, sections 2.1 and 11.1)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db

# The procedure the consultation prepares (the tender that follows need not exist yet).
PLANNED_PROCEDURES = ("open_house", "sas_dialogue", "sas_open")


class MarketConsultation(db.Model):
    __tablename__ = "market_consultations"
    # Region staff see their region's; who else sees which state: consultations.queries.
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # The segment or subject consulted on, e.g. "Wonen met begeleiding".
    segment: Mapped[str] = mapped_column(String(200))
    task_area_id: Mapped[int | None] = mapped_column(ForeignKey("task_areas.id"), index=True)
    planned_procedure: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    closes_on: Mapped[date] = mapped_column()
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region = relationship("Region")
    task_area = relationship("TaskArea")
    tender = relationship("Tender")
    questions: Mapped[list["MarketQuestion"]] = relationship(
        back_populates="consultation",
        order_by="MarketQuestion.number",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list["MarketDocument"]] = relationship(
        back_populates="consultation",
        order_by="MarketDocument.id",
        cascade="all, delete-orphan",
    )


class MarketQuestion(db.Model):
    __tablename__ = "market_consultation_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("market_consultations.id"), index=True)
    number: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)

    consultation: Mapped[MarketConsultation] = relationship(back_populates="questions")


class MarketDocument(db.Model):
    __tablename__ = "market_consultation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("market_consultations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[MarketConsultation] = relationship(back_populates="documents")
    file = relationship("StoredFile")


class MarketAnswer(db.Model):
    """One provider's answer to one question; revised in place while the consultation is
    open. Only region staff and the answering provider read it."""

    __tablename__ = "market_consultation_answers"
    __table_args__ = (UniqueConstraint("question_id", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("market_consultation_questions.id"), index=True
    )
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[MarketQuestion] = relationship()
    provider = relationship("Provider")
