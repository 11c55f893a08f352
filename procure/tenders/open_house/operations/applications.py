"""Applying to an open house: the entry moment an application is planned on, submitting
and withdrawing."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.audit import record
from procure.auth.roles import PROVIDER
from procure.catalogue.models import Product
from procure.contracts.models import ContractedProduct
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference
from procure.core.types import utcnow
from procure.core.uploads import store_bytes
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.tenders.models import Tender
from procure.tenders.open_house import queries, schedule
from procure.tenders.open_house.models import (
    Admission,
    Answer,
    Application,
    ApplicationCategory,
    Category,
    EntryMoment,
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
from procure.tenders.open_house.policy import APPLICATION, accepts_applications


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


def _region_municipalities(tender: Tender, municipality_ids) -> list:
    """The municipalities an application names: at least one, all of the tender's region."""
    if not municipality_ids:
        raise ValidationFailed(
            _l("Kies de gemeenten waarin u de zorg levert."), field="municipality_ids"
        )
    municipalities = list(
        db.session.execute(
            select(Municipality).where(Municipality.id.in_(set(municipality_ids)))
        ).scalars()
    )
    if len(municipalities) != len(set(municipality_ids)) or any(
        m.region_id != tender.region_id for m in municipalities
    ):
        raise ValidationFailed(_l("Kies gemeenten uit deze regio."), field="municipality_ids")
    return municipalities


def _requirements(tender: Tender) -> dict:
    return {r.id: r for r in queries.requirements(tender)}


def _checked_answers(requirements: dict, answers, files):
    """(answers, uploads) by requirement id, once every requirement has its answer or the
    document it asks for."""
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
    return answers, uploads


def _earlier_submission(provider: Provider, idempotency_key: str | None) -> Application | None:
    """The application this provider already sent with the same idempotency key."""
    if not idempotency_key:
        return None
    return db.session.execute(
        select(Application).where(
            Application.provider_id == provider.id,
            Application.idempotency_key == idempotency_key,
        )
    ).scalar()


def _categories_applied_for(
    tender: Tender, provider: Provider, category_ids: list[int]
) -> tuple[list[int], dict[int, Category]]:
    """The sorted category ids and the categories of this open house asked for; refused
    when one is unknown or already has an open application of the provider."""
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
    return ids, categories


def _entry_planning(tender: Tender, now: datetime, moment_id: int | None):
    """(entry moment, moment queued from, assessment deadline) of an application filed
    `now`: a continuous open house has a deadline and no moment."""
    settings = settings_for(tender)
    if settings.is_continuous:
        deadline = schedule.continuous_assessment_deadline(
            now, settings.continuous_assessment_weeks
        )
        return None, None, deadline
    wanted = None
    if moment_id:
        wanted = db.session.get(EntryMoment, moment_id)
        if wanted is None or wanted.tender_id != tender.id:
            raise ValidationFailed(_l("Onbekend toetredingsmoment."), field="moment_id")
    moment, queued_from = plan_moment(tender, now, wanted)
    return moment, queued_from, None


def _attach_answers(application: Application, requirements, answers: dict, uploads: dict, user):
    """An answer per requirement, with its uploaded document stored."""
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
    product_ids: list[int] | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Application:
    """A provider applies for admission to one or more categories, or for more products of
    a category it is already admitted to. `product_ids` narrows the products asked for
    within the chosen categories; a category none of them belongs to is asked in full."""
    now = now or utcnow()
    ensure_open_house(tender)
    if user is not None and user.role == PROVIDER and user.provider_id != provider.id:
        raise NotAllowed(_l("U kunt alleen namens uw eigen organisatie aanvragen."))
    earlier = _earlier_submission(provider, idempotency_key)
    if earlier is not None:
        return earlier
    if not accepts_applications(tender):
        raise InvalidTransition(_l("Deze open house staat niet open voor aanvragen."))
    if not provider.active:
        raise NotAllowed(_l("Deze aanbieder is niet actief."))
    ids, categories = _categories_applied_for(tender, provider, category_ids)
    wanted_products = _products_applied_for(provider, categories, product_ids)
    municipalities = _region_municipalities(tender, municipality_ids)
    requirements = _requirements(tender)
    answers, uploads = _checked_answers(requirements, answers, files)
    moment, queued_from, assessment_deadline = _entry_planning(tender, now, moment_id)

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
        products, additional = wanted_products[cat_id]
        application.categories.append(
            ApplicationCategory(
                category_id=cat_id,
                provider_id=provider.id,
                decision="pending",
                open_flag=True,
                additional=additional,
                products=products,
            )
        )
    _attach_answers(application, requirements, answers, uploads, user)
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
            "products": {categories[i].code: [p.code for p in wanted_products[i][0]] for i in ids},
            "additional_products": [categories[i].code for i in ids if wanted_products[i][1]],
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


def admitted_products(provider_id: int, category_id: int) -> tuple[Admission | None, set[int]]:
    """The provider's active admission to the category and the products it already covers."""
    admission = db.session.execute(
        select(Admission).where(
            Admission.provider_id == provider_id,
            Admission.category_id == category_id,
            Admission.active_flag.is_(True),
        )
    ).scalar()
    if admission is None or admission.contract_id is None:
        return admission, set()
    covered = db.session.execute(
        select(ContractedProduct.product_id).where(
            ContractedProduct.contract_id == admission.contract_id,
            ContractedProduct.category_id == category_id,
            ContractedProduct.effective_to.is_(None),
        )
    ).scalars()
    return admission, set(covered)


def _products_applied_for(
    provider: Provider, categories: dict[int, Category], product_ids
) -> dict[int, tuple[list[Product], bool]]:
    """Per category: the products asked for and whether they extend an admission."""
    chosen = set(product_ids or [])
    known = {p.id: p for c in categories.values() for p in c.products}
    if chosen - set(known):
        raise ValidationFailed(
            _l("Een gekozen product hoort niet bij de gekozen categorieën."), field="product_ids"
        )
    result = {}
    for cat_id, category in categories.items():
        admission, covered = admitted_products(provider.id, cat_id)
        picked = [p for p in category.products if p.id in chosen]
        already = [p.code for p in picked if p.id in covered]
        if already:
            raise Conflict(
                _l(
                    "U bent al toegelaten tot %(codes)s in de categorie %(cat)s.",
                    codes=", ".join(already),
                    cat=category.name,
                ),
                field="product_ids",
            )
        wanted = [p for p in (picked or category.products) if p.id not in covered]
        if not wanted:
            raise Conflict(
                _l(
                    "U bent al toegelaten tot alle producten van de categorie %(cat)s.",
                    cat=category.name,
                ),
                field="product_ids",
            )
        result[cat_id] = (wanted, admission is not None)
    return result


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
