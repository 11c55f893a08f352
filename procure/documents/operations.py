"""Document operations: generate and store, upload a signed copy, edit the clause library,
set a record's document choices. The only place that writes documents state."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record, record_new
from procure.core.errors import ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.core.uploads import store_bytes, store_upload
from procure.documents.clauses import BY_KEY, OPTIONAL_ARTICLES
from procure.documents.contexts import DocumentSpec
from procure.documents.engine import (
    DocumentMeta,
    Rendered,
    render_html,
    render_pdf,
    template_fingerprint,
)
from procure.documents.models import ClauseVersion, DocumentChoices, GeneratedDocument
from procure.documents.sandbox import ALLOWED_FIELDS, check_clause, render_clause
from procure.extensions import db
from procure.organisations.models import Region

MAX_DOCUMENT_BYTES = 40 * 1024 * 1024


def meta_for(spec: DocumentSpec) -> DocumentMeta:
    region = db.session.get(Region, spec.region_id)
    return DocumentMeta(
        title=spec.title,
        author=spec.author,
        subject=spec.subject,
        reference=spec.reference,
        region_name=region.name if region else "",
        created=spec.created,
        keywords=[spec.kind, spec.reference],
    )


def render_spec(spec: DocumentSpec) -> Rendered:
    return render_pdf(spec.template, spec.context, meta_for(spec))


def render_html_for(spec: DocumentSpec) -> str:
    """The exact HTML that goes into WeasyPrint."""
    return render_html(spec.template, spec.context, meta_for(spec))


def preview_html(spec: DocumentSpec) -> str:
    return render_html(spec.template, spec.context, meta_for(spec), for_screen=True)


def docx_for(spec: DocumentSpec) -> bytes | None:
    if spec.kind != "custom_contract":
        return None
    from procure.documents.docx_format import build_custom_docx

    return build_custom_docx(spec.context, created=spec.created)


@operation
def generate(spec: DocumentSpec, *, actor=None) -> GeneratedDocument:
    """Render the record's document, store it with its fingerprints, write the audit log."""
    rendered = render_spec(spec)
    stored = store_bytes(
        rendered.pdf,
        f"{spec.filename}.pdf",
        allowed=("pdf",),
        max_bytes=MAX_DOCUMENT_BYTES,
        uploaded_by=actor,
    )
    docx_bytes = docx_for(spec)
    docx_file = (
        store_bytes(
            docx_bytes,
            f"{spec.filename}.docx",
            allowed=("docx",),
            max_bytes=MAX_DOCUMENT_BYTES,
            uploaded_by=actor,
        )
        if docx_bytes
        else None
    )
    db.session.flush()
    doc = GeneratedDocument(
        region_id=spec.region_id,
        municipality_id=spec.municipality_id,
        provider_id=spec.provider_id,
        kind=spec.kind,
        record_type=spec.record_type,
        record_id=spec.record_id,
        title=spec.title,
        reference=spec.reference,
        file_id=stored.id,
        docx_file_id=docx_file.id if docx_file else None,
        sha256=rendered.sha256,
        pages=rendered.pages,
        template_name=spec.template,
        template_version=template_fingerprint(spec.template),
        record_version=spec.record_version,
        clause_versions=dict(spec.clause_versions),
        generated_by_id=actor.id if actor else None,
        generated_at=utcnow(),
    )
    return record_new(
        doc,
        "document.generated",
        actor=actor,
        new={
            "kind": spec.kind,
            "record": f"{spec.record_type}:{spec.record_id}",
            "sha256": rendered.sha256,
            "pages": rendered.pages,
            "clause_versions": spec.clause_versions,
            "refused_resources": rendered.refused,
        },
    )


@operation
def upload_signed(doc: GeneratedDocument, file_storage, *, actor) -> GeneratedDocument:
    stored = store_upload(
        file_storage, allowed=("pdf",), max_bytes=MAX_DOCUMENT_BYTES, uploaded_by=actor
    )
    db.session.flush()
    old = {"signed_file_id": doc.signed_file_id}
    doc.signed_file_id = stored.id
    doc.signed_by_id = actor.id if actor else None
    doc.signed_at = utcnow()
    record(
        "document.signed_uploaded",
        doc,
        actor=actor,
        old=old,
        new={"signed_file_id": stored.id, "sha256": stored.sha256},
    )
    return doc


SAMPLE_FIELDS = {
    "regio": "Regio WBO Jeugd",
    "aanbieder": "Stichting Kompas Jeugdhulp",
    "gemeente": "Breda",
    "contractnummer": "WBO-C2026-0001",
    "ingangsdatum": "01-01-2026",
    "einddatum": "31-12-2030",
    "uitvoeringsvariant": "inspanningsgericht",
    "taakgebied": "Specialistische en/of locatiegebonden jeugdhulp",
    "aanbesteding": "WBO-2025-01 “Specialistische jeugdhulp”",
    "opzegtermijn": "3",
}
assert set(SAMPLE_FIELDS) == set(ALLOWED_FIELDS)


def preview_clause(body: str):
    """The clause rendered with sample data; raises ClauseError with a Dutch message."""
    return render_clause(body, SAMPLE_FIELDS)


@operation
def save_clause(
    region, key: str, *, title: str, body: str, note: str = "", actor=None
) -> ClauseVersion:
    """A new version of a clause for the region (earlier versions stay, for the record)."""
    if key not in BY_KEY:
        raise ValidationFailed(_l("Onbekende clausule."), field="key")
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise ValidationFailed(_l("Geef de clausule een titel."), field="title")
    if not body:
        raise ValidationFailed(_l("De tekst van de clausule is leeg."), field="body")
    check_clause(body)
    preview_clause(body)  # must also render, not only parse
    latest = db.session.execute(
        select(ClauseVersion)
        .where(ClauseVersion.region_id == region.id, ClauseVersion.key == key)
        .order_by(ClauseVersion.version.desc())
        .limit(1)
    ).scalar()
    old_title = latest.title if latest else BY_KEY[key].title
    old_body = latest.body if latest else BY_KEY[key].body
    if latest is not None and latest.title == title and latest.body == body:
        return latest
    number = db.session.execute(
        select(func.coalesce(func.max(ClauseVersion.version), 0)).where(
            ClauseVersion.region_id == region.id, ClauseVersion.key == key
        )
    ).scalar_one()
    row = ClauseVersion(
        region_id=region.id,
        key=key,
        version=number + 1,
        title=title,
        body=body,
        note=(note or "").strip()[:500],
        created_by_id=actor.id if actor else None,
        created_at=utcnow(),
    )
    return record_new(
        row,
        "clause.saved",
        actor=actor,
        old={"key": key, "title": old_title, "body": old_body},
        new={"key": key, "version": row.version, "title": title, "body": body},
    )


@operation
def set_choices(
    record_type: str,
    record_id: int,
    *,
    region_id: int,
    optional_articles: list[str],
    tender_selection: bool | None = None,
    award_basis: str | None = None,
    notice_months: int | None = None,
    actor=None,
) -> DocumentChoices:
    unknown = set(optional_articles) - set(OPTIONAL_ARTICLES)
    if unknown:
        raise ValidationFailed(_l("Onbekend facultatief artikel."), field="optional_articles")
    if award_basis not in (None, "", "emvi", "no_emvi"):
        raise ValidationFailed(_l("Kies gunning op EMVI of zonder EMVI."), field="award_basis")
    if notice_months is not None and not 1 <= notice_months <= 24:
        raise ValidationFailed(
            _l("De opzegtermijn ligt tussen 1 en 24 maanden."), field="notice_months"
        )
    row = db.session.execute(
        select(DocumentChoices).filter_by(record_type=record_type, record_id=record_id)
    ).scalar()
    if row is None:
        row = DocumentChoices(record_type=record_type, record_id=record_id, optional_articles=[])
        db.session.add(row)
    ordered = [key for key in OPTIONAL_ARTICLES if key in set(optional_articles)]
    old = {
        "optional_articles": list(row.optional_articles or []),
        "tender_selection": row.tender_selection,
        "award_basis": row.award_basis,
        "notice_months": row.notice_months,
    }
    row.optional_articles = ordered
    row.tender_selection = tender_selection
    row.award_basis = award_basis or None
    row.notice_months = notice_months
    row.updated_by_id = actor.id if actor else None
    row.updated_at = utcnow()
    db.session.flush()
    new = {
        "optional_articles": ordered,
        "tender_selection": tender_selection,
        "award_basis": row.award_basis,
        "notice_months": notice_months,
    }
    if old != new:
        record(
            "document.choices_changed",
            object_type=record_type,
            object_id=record_id,
            region_id=region_id,
            actor=actor,
            old=old,
            new=new,
        )
    return row
