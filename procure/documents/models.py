"""Generated documents, the clause library and the per-record document choices."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.labels import resolved
from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.core.uploads import StoredFile
from procure.extensions import db

KINDS = {
    "contract": _l("Overeenkomst"),
    "custom_contract": _l("Maatwerkovereenkomst"),
    "product_card": _l("Productkaart"),
    "catalogue": _l("Productencatalogus"),
    "selection_document": _l("Selectiedocument"),
    "dialogue_document": _l("Dialoogdocument"),
    "bid_document": _l("Inschrijfdocument"),
    "admission_document": _l("Toelatingsdocument"),
    "award_letter": _l("Gunningsbrief"),
    "rejection_letter": _l("Afwijzingsbrief"),
    "admission_letter": _l("Toelatingsbrief"),
    "admission_rejection_letter": _l("Afwijzing aanvraag tot toelating"),
}

# Letters are addressed to one provider (scores, reasons): region staff and that provider
# only, never the municipalities.
LETTER_KINDS = (
    "award_letter",
    "rejection_letter",
    "admission_letter",
    "admission_rejection_letter",
)


class GeneratedDocument(db.Model):
    """One generated version of a document, with what it was made from."""

    __tablename__ = "generated_documents"
    __scope__ = Scope(region="region_id", municipality="municipality_id", provider="provider_id")
    __table_args__ = (
        Index("ix_generated_documents_record", "record_type", "record_id"),
        Index("ix_generated_documents_region_generated", "region_id", "generated_at"),
        # the library's count (a region's documents but the kinds a role may not see) and
        # its filter by kind, read from the index alone
        Index("ix_generated_documents_region_kind", "region_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(80), default="")
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    docx_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int] = mapped_column(default=0)
    template_name: Mapped[str] = mapped_column(String(120))
    template_version: Mapped[str] = mapped_column(String(16))
    record_version: Mapped[str] = mapped_column(String(16))
    clause_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    signed_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    file: Mapped[StoredFile] = relationship(foreign_keys=[file_id])
    docx_file: Mapped[StoredFile | None] = relationship(foreign_keys=[docx_file_id])
    signed_file: Mapped[StoredFile | None] = relationship(foreign_keys=[signed_file_id])
    generated_by = relationship("User", foreign_keys=[generated_by_id])
    signed_by = relationship("User", foreign_keys=[signed_by_id])

    @property
    def kind_label(self) -> str:
        return resolved(KINDS).get(self.kind, self.kind)


class ClauseVersion(db.Model):
    """A region's version of a clause text (consideration or optional article)."""

    __tablename__ = "document_clause_versions"
    __scope__ = Scope(region="region_id", roles=("admin", "procurement", "contract_manager"))
    __table_args__ = (UniqueConstraint("region_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by = relationship("User")


class DocumentChoices(db.Model):
    """The document choices of one record (for a contract: which optional articles apply
    and the tender procedure when the record itself does not say)."""

    __tablename__ = "document_choices"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column()
    optional_articles: Mapped[list] = mapped_column(JSON, default=list)
    tender_selection: Mapped[bool | None] = mapped_column()
    award_basis: Mapped[str | None] = mapped_column(String(10))  # "emvi" / "no_emvi"
    notice_months: Mapped[int | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
