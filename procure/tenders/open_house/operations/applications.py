"""Applying to an open house: the entry moment an application is planned on, submitting
and withdrawing."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.audit import record
from procure.auth.roles import PROVIDER
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference
from procure.core.types import utcnow
from procure.core.uploads import store_bytes
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.tenders.models import Tender
from procure.tenders.open_house import schedule
from procure.tenders.open_house.models import (
    Admission,
    Answer,
    Application,
    ApplicationCategory,
    Category,
    EntryMoment,
    Requirement,
)
from procure.tenders.open_house.operations.common import (
    UPLOAD_KINDS,
    as_text,
    day_label,
    ensure_open_house,
    moment_label,
    notify,
    read_uploads,
    settings_for,
)
from procure.tenders.open_house.policy import APPLICATION


def next_open_moment(tender: Tender, now: datetime) -> EntryMoment | None:
    """The first entry moment whose application deadline has not passed at `now`."""
    return db.session.execute(
        select(EntryMoment)
        .where(EntryMoment.tender_id == tender.id, EntryMoment.application_deadline >= now)
        .order_by(EntryMoment.entry_date)
        .limit(1)
    ).scalar()


def plan_moment(
    tender: Tender, now: datetime, wanted: EntryMoment | None = None
) -> tuple[EntryMoment, EntryMoment | None]:
    """(moment the application is assessed for, the missed moment it was queued from).

    Without a wish, the application is for the first entry moment whose deadline is still
    open: it missed nothing. An application for a chosen moment whose deadline has passed is
    queued for the first moment whose deadline is still open."""
    if wanted is None:
        target = next_open_moment(tender, now)
        if target is None:
            raise ValidationFailed(
                _l("Er is geen toetredingsmoment meer binnen de looptijd van deze open house.")
            )
        return target, None
    if now <= wanted.application_deadline:
        return wanted, None
    target = next_open_moment(tender, now)
    if target is None:
        raise ValidationFailed(
            _l(
                "De aanvraagtermijn voor het toetredingsmoment van %(day)s is verstreken en er "
                "is geen later toetredingsmoment meer.",
                day=day_label(wanted.entry_date),
            )
        )
    return target, wanted


def queue_message(application: Application) -> str | None:
    """The Dutch message for an application queued for a later moment."""
    missed, target = application.queued_from, application.entry_moment
    if missed is None or target is None:
        return None
    return as_text(
        _l(
            "De aanvraagtermijn voor het toetredingsmoment van %(missed)s is verstreken "
            "(deadline %(deadline)s). Uw aanvraag is ingepland voor het volgende "
            "toetredingsmoment: %(target)s (aanvragen uiterlijk %(target_deadline)s).",
            missed=day_label(missed.entry_date),
            deadline=moment_label(missed.application_deadline),
            target=day_label(target.entry_date),
            target_deadline=moment_label(target.application_deadline),
        )
    )


def _next_application_reference(tender: Tender) -> str:
    return next_reference(f"{tender.reference}-A", Application.reference, width=3)


def open_application_categories(provider_id: int, category_ids) -> list[ApplicationCategory]:
    return list(
        db.session.execute(
            select(ApplicationCategory).where(
                ApplicationCategory.provider_id == provider_id,
                ApplicationCategory.category_id.in_(category_ids),
                ApplicationCategory.open_flag.is_(True),
            )
        ).scalars()
    )


@operation
def submit_application(
    tender: Tender,
    *,
    provider: Provider,
    user,
    category_ids: list[int],
    municipality_ids: list[int] | None = None,
    motivation: str = "",
    answers: dict[int, str] | None = None,
    files: dict | None = None,
    moment_id: int | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Application:
    """A provider applies for admission to one or more categories."""
    now = now or utcnow()
    ensure_open_house(tender)
    if user is not None and user.role == PROVIDER and user.provider_id != provider.id:
        raise NotAllowed(_l("U kunt alleen namens uw eigen organisatie aanvragen."))
    if idempotency_key:
        earlier = db.session.execute(
            select(Application).where(
                Application.provider_id == provider.id,
                Application.idempotency_key == idempotency_key,
            )
        ).scalar()
        if earlier is not None:
            return earlier
    if tender.status != "published":
        raise InvalidTransition(_l("Deze open house staat niet open voor aanvragen."))
    if not provider.active:
        raise NotAllowed(_l("Deze aanbieder is niet actief."))
    settings = settings_for(tender)
    ids = sorted(set(category_ids or []))
    if not ids:
        raise ValidationFailed(_l("Kies minstens één categorie."), field="category_ids")
    categories = {
        c.id: c
        for c in db.session.execute(
            select(Category).where(Category.tender_id == tender.id, Category.id.in_(ids))
        ).scalars()
    }
    if len(categories) != len(ids):
        raise ValidationFailed(
            _l("Deze categorie bestaat niet in deze open house."), field="category_ids"
        )
    for link in open_application_categories(provider.id, ids):
        raise Conflict(
            _l(
                "U heeft al een openstaande aanvraag voor de categorie %(cat)s.",
                cat=categories[link.category_id].name,
            ),
            field="category_ids",
        )
    admitted = (
        db.session.execute(
            select(Admission.category_id).where(
                Admission.provider_id == provider.id,
                Admission.category_id.in_(ids),
                Admission.active_flag.is_(True),
            )
        )
        .scalars()
        .first()
    )
    if admitted is not None:
        raise Conflict(
            _l("U bent al toegelaten tot de categorie %(cat)s.", cat=categories[admitted].name),
            field="category_ids",
        )
    municipalities = []
    if municipality_ids:
        municipalities = list(
            db.session.execute(
                select(Municipality).where(Municipality.id.in_(set(municipality_ids)))
            ).scalars()
        )
        if len(municipalities) != len(set(municipality_ids)) or any(
            m.region_id != tender.region_id for m in municipalities
        ):
            raise ValidationFailed(_l("Kies gemeenten uit deze regio."), field="municipality_ids")
    else:
        raise ValidationFailed(
            _l("Kies de gemeenten waarin u de zorg levert."), field="municipality_ids"
        )
    requirements = {
        r.id: r
        for r in db.session.execute(
            select(Requirement)
            .where(Requirement.tender_id == tender.id)
            .order_by(Requirement.number)
        ).scalars()
    }
    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items()}
    files = {int(k): v for k, v in (files or {}).items()}
    unknown = (set(answers) | set(files)) - set(requirements)
    if unknown:
        raise ValidationFailed(_l("Een antwoord hoort bij een onbekende eis."))
    uploads = read_uploads(files, requirements)
    missing = [
        r.number
        for r in requirements.values()
        if (r.requires_document and r.id not in uploads)
        or (not r.requires_document and not answers.get(r.id))
    ]
    if missing:
        raise ValidationFailed(
            _l(
                "Beantwoord alle eisen; bij eis %(numbers)s ontbreekt een antwoord of het "
                "gevraagde document.",
                numbers=", ".join(str(n) for n in missing),
            ),
            field="answers",
        )
    moment, queued_from = None, None
    assessment_deadline = None
    if settings.is_continuous:
        assessment_deadline = schedule.continuous_assessment_deadline(
            now, settings.continuous_assessment_weeks
        )
    else:
        wanted = None
        if moment_id:
            wanted = db.session.get(EntryMoment, moment_id)
            if wanted is None or wanted.tender_id != tender.id:
                raise ValidationFailed(_l("Onbekend toetredingsmoment."), field="moment_id")
        moment, queued_from = plan_moment(tender, now, wanted)

    application = Application(
        reference=_next_application_reference(tender),
        tender_id=tender.id,
        region_id=tender.region_id,
        provider_id=provider.id,
        status="submitted",
        entry_moment=moment,
        queued_from=queued_from,
        motivation=(motivation or "").strip(),
        submitted_at=now,
        submitted_by_id=user.id if user else None,
        assessment_deadline=assessment_deadline,
        idempotency_key=idempotency_key or None,
        municipalities=municipalities,
    )
    db.session.add(application)
    for cat_id in ids:
        application.categories.append(
            ApplicationCategory(
                category_id=cat_id, provider_id=provider.id, decision="pending", open_flag=True
            )
        )
    for req_id in requirements:
        stored = None
        if req_id in uploads:
            data, filename = uploads[req_id]
            stored = store_bytes(
                data, filename, allowed=UPLOAD_KINDS, uploaded_by=user, field=f"file_{req_id}"
            )
        application.answers.append(
            Answer(requirement_id=req_id, text=answers.get(req_id, ""), file=stored)
        )
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent duplicate slipped past the check above
        raise Conflict(_l("U heeft al een openstaande aanvraag voor deze categorie.")) from exc
    record(
        "open_house.application_submitted",
        application,
        actor=user,
        new={
            "reference": application.reference,
            "provider_id": provider.id,
            "categories": [categories[i].code for i in ids],
            "entry_date": moment.entry_date if moment else None,
            "queued_from": queued_from.entry_date if queued_from else None,
            "municipalities": [m.name for m in municipalities],
        },
    )
    message = queue_message(application) or as_text(
        _l("Uw aanvraag %(ref)s is ontvangen.", ref=application.reference)
    )
    notify(application, "submitted", message)
    return application


@operation
def withdraw_application(application: Application, *, user) -> Application:
    if user.role == PROVIDER and user.provider_id != application.provider_id:
        raise NotAllowed(_l("Dit is niet uw aanvraag."))
    APPLICATION.check(application.status, "withdrawn")
    old = APPLICATION.apply(application, "withdrawn", user)
    for link in application.categories:
        link.open_flag = None
    record(
        "open_house.application_withdrawn",
        application,
        actor=user,
        old={"status": old},
        new={"status": "withdrawn"},
    )
    return application
