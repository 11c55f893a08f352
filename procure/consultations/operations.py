"""Market consultation operations: the only place that changes consultations. Each runs
in one transaction, checks the policy and writes the audit log."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record, record_new
from procure.consultations import policy
from procure.consultations.models import (
    PLANNED_PROCEDURES,
    MarketAnswer,
    MarketConsultation,
    MarketDocument,
    MarketQuestion,
)
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.timeutil import to_local
from procure.core.types import utcnow
from procure.core.uploads import store_upload
from procure.extensions import db

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _text(value, field: str, message, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    if len(value) > max_length:
        raise ValidationFailed(_l("Hoogstens %(n)d tekens.", n=max_length), field=field)
    return value


def _require_editor(actor, consultation=None) -> None:
    if not policy.is_editor(actor, consultation):
        raise NotAllowed(_l("Alleen inkopers van de regio beheren marktconsultaties."))


def _require_draft(consultation) -> None:
    if consultation.status != policy.DRAFT:
        raise NotAllowed(_l("Vragen liggen vast zodra de marktconsultatie open is."))


def next_reference(short_code: str, year: int) -> str:
    prefix = f"MC-{short_code.upper()}-{year}-"
    count = db.session.execute(
        select(func.count(MarketConsultation.id)).where(
            MarketConsultation.reference.like(f"{prefix}%")
        )
    ).scalar_one()
    return f"{prefix}{count + 1:02d}"


@operation
def create_consultation(
    *,
    region,
    actor,
    title: str,
    segment: str,
    planned_procedure: str,
    closes_on: date,
    description: str = "",
    task_area_id: int | None = None,
    at: datetime | None = None,
) -> MarketConsultation:
    """A draft consultation; `at` is the moment it is made (now unless the demo says)."""
    _require_editor(actor)
    if actor.region_id != region.id:
        raise NotAllowed(_l("U kunt alleen marktconsultaties van uw eigen regio aanmaken."))
    title = _text(title, "title", _l("Geef de titel."), 300)
    segment = _text(segment, "segment", _l("Geef het segment of onderwerp."), 200)
    if planned_procedure not in PLANNED_PROCEDURES:
        raise ValidationFailed(_l("Kies de procedure die volgt."), field="planned_procedure")
    if not isinstance(closes_on, date):
        raise ValidationFailed(_l("Geef een datum."), field="closes_on")
    consultation = MarketConsultation(
        reference=next_reference(region.short_code, to_local(at or utcnow()).year),
        region_id=region.id,
        title=title,
        segment=segment,
        task_area_id=task_area_id,
        planned_procedure=planned_procedure,
        description=(description or "").strip(),
        closes_on=closes_on,
        status="draft",
        created_by_id=actor.id,
        created_at=at or utcnow(),
    )
    return record_new(
        consultation,
        "consultation.created",
        actor=actor,
        new={"reference": consultation.reference, "title": title, "segment": segment},
    )


@operation
def add_question(consultation: MarketConsultation, *, text: str, actor) -> MarketQuestion:
    _require_editor(actor, consultation)
    _require_draft(consultation)
    text = _text(text, "text", _l("Geef de vraag."), 4000)
    number = len(consultation.questions) + 1
    question = MarketQuestion(consultation=consultation, number=number, text=text)
    return record_new(
        question,
        "consultation.question_added",
        actor=actor,
        new={"number": number, "text": text},
        subject=consultation,
    )


@operation
def add_document(
    consultation: MarketConsultation, *, title: str, file_storage, actor
) -> MarketDocument:
    if not policy.can_add_document(actor, consultation):
        raise NotAllowed(_l("Documenten komen bij een concept of open marktconsultatie."))
    title = _text(title, "title", _l("Geef de titel van het document."), 200)
    stored = store_upload(
        file_storage,
        allowed=("pdf", "docx", "xlsx"),
        max_bytes=MAX_DOCUMENT_BYTES,
        uploaded_by=actor,
    )
    db.session.flush()
    document = MarketDocument(consultation=consultation, title=title, file_id=stored.id)
    return record_new(
        document,
        "consultation.document_added",
        actor=actor,
        new={"title": title, "file": stored.original_name},
        subject=consultation,
    )


@operation
def move(
    consultation: MarketConsultation, target: str, *, actor, at: datetime | None = None
) -> MarketConsultation:
    """Open the consultation to the market, or close it, at `at` (now by default)."""
    _require_editor(actor, consultation)
    moment = at or utcnow()
    previous = consultation.opened_at
    if target == "open":
        consultation.opened_at = moment  # the guard checks the closing date against it
    try:
        policy.CONSULTATION_FLOW.apply(consultation, target, actor)
    except Exception:
        consultation.opened_at = previous
        raise
    if target == "closed":
        consultation.closed_at = moment
    return consultation


@operation
def answer(
    question: MarketQuestion, *, body: str, actor, at: datetime | None = None
) -> MarketAnswer:
    """A provider's answer; a second answer to the same question replaces the first."""
    moment = at or utcnow()
    refusal = policy.answer_refusal(actor, question.consultation, to_local(moment).date())
    if refusal:
        raise NotAllowed(refusal)
    body = _text(body, "body", _l("Geef uw antwoord."), 10_000)
    existing = db.session.execute(
        select(MarketAnswer).where(
            MarketAnswer.question_id == question.id,
            MarketAnswer.provider_id == actor.provider_id,
        )
    ).scalar()
    old = {"body": existing.body} if existing else None
    if existing is None:
        existing = MarketAnswer(question_id=question.id, provider_id=actor.provider_id)
        db.session.add(existing)
    existing.body = body
    existing.answered_by_id = actor.id
    existing.answered_at = moment
    db.session.flush()
    record(
        "consultation.answered",
        question.consultation,
        actor=actor,
        old=old,
        new={"question": question.number, "provider_id": actor.provider_id},
    )
    return existing


@operation
def record_outcome(
    consultation: MarketConsultation, *, outcome: str, tender_id: int | None, actor
) -> MarketConsultation:
    """What the consultation taught, and the tender (or open house) that follows it."""
    from procure.tenders.models import Tender

    if not policy.can_record_outcome(actor, consultation):
        raise NotAllowed(_l("De uitkomst wordt vastgelegd door een inkoper, na het sluiten."))
    outcome = _text(outcome, "outcome", _l("Beschrijf de uitkomst."), 10_000)
    if tender_id:
        tender = db.session.get(Tender, tender_id)
        if tender is None or tender.region_id != consultation.region_id:
            raise ValidationFailed(
                _l("Kies een aanbesteding van dezelfde regio."), field="tender_id"
            )
    old = {"outcome": consultation.outcome, "tender_id": consultation.tender_id}
    consultation.outcome = outcome
    consultation.tender_id = tender_id or None
    record(
        "consultation.outcome",
        consultation,
        actor=actor,
        old=old,
        new={"outcome": outcome, "tender_id": consultation.tender_id},
    )
    return consultation
