"""Setting up an open house: the tender and its settings, entry moments, categories,
requirements; publishing and closing.

Each operation validates first (Dutch messages), checks the state machine, writes the audit
log, and commits as one unit (procure.core.operations.operation)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record, record_new
from procure.audit.operations import changes
from procure.catalogue.models import Product, TaskArea
from procure.catalogue.policy import EXPIRED
from procure.core.errors import Conflict, InvalidTransition, ValidationFailed
from procure.core.operations import operation
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house import schedule
from procure.tenders.open_house.models import (
    ENTRY_REGIMES,
    Category,
    EntryMoment,
    OpenHouseSettings,
    Requirement,
)
from procure.tenders.open_house.operations.common import (
    PROCEDURE,
    VARIANTS,
    day_label,
    ensure_open_house,
    moments,
    settings_for,
    term_end,
)
from procure.tenders.open_house.policy import CLOSED
from procure.tenders.policy import OPEN_HOUSE, is_published


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


def _check_terms(tender: Tender, settings, values: dict) -> None:
    """The variant, start, terms and task area an edit of the set-up leaves behind."""
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


@operation
def update_open_house(tender: Tender, *, actor=None, **values) -> Tender:
    """Change the set-up of a concept open house; the entry moments follow the new schedule.

    After publication the set-up is fixed (applications rely on it); only extra entry moments
    can be added."""
    ensure_open_house(tender)
    if is_published(tender):
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
    _check_terms(tender, settings, values)
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
    ensure_open_house(tender)
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
    ensure_open_house(tender)
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
            _l("Er is al een toetredingsmoment op %(day)s.", day=day_label(entry_date)),
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
    ensure_open_house(tender)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationFailed(_l("Vul een code en een naam voor de categorie in."), field="code")
    if tender.status == CLOSED:
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
    if any(p.status == EXPIRED for p in products):
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
    return record_new(
        category,
        "open_house.category_added",
        actor=actor,
        new={
            "tender": tender.reference,
            "code": code,
            "name": name,
            "products": [p.code for p in products],
        },
    )


@operation
def add_requirement(
    tender: Tender, *, text: str, requires_document: bool = False, actor=None
) -> Requirement:
    ensure_open_house(tender)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_l("Beschrijf de eis."), field="text")
    if is_published(tender):
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
    return record_new(
        requirement,
        "open_house.requirement_added",
        actor=actor,
        new={"number": number, "text": text, "requires_document": requires_document},
    )


@operation
def publish(tender: Tender, *, actor) -> Tender:
    ensure_open_house(tender)
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
    old = OPEN_HOUSE.apply(tender, "published", actor)
    record(
        "open_house.published",
        tender,
        actor=actor,
        old={"status": old},
        new={"status": "published"},
    )
    return tender


@operation
def close(tender: Tender, *, actor) -> Tender:
    ensure_open_house(tender)
    OPEN_HOUSE.check(tender.status, "closed")
    old = OPEN_HOUSE.apply(tender, "closed", actor)
    record("open_house.closed", tender, actor=actor, old={"status": old}, new={"status": "closed"})
    return tender
