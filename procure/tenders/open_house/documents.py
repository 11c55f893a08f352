"""The documents of an open house: the admission document (Toelatingsdocument) and the
letters of admission and rejection; offered by the tender record type
(procure.tenders.documents)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.contracts.models import Contract
from procure.documents.contexts import DocumentSpec, party_provider, party_region
from procure.documents.formatting import long_date, moment, month_name
from procure.extensions import db
from procure.tenders.documents import letter_spec, tender_data
from procure.tenders.open_house import queries
from procure.tenders.open_house.models import (
    Admission,
    Application,
    Category,
    EntryMoment,
    OpenHouseSettings,
)


def open_house_data(tender) -> dict:
    settings = db.session.execute(select(OpenHouseSettings).filter_by(tender_id=tender.id)).scalar()
    requirements = queries.requirements(tender)
    categories = (
        db.session.execute(select(Category).filter_by(tender_id=tender.id).order_by(Category.code))
        .scalars()
        .all()
    )
    moments = (
        db.session.execute(
            select(EntryMoment).filter_by(tender_id=tender.id).order_by(EntryMoment.entry_date)
        )
        .scalars()
        .all()
    )
    months = []
    if settings is not None and not settings.is_continuous:
        months = [month_name(m) for m in settings.months]
    return {
        "conditions": settings.admission_conditions if settings else "",
        "continuous": bool(settings and settings.is_continuous),
        "months": months,
        "application_weeks": settings.application_weeks if settings else 8,
        "assessment_weeks": settings.continuous_assessment_weeks if settings else 6,
        "requirements": [
            {"number": r.number, "text": r.text, "document": r.requires_document}
            for r in requirements
        ],
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "products": [f"{p.code} {p.name}" for p in c.products],
            }
            for c in categories
        ],
        "moments": [
            {"entry": long_date(m.entry_date), "deadline": moment(m.application_deadline)}
            for m in moments
        ],
    }


def application_recipients(tender, status: str) -> list[dict]:
    rows = (
        db.session.execute(
            select(Application)
            .where(Application.tender_id == tender.id, Application.status == status)
            .order_by(Application.reference)
        )
        .scalars()
        .all()
    )
    return [{"value": a.id, "label": f"{a.reference} {a.provider.name}"} for a in rows]


def admission_letter_spec(
    tender, *, param: int | None = None, rejection: bool = False
) -> DocumentSpec:
    application = db.session.get(Application, param) if param else None
    if (
        application is None
        or application.tender_id != tender.id
        or application.status != ("rejected" if rejection else "admitted")
    ):
        abort(404)
    admissions = (
        db.session.execute(select(Admission).where(Admission.application_id == application.id))
        .scalars()
        .all()
    )
    contract_refs = sorted({a.contract_id for a in admissions if a.contract_id})
    references = []
    if contract_refs:
        references = [
            c.reference
            for c in db.session.execute(
                select(Contract).where(Contract.id.in_(contract_refs))
            ).scalars()
        ]
    cats = [
        {"code": ac.category.code, "name": ac.category.name, "decision": ac.decision}
        for ac in application.categories
    ]
    failed = [
        {"number": ans.requirement.number, "text": ans.requirement.text, "remark": ans.remark}
        for ans in application.answers
        if ans.score == "not_met"
    ]
    failed.sort(key=lambda r: r["number"])
    start = min((a.start_date for a in admissions), default=None) or (
        application.entry_moment.entry_date if application.entry_moment else None
    )
    region = tender.region
    kind = "admission_rejection_letter" if rejection else "admission_letter"
    label = "Afwijzing aanvraag tot toelating" if rejection else "Toelating"
    context = {
        "client": party_region(region),
        "tender": tender_data(tender),
        "provider": party_provider(application.provider),
        "application": {
            "reference": application.reference,
            "submitted": long_date(application.submitted_at),
            "reason": application.decision_reason or "",
        },
        "categories": cats,
        "failed": failed,
        "start": long_date(start) if start else None,
        "contracts": references,
        "date": long_date(application.decided_at) if application.decided_at else "",
        "letter_reference": f"{application.reference}/{'AF' if rejection else 'TO'}",
    }
    return letter_spec(
        tender,
        kind,
        context,
        provider_id=application.provider_id,
        title=f"{label} {application.reference} – {application.provider.name}",
        subject=f"{label} open house {tender.title}",
        created=application.decided_at or application.submitted_at,
        filename=f"{kind}-{application.reference}",
    )


def admission_rejection_letter_spec(tender, *, param: int | None = None) -> DocumentSpec:
    return admission_letter_spec(tender, param=param, rejection=True)


def open_house_kinds(tender, doc, letters) -> list:
    """The admission document and, once decided, the letters to the applicants."""
    return [
        doc("admission_document", _l("Toelatingsdocument")),
        *letters(
            "admission_letter",
            _l("Toelatingsbrief"),
            admission_letter_spec,
            application_recipients(tender, "admitted"),
        ),
        *letters(
            "admission_rejection_letter",
            _l("Afwijzingsbrief aanvraag"),
            admission_rejection_letter_spec,
            application_recipients(tender, "rejected"),
        ),
    ]
