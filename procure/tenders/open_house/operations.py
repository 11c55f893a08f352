"""Open-house operations: the only place that changes open houses, applications and admissions.

Each operation validates first (Dutch messages), checks the state machine, writes the audit
log, and commits as one unit (procure.core.operations.operation)."""

from datetime import date, datetime
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from procure.audit import record
from procure.audit.operations import changes
from procure.auth.roles import PROVIDER
from procure.catalogue.models import Product, Tariff, TaskArea
from procure.contracts.models import Contract
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference
from procure.core.timeutil import to_local
from procure.core.types import utcnow
from procure.core.uploads import KINDS, store_bytes
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.tenders.models import Tender
from procure.tenders.open_house import schedule
from procure.tenders.open_house.models import (
    CATEGORY_DECISIONS,
    ENTRY_REGIMES,
    SCORES,
    Admission,
    Answer,
    Application,
    ApplicationCategory,
    Category,
    ContractProduct,
    EntryMoment,
    Notice,
    OpenHouseSettings,
    Requirement,
)
from procure.tenders.open_house.states import (
    ADMISSION,
    APPLICATION,
    OPEN_HOUSE,
)

PROCEDURE = "open_house"
ENDED_CONTRACT_STATUSES = ("ended", "terminated")
UPLOAD_KINDS = ("pdf", "docx", "xlsx")
VARIANTS = ("effort", "output", "task")


def _localised(fn, *args, **kwargs):
    """Run a translation/formatting call also outside a request (CLI, scheduler, demo)."""
    if has_request_context():
        return fn(*args, **kwargs)
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
        return fn(*args, **kwargs)


def _text(lazy) -> str:
    return _localised(str, lazy)


def _day_label(day: date) -> str:
    return _localised(format_date, day, "d MMMM yyyy")


def _moment_label(moment: datetime) -> str:
    return _localised(format_datetime, to_local(moment), "d MMMM yyyy HH:mm", rebase=False)


def settings_for(tender: Tender) -> OpenHouseSettings:
    settings = db.session.execute(
        select(OpenHouseSettings).where(OpenHouseSettings.tender_id == tender.id)
    ).scalar()
    if settings is None:
        raise ValidationFailed(_l("Deze aanbesteding is geen open house."))
    return settings


def _ensure_open_house(tender: Tender) -> None:
    if tender.procedure != PROCEDURE:
        raise ValidationFailed(_l("Deze aanbesteding is geen open house."))


def term_end(tender: Tender) -> date:
    """The end of the open-house term (without extensions)."""
    return schedule.term_end(tender.contract_start, tender.duration_months)


# -- set-up -------------------------------------------------------------------------------


@operation
def create_open_house(
    *,
    region,
    reference: str,
    title: str,
    contract_start: date,
    duration_months: int = 60,
    extension_count: int = 0,
    extension_months: int = 12,
    variant: str = "effort",
    task_area_id: int | None = None,
    entry_regime: str = "moments",
    entry_months: str = "1,4,7,10",
    application_weeks: int = 8,
    assessment_weeks: int = 2,
    continuous_assessment_weeks: int = 6,
    response_days: int = 14,
    admission_conditions: str = "",
    description: str = "",
    officer_id: int | None = None,
    actor=None,
) -> Tender:
    reference = (reference or "").strip()
    if not reference or not (title or "").strip():
        raise ValidationFailed(_l("Vul een kenmerk en een titel in."), field="reference")
    if db.session.execute(select(Tender.id).where(Tender.reference == reference)).first():
        raise Conflict(
            _l("Het kenmerk %(ref)s is al in gebruik.", ref=reference), field="reference"
        )
    if contract_start is None:
        raise ValidationFailed(
            _l("Vul de ingangsdatum van de overeenkomst in."), field="contract_start"
        )
    if not 1 <= duration_months <= 240 or extension_count < 0 or extension_months < 0:
        raise ValidationFailed(
            _l("De looptijd of de verlengingsopties zijn ongeldig."), field="duration_months"
        )
    if variant not in VARIANTS:
        raise ValidationFailed(_l("Onbekende uitvoeringsvariant."), field="variant")
    if entry_regime not in ENTRY_REGIMES:
        raise ValidationFailed(_l("Onbekend toetredingsregime."), field="entry_regime")
    months = _parse_months(entry_months) if entry_regime == "moments" else []
    if not 1 <= application_weeks <= 52 or not 0 <= assessment_weeks < application_weeks:
        raise ValidationFailed(
            _l(
                "De beoordelingstermijn moet tussen de aanvraagtermijn en het "
                "toetredingsmoment vallen."
            ),
            field="assessment_weeks",
        )
    if task_area_id is not None:
        area = db.session.get(TaskArea, task_area_id)
        if area is None or area.region_id != region.id:
            raise ValidationFailed(_l("Onbekend taakgebied."), field="task_area_id")
    tender = Tender(
        reference=reference,
        title=title.strip(),
        region_id=region.id,
        procedure=PROCEDURE,
        status="concept",
        task_area_id=task_area_id,
        variant=variant,
        contract_start=contract_start,
        duration_months=duration_months,
        extension_count=extension_count,
        extension_months=extension_months,
        officer_id=officer_id,
        description=description or "",
    )
    db.session.add(tender)
    db.session.flush()
    settings = OpenHouseSettings(
        tender_id=tender.id,
        region_id=region.id,
        entry_regime=entry_regime,
        entry_months=",".join(str(m) for m in months) or "1,4,7,10",
        application_weeks=application_weeks,
        assessment_weeks=assessment_weeks,
        continuous_assessment_weeks=continuous_assessment_weeks,
        response_days=response_days,
        admission_conditions=admission_conditions or "",
    )
    db.session.add(settings)
    record(
        "open_house.created",
        tender,
        actor=actor,
        new={
            "reference": reference,
            "title": tender.title,
            "contract_start": contract_start,
            "duration_months": duration_months,
            "extension_count": extension_count,
            "extension_months": extension_months,
            "variant": variant,
            "entry_regime": entry_regime,
            "entry_months": settings.entry_months,
            "application_weeks": application_weeks,
            "assessment_weeks": assessment_weeks,
        },
    )
    if entry_regime == "moments":
        generate_entry_moments(tender, actor=actor)
    return tender


TENDER_FIELDS = [
    "title",
    "contract_start",
    "duration_months",
    "extension_count",
    "extension_months",
    "variant",
    "task_area_id",
    "description",
]
SETTINGS_FIELDS = [
    "entry_regime",
    "entry_months",
    "application_weeks",
    "assessment_weeks",
    "continuous_assessment_weeks",
    "response_days",
    "admission_conditions",
]
SCHEDULE_FIELDS = {
    "contract_start",
    "duration_months",
    "entry_regime",
    "entry_months",
    "application_weeks",
    "assessment_weeks",
}


@operation
def update_open_house(tender: Tender, *, actor=None, **values) -> Tender:
    """Change the set-up of a concept open house; the entry moments follow the new schedule.

    After publication the set-up is fixed (applications rely on it); only extra entry moments
    can be added."""
    _ensure_open_house(tender)
    if tender.status != "concept":
        raise InvalidTransition(_l("De opzet ligt vast zodra de open house is gepubliceerd."))
    settings = settings_for(tender)
    unknown = set(values) - set(TENDER_FIELDS) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(_l("Onbekend veld."))
    if not (values.get("title", tender.title) or "").strip():
        raise ValidationFailed(_l("Vul een titel in."), field="title")
    regime = values.get("entry_regime", settings.entry_regime)
    if regime not in ENTRY_REGIMES:
        raise ValidationFailed(_l("Onbekend toetredingsregime."), field="entry_regime")
    if "entry_months" in values:
        values["entry_months"] = (
            ",".join(str(m) for m in _parse_months(values["entry_months"]))
            if regime == "moments"
            else settings.entry_months
        )
    if values.get("variant", tender.variant) not in VARIANTS:
        raise ValidationFailed(_l("Onbekende uitvoeringsvariant."), field="variant")
    if values.get("contract_start", tender.contract_start) is None:
        raise ValidationFailed(
            _l("Vul de ingangsdatum van de overeenkomst in."), field="contract_start"
        )
    app_weeks = values.get("application_weeks", settings.application_weeks)
    ass_weeks = values.get("assessment_weeks", settings.assessment_weeks)
    if not 1 <= app_weeks <= 52 or not 0 <= ass_weeks < app_weeks:
        raise ValidationFailed(
            _l(
                "De beoordelingstermijn moet tussen de aanvraagtermijn en het "
                "toetredingsmoment vallen."
            ),
            field="assessment_weeks",
        )
    if not 1 <= values.get("duration_months", tender.duration_months) <= 240:
        raise ValidationFailed(
            _l("De looptijd of de verlengingsopties zijn ongeldig."), field="duration_months"
        )
    area_id = values.get("task_area_id", tender.task_area_id)
    if area_id is not None:
        area = db.session.get(TaskArea, area_id)
        if area is None or area.region_id != tender.region_id:
            raise ValidationFailed(_l("Onbekend taakgebied."), field="task_area_id")
    old_t, new_t = changes(tender, TENDER_FIELDS, values)
    old_s, new_s = changes(settings, SETTINGS_FIELDS, values)
    if not (new_t or new_s):
        return tender
    record(
        "open_house.updated", tender, actor=actor, old={**old_t, **old_s}, new={**new_t, **new_s}
    )
    if SCHEDULE_FIELDS & (set(new_t) | set(new_s)):
        removed = [m.entry_date for m in moments(tender)]
        for moment in moments(tender):
            db.session.delete(moment)
        db.session.flush()
        if removed:
            record("open_house.moments_removed", tender, actor=actor, old={"entry_dates": removed})
        if not settings.is_continuous:
            generate_entry_moments(tender, actor=actor)
    return tender


def _parse_months(text: str) -> list[int]:
    try:
        months = sorted(
            {int(part) for part in str(text).replace(";", ",").split(",") if part.strip()}
        )
    except ValueError:
        months = []
    if not months or any(m < 1 or m > 12 for m in months):
        raise ValidationFailed(
            _l(
                "Geef de maanden van de toetredingsmomenten op als getallen 1 t/m 12, "
                "bijvoorbeeld 1,4,7,10."
            ),
            field="entry_months",
        )
    return months


@operation
def generate_entry_moments(tender: Tender, *, actor=None) -> list[EntryMoment]:
    """Create the entry moments of the schedule over the whole term (idempotent)."""
    _ensure_open_house(tender)
    settings = settings_for(tender)
    if settings.is_continuous:
        raise ValidationFailed(_l("Bij doorlopend toetreden zijn er geen toetredingsmomenten."))
    existing = set(
        db.session.execute(
            select(EntryMoment.entry_date).where(EntryMoment.tender_id == tender.id)
        ).scalars()
    )
    created = []
    for day in schedule.moment_dates(settings.months, tender.contract_start, term_end(tender)):
        if day in existing:
            continue
        created.append(_new_moment(tender, settings, day))
    if created:
        db.session.flush()
        record(
            "open_house.moments_generated",
            tender,
            actor=actor,
            new={"entry_dates": [m.entry_date for m in created]},
        )
    return created


def _new_moment(tender, settings, day, application_deadline=None, assessment_deadline=None):
    moment = EntryMoment(
        tender_id=tender.id,
        region_id=tender.region_id,
        entry_date=day,
        application_deadline=application_deadline
        or schedule.application_deadline(day, settings.application_weeks),
        assessment_deadline=assessment_deadline
        or schedule.assessment_deadline(day, settings.assessment_weeks),
    )
    db.session.add(moment)
    return moment


@operation
def add_entry_moment(
    tender: Tender,
    entry_date: date,
    *,
    application_deadline: datetime | None = None,
    assessment_deadline: datetime | None = None,
    actor=None,
) -> EntryMoment:
    _ensure_open_house(tender)
    settings = settings_for(tender)
    if settings.is_continuous:
        raise ValidationFailed(_l("Bij doorlopend toetreden zijn er geen toetredingsmomenten."))
    if entry_date is None or entry_date < tender.contract_start or entry_date > term_end(tender):
        raise ValidationFailed(
            _l("Het toetredingsmoment moet binnen de looptijd liggen."), field="entry_date"
        )
    if db.session.execute(
        select(EntryMoment.id).where(
            EntryMoment.tender_id == tender.id, EntryMoment.entry_date == entry_date
        )
    ).first():
        raise Conflict(
            _l("Er is al een toetredingsmoment op %(day)s.", day=_day_label(entry_date)),
            field="entry_date",
        )
    moment = _new_moment(tender, settings, entry_date, application_deadline, assessment_deadline)
    if not moment.application_deadline <= moment.assessment_deadline:
        raise ValidationFailed(
            _l("De beoordelingsdeadline ligt vóór de aanvraagdeadline."),
            field="assessment_deadline",
        )
    db.session.flush()
    record(
        "open_house.moment_added",
        moment,
        actor=actor,
        new={
            "entry_date": entry_date,
            "application_deadline": moment.application_deadline,
            "assessment_deadline": moment.assessment_deadline,
        },
    )
    return moment


@operation
def add_category(
    tender: Tender,
    *,
    code: str,
    name: str,
    product_ids: list[int],
    description: str = "",
    actor=None,
) -> Category:
    _ensure_open_house(tender)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationFailed(_l("Vul een code en een naam voor de categorie in."), field="code")
    if tender.status == "closed":
        raise InvalidTransition(_l("De open house is gesloten."))
    if db.session.execute(
        select(Category.id).where(Category.tender_id == tender.id, Category.code == code)
    ).first():
        raise Conflict(_l("Er is al een categorie met code %(code)s.", code=code), field="code")
    ids = sorted(set(product_ids or []))
    if not ids:
        raise ValidationFailed(_l("Kies minstens één product uit de PDC."), field="product_ids")
    products = list(db.session.execute(select(Product).where(Product.id.in_(ids))).scalars())
    if len(products) != len(ids) or any(p.region_id != tender.region_id for p in products):
        raise ValidationFailed(
            _l("Een gekozen product bestaat niet in de PDC van deze regio."), field="product_ids"
        )
    if any(p.status == "vervallen" for p in products):
        raise ValidationFailed(
            _l("Een vervallen product kan niet in een categorie."), field="product_ids"
        )
    category = Category(
        tender_id=tender.id,
        region_id=tender.region_id,
        code=code,
        name=name,
        description=description or "",
        products=products,
    )
    db.session.add(category)
    db.session.flush()
    record(
        "open_house.category_added",
        category,
        actor=actor,
        new={
            "tender": tender.reference,
            "code": code,
            "name": name,
            "products": [p.code for p in products],
        },
    )
    return category


@operation
def add_requirement(
    tender: Tender, *, text: str, requires_document: bool = False, actor=None
) -> Requirement:
    _ensure_open_house(tender)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_l("Beschrijf de eis."), field="text")
    if tender.status != "concept":
        raise InvalidTransition(
            _l(
                "Eisen staan vast zodra de open house is gepubliceerd; lopende aanvragen "
                "worden op de gepubliceerde eisen beoordeeld."
            )
        )
    number = (
        db.session.execute(
            select(func.max(Requirement.number)).where(Requirement.tender_id == tender.id)
        ).scalar()
        or 0
    ) + 1
    requirement = Requirement(
        tender_id=tender.id,
        region_id=tender.region_id,
        number=number,
        text=text,
        requires_document=requires_document,
    )
    db.session.add(requirement)
    db.session.flush()
    record(
        "open_house.requirement_added",
        requirement,
        actor=actor,
        new={"number": number, "text": text, "requires_document": requires_document},
    )
    return requirement


@operation
def publish(tender: Tender, *, actor=None) -> Tender:
    _ensure_open_house(tender)
    OPEN_HOUSE.check(tender.status, "published")
    settings = settings_for(tender)

    def has(model):
        return (
            db.session.execute(select(model.id).where(model.tender_id == tender.id)).first()
            is not None
        )

    if not has(Category):
        raise ValidationFailed(_l("Voeg eerst minstens één categorie toe."))
    if not has(Requirement):
        raise ValidationFailed(_l("Voeg eerst de minimale eisen toe."))
    if not settings.is_continuous and not has(EntryMoment):
        raise ValidationFailed(_l("Er zijn nog geen toetredingsmomenten."))
    old = tender.status
    tender.status = "published"
    record(
        "open_house.published",
        tender,
        actor=actor,
        old={"status": old},
        new={"status": "published"},
    )
    return tender


@operation
def close(tender: Tender, *, actor=None) -> Tender:
    _ensure_open_house(tender)
    OPEN_HOUSE.check(tender.status, "closed")
    old = tender.status
    tender.status = "closed"
    record("open_house.closed", tender, actor=actor, old={"status": old}, new={"status": "closed"})
    return tender


# -- applications -------------------------------------------------------------------------


def moments(tender: Tender) -> list[EntryMoment]:
    return list(
        db.session.execute(
            select(EntryMoment)
            .where(EntryMoment.tender_id == tender.id)
            .order_by(EntryMoment.entry_date)
        ).scalars()
    )


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

    Without a wish, the application is for the next entry moment (the first one still in the
    future); when that moment's deadline has passed it is queued for the first moment whose
    deadline is still open."""
    if wanted is None:
        today = to_local(now).date()
        wanted = db.session.execute(
            select(EntryMoment)
            .where(EntryMoment.tender_id == tender.id, EntryMoment.entry_date > today)
            .order_by(EntryMoment.entry_date)
            .limit(1)
        ).scalar()
        if wanted is None:
            raise ValidationFailed(
                _l("Er is geen toetredingsmoment meer binnen de looptijd van deze open house.")
            )
    if now <= wanted.application_deadline:
        return wanted, None
    target = next_open_moment(tender, now)
    if target is None:
        raise ValidationFailed(
            _l(
                "De aanvraagtermijn voor het toetredingsmoment van %(day)s is verstreken en er "
                "is geen later toetredingsmoment meer.",
                day=_day_label(wanted.entry_date),
            )
        )
    return target, wanted


def queue_message(application: Application) -> str | None:
    """The Dutch message for an application queued for a later moment."""
    missed, target = application.queued_from, application.entry_moment
    if missed is None or target is None:
        return None
    return _text(
        _l(
            "De aanvraagtermijn voor het toetredingsmoment van %(missed)s is verstreken "
            "(deadline %(deadline)s). Uw aanvraag is ingepland voor het volgende "
            "toetredingsmoment: %(target)s (aanvragen uiterlijk %(target_deadline)s).",
            missed=_day_label(missed.entry_date),
            deadline=_moment_label(missed.application_deadline),
            target=_day_label(target.entry_date),
            target_deadline=_moment_label(target.application_deadline),
        )
    )


def _read_uploads(files: dict, requirements: dict) -> dict:
    """Read and check every uploaded file before anything is written (nothing is stored
    when one of them is refused)."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    result = {}
    for req_id, storage in (files or {}).items():
        if storage is None or not getattr(storage, "filename", ""):
            continue
        data = storage.read()
        number = requirements[req_id].number if req_id in requirements else "?"
        field = f"file_{req_id}"
        if len(data) > limit:
            raise ValidationFailed(
                _l(
                    "Het bestand bij eis %(n)s is te groot (maximaal %(mb)s MB); er is niets "
                    "opgeslagen.",
                    n=number,
                    mb=round(limit / 1_048_576, 1),
                ),
                field=field,
            )
        suffix = Path(storage.filename).suffix.lower()
        kind_ok = any(
            suffix in KINDS[k].extensions
            and (not KINDS[k].magic or data[:8].startswith(KINDS[k].magic))
            for k in UPLOAD_KINDS
        )
        if not data or not kind_ok:
            raise ValidationFailed(
                _l(
                    "Het bestand bij eis %(n)s is geen toegestaan type (PDF, DOCX of XLSX); er "
                    "is niets opgeslagen.",
                    n=number,
                ),
                field=field,
            )
        result[req_id] = (data, storage.filename)
    return result


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
    _ensure_open_house(tender)
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
    uploads = _read_uploads(files, requirements)
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
    message = queue_message(application) or _text(
        _l("Uw aanvraag %(ref)s is ontvangen.", ref=application.reference)
    )
    _notify(application, "submitted", message)
    return application


def _notify(application: Application, kind: str, message: str) -> Notice:
    notice = Notice(
        region_id=application.region_id,
        provider_id=application.provider_id,
        application_id=application.id,
        kind=kind,
        message=message,
    )
    db.session.add(notice)
    record(f"open_house.notice.{kind}", application, note=message[:2000])
    return notice


@operation
def withdraw_application(application: Application, *, user) -> Application:
    if user.role == PROVIDER and user.provider_id != application.provider_id:
        raise NotAllowed(_l("Dit is niet uw aanvraag."))
    APPLICATION.check(application.status, "withdrawn")
    old = application.status
    application.status = "withdrawn"
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


# -- assessment ---------------------------------------------------------------------------


@operation
def score(
    application: Application,
    scores: dict[int, tuple[str | None, str]],
    *,
    actor,
    now: datetime | None = None,
) -> Application:
    """Record the working group's score and remark per requirement."""
    now = now or utcnow()
    if application.status != "submitted":
        raise InvalidTransition(_l("Alleen een ingediende aanvraag kan worden beoordeeld."))
    by_req = {a.requirement_id: a for a in application.answers}
    changed_old, changed_new = {}, {}
    for req_id, (value, remark) in scores.items():
        answer = by_req.get(int(req_id))
        if answer is None:
            raise ValidationFailed(_l("Onbekende eis in de beoordeling."))
        value = value or None
        if value is not None and value not in SCORES:
            raise ValidationFailed(_l("Ongeldige score."))
        remark = (remark or "").strip()
        if value in ("not_met", "more_info") and not remark:
            raise ValidationFailed(
                _l("Licht de score toe bij eis %(n)s.", n=answer.requirement.number),
                field=f"remark_{req_id}",
            )
        if (answer.score, answer.remark) != (value, remark):
            key = str(answer.requirement.number)
            changed_old[key] = {"score": answer.score, "remark": answer.remark}
            changed_new[key] = {"score": value, "remark": remark}
            answer.score, answer.remark = value, remark
            answer.scored_by_id, answer.scored_at = actor.id, now
    if changed_new:
        record(
            "open_house.application_scored",
            application,
            actor=actor,
            old=changed_old,
            new=changed_new,
        )
    return application


@operation
def request_more_info(
    application: Application,
    *,
    note: str,
    actor,
    response_days: int | None = None,
    now: datetime | None = None,
) -> Application:
    now = now or utcnow()
    APPLICATION.check(application.status, "more_info")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_l("Beschrijf welke informatie ontbreekt."), field="note")
    days = response_days or settings_for(application.tender).response_days
    if not 1 <= days <= 90:
        raise ValidationFailed(
            _l("De reactietermijn moet tussen 1 en 90 dagen liggen."), field="response_days"
        )
    application.status = "more_info"
    application.info_request = note
    application.info_requested_at = now
    application.response_deadline = schedule.response_deadline(now, days)
    record(
        "open_house.more_info_requested",
        application,
        actor=actor,
        old={"status": "submitted"},
        new={
            "status": "more_info",
            "note": note,
            "response_deadline": application.response_deadline,
        },
    )
    _notify(
        application,
        "more_info",
        _text(
            _l(
                "Voor uw aanvraag %(ref)s is meer informatie nodig: %(note)s Reageer uiterlijk "
                "%(deadline)s.",
                ref=application.reference,
                note=note,
                deadline=_moment_label(application.response_deadline),
            )
        ),
    )
    return application


@operation
def respond_to_info_request(
    application: Application,
    *,
    user,
    response: str,
    answers: dict[int, str] | None = None,
    files: dict | None = None,
    now: datetime | None = None,
) -> Application:
    now = now or utcnow()
    if user.role == PROVIDER and user.provider_id != application.provider_id:
        raise NotAllowed(_l("Dit is niet uw aanvraag."))
    APPLICATION.check(application.status, "submitted")
    if application.response_deadline and now > application.response_deadline:
        raise ValidationFailed(
            _l(
                "De reactietermijn is verstreken (%(deadline)s).",
                deadline=_moment_label(application.response_deadline),
            )
        )
    response = (response or "").strip()
    if not response:
        raise ValidationFailed(_l("Geef de gevraagde informatie."), field="response")
    by_req = {a.requirement_id: a for a in application.answers}
    requirements = {rid: a.requirement for rid, a in by_req.items()}
    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items() if v}
    files = {int(k): v for k, v in (files or {}).items()}
    if (set(answers) | set(files)) - set(by_req):
        raise ValidationFailed(_l("Een antwoord hoort bij een onbekende eis."))
    uploads = _read_uploads(files, requirements)
    for req_id, text in answers.items():
        by_req[req_id].text = text
    for req_id, (data, filename) in uploads.items():
        by_req[req_id].file = store_bytes(
            data, filename, allowed=UPLOAD_KINDS, uploaded_by=user, field=f"file_{req_id}"
        )
    for answer in by_req.values():
        if answer.score == "more_info":
            answer.score = None
    application.info_response = response
    application.status = "submitted"
    record(
        "open_house.more_info_answered",
        application,
        actor=user,
        old={"status": "more_info"},
        new={
            "status": "submitted",
            "response": response,
            "answers_changed": sorted(by_req[r].requirement.number for r in answers),
            "files_added": sorted(by_req[r].requirement.number for r in uploads),
        },
    )
    return application


@operation
def decide(
    application: Application,
    *,
    decisions: dict[int, str],
    reason: str = "",
    actor,
    now: datetime | None = None,
) -> Application:
    """Admit per category or reject; admission creates or extends the provider's contract."""
    now = now or utcnow()
    reason = (reason or "").strip()
    links = {link.category_id: link for link in application.categories}
    decisions = {int(k): v for k, v in decisions.items()}
    if set(decisions) != set(links) or any(
        v not in CATEGORY_DECISIONS[1:] for v in decisions.values()
    ):
        raise ValidationFailed(
            _l("Neem voor elke aangevraagde categorie een besluit."), field="decisions"
        )
    any_admitted = "admitted" in decisions.values()
    target = "admitted" if any_admitted else "rejected"
    if application.status == "more_info":
        if any_admitted:
            raise InvalidTransition(
                _l("De aanvraag wacht op aanvullende informatie van de aanbieder.")
            )
        if application.response_deadline and now <= application.response_deadline:
            raise InvalidTransition(
                _l(
                    "De reactietermijn van de aanbieder loopt nog tot %(deadline)s.",
                    deadline=_moment_label(application.response_deadline),
                )
            )
    APPLICATION.check(application.status, target)
    if "rejected" in decisions.values() and not reason:
        raise ValidationFailed(_l("Geef de reden van de afwijzing."), field="reason")
    if any_admitted:
        unscored = [a.requirement.number for a in application.answers if a.score != "meets"]
        if unscored:
            raise ValidationFailed(
                _l(
                    "Toelaten kan alleen als aan alle eisen is voldaan; eis %(numbers)s is nog "
                    "niet als 'voldoet' beoordeeld.",
                    numbers=", ".join(str(n) for n in unscored),
                )
            )
    old = application.status
    application.status = target
    application.decided_at, application.decided_by_id = now, actor.id
    application.decision_reason = reason
    for cat_id, value in decisions.items():
        links[cat_id].decision = value
        links[cat_id].open_flag = None
    db.session.flush()
    contract, start = None, None
    admitted_categories = [links[c].category for c, v in decisions.items() if v == "admitted"]
    if admitted_categories:
        start = (
            application.entry_moment.entry_date
            if application.entry_moment is not None
            else schedule.continuous_start(now, application.tender.contract_start)
        )
        contract = _admit(application, admitted_categories, start, actor)
    record(
        "open_house.application_decided",
        application,
        actor=actor,
        old={"status": old},
        new={
            "status": target,
            "reason": reason,
            "decisions": {links[c].category.code: v for c, v in decisions.items()},
            "contract": contract.reference if contract else None,
        },
    )
    if any_admitted:
        names = ", ".join(c.name for c in admitted_categories)
        message = _l(
            "Uw aanvraag %(ref)s is toegewezen: u bent toegelaten tot %(cats)s met "
            "ingang van %(day)s.",
            ref=application.reference,
            cats=names,
            day=_day_label(start),
        )
        message = _text(message)
        if reason:
            message = f"{message} {reason}"
        _notify(application, "admitted", message)
    else:
        _notify(
            application,
            "rejected",
            _text(
                _l(
                    "Uw aanvraag %(ref)s is afgewezen. Reden: %(reason)s",
                    ref=application.reference,
                    reason=reason,
                )
            ),
        )
    return application


def _tariff_for(product: Product, year: int) -> Tariff | None:
    candidates = [t for t in product.tariffs if t.year <= year]
    return max(candidates, key=lambda t: t.year) if candidates else None


def _admit(application: Application, categories: list[Category], start: date, actor):
    from procure.contracts.operations import create_concept_contract

    tender = application.tender
    end = term_end(tender)
    if start > end:
        raise ValidationFailed(_l("Het toetredingsmoment ligt na het einde van de looptijd."))
    contract = db.session.execute(
        select(Contract)
        .where(
            Contract.tender_id == tender.id,
            Contract.provider_id == application.provider_id,
            Contract.origin == PROCEDURE,
            Contract.status.not_in(ENDED_CONTRACT_STATUSES),
        )
        .order_by(Contract.id)
        .limit(1)
    ).scalar()
    if contract is None:
        contract = create_concept_contract(
            region=tender.region,
            provider_id=application.provider_id,
            origin=PROCEDURE,
            variant=tender.variant,
            start_date=start,
            end_date=end,
            tender_id=tender.id,
            task_area_id=tender.task_area_id,
            title=f"{tender.title} — {application.provider.name}",
            extension_months=(tender.extension_months,) * tender.extension_count
            if tender.extension_months
            else (),
            actor=actor,
        )
        extended = False
    else:
        extended = True
    covered = set(
        db.session.execute(
            select(ContractProduct.product_id).where(ContractProduct.contract_id == contract.id)
        ).scalars()
    )
    added = []
    for category in categories:
        admission = Admission(
            tender_id=tender.id,
            region_id=tender.region_id,
            provider_id=application.provider_id,
            category_id=category.id,
            application_id=application.id,
            contract_id=contract.id,
            start_date=start,
            status="active",
            active_flag=True,
        )
        db.session.add(admission)
        for product in category.products:
            if product.id in covered:
                continue
            tariff = _tariff_for(product, start.year)
            _contract_product(contract, product, tariff, start, end, actor)
            db.session.add(
                ContractProduct(
                    contract_id=contract.id,
                    region_id=tender.region_id,
                    provider_id=application.provider_id,
                    category_id=category.id,
                    product_id=product.id,
                    tariff_year=tariff.year if tariff else None,
                    price=tariff.price if tariff else None,
                    effective_from=start,
                )
            )
            covered.add(product.id)
            added.append(product.code)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("De aanbieder is al toegelaten tot deze categorie.")) from exc
    record(
        "open_house.contract_extended" if extended else "open_house.contract_created",
        contract,
        actor=actor,
        new={
            "application": application.reference,
            "start_date": start,
            "categories": [c.code for c in categories],
            "products": added,
        },
    )
    return contract


def _contract_product(contract, product, tariff, start: date, end: date, actor) -> None:
    """Contract the product in the contracts domain too, at the PDC tariffs of the contract
    years (the latest tariff up to the start year for the first year)."""
    from procure.contracts import operations as contract_ops

    if tender_variant_is_lumpsum(contract) or not hasattr(contract_ops, "add_contract_product"):
        return
    prices = {t.year: t.price for t in product.tariffs if start.year <= t.year <= end.year}
    if tariff is not None and start.year not in prices:
        prices[start.year] = tariff.price
    contract_ops.add_contract_product(contract, product_id=product.id, prices=prices, actor=actor)


def tender_variant_is_lumpsum(contract) -> bool:
    return contract.variant == "task"


# -- leaving the open house ----------------------------------------------------------------


@operation
def end_admission(admission: Admission, *, user, reason: str, end_date: date) -> Admission:
    """A provider withdraws from a category, or the region ends the admission."""
    by_provider = user.role == PROVIDER
    if by_provider and user.provider_id != admission.provider_id:
        raise NotAllowed(_l("Dit is niet uw toelating."))
    ADMISSION.check(admission.status, "ended")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Geef de reden van de beëindiging."), field="reason")
    if end_date is None or end_date < admission.start_date:
        raise ValidationFailed(
            _l(
                "De einddatum kan niet vóór de ingangsdatum (%(day)s) liggen.",
                day=_day_label(admission.start_date),
            ),
            field="end_date",
        )
    admission.status = "ended"
    admission.active_flag = None
    admission.end_date = end_date
    admission.ended_reason = reason
    admission.ended_by_id = user.id
    admission.ended_kind = "withdrawn" if by_provider else "terminated"
    if admission.contract_id:
        for row in db.session.execute(
            select(ContractProduct).where(
                ContractProduct.contract_id == admission.contract_id,
                ContractProduct.category_id == admission.category_id,
            )
        ).scalars():
            row.effective_to = end_date
    record(
        "open_house.admission_ended",
        admission,
        actor=user,
        old={"status": "active", "end_date": None},
        new={
            "status": "ended",
            "end_date": end_date,
            "reason": reason,
            "kind": admission.ended_kind,
            "category": admission.category.code,
        },
    )
    if not by_provider:
        _notify(
            admission.application,
            "admission_ended",
            _text(
                _l(
                    "De regio beëindigt uw toelating tot %(cat)s per %(day)s. Reden: %(reason)s",
                    cat=admission.category.name,
                    day=_day_label(end_date),
                    reason=reason,
                )
            ),
        )
    return admission
