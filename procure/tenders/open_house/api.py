"""JSON API for open houses: /api/v1/open-houses[/<reference>[/categories|/applications|
/admissions]] to read, and the writes of the open-house pages (applications, scores,
requests for more information and the answers, decisions, ending admissions) through the
same operations and roles. Open houses also appear in GET /api/v1/tenders (procedure
"open_house")."""

from collections import defaultdict

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from procure.api import bp
from procure.api.schemas import list_of, page_numbers, page_of
from procure.auth.permissions import scoped
from procure.catalogue.models import Product
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import order_by_key, paginate
from procure.extensions import db
from procure.organisations.models import Municipality
from procure.tenders.models import Tender
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house import policy, queries
from procure.tenders.open_house.models import (
    Admission,
    Application,
    Category,
    EntryMoment,
    OpenHouseSettings,
    Requirement,
)
from procure.tenders.open_house.schemas import (
    AdmissionGroupSchema,
    AdmissionSchema,
    ApplicationForm,
    ApplicationQuery,
    ApplicationSchema,
    CategorySchema,
    DecisionInput,
    EndAdmissionInput,
    InfoRequestInput,
    InfoResponseForm,
    OpenHouseDetailSchema,
    OpenHouseQuery,
    OpenHouseSchema,
    RequirementScoresInput,
)
from procure.tenders.policy import visible_tenders


def _iso(value):
    return value.isoformat() if value is not None else None


def _visible_open_houses():
    stmt = scoped(select(Tender).where(Tender.procedure == ops.PROCEDURE), Tender)
    return visible_tenders(stmt, current_user)


def _open_house_or_404(reference: str) -> Tender:
    tender = db.session.execute(
        _visible_open_houses().where(Tender.reference == reference)
    ).scalar()
    if tender is None:
        abort(404)
    return tender


def _categories(tender: Tender) -> list[Category]:
    return (
        db.session.execute(
            select(Category)
            .where(Category.tender_id == tender.id)
            .options(selectinload(Category.products).selectinload(Product.tariffs))
            .order_by(Category.code)
        )
        .scalars()
        .all()
    )


@bp.get("/open-houses")
@bp.arguments(OpenHouseQuery, location="query")
@bp.response(200, page_of(OpenHouseSchema))
def open_houses_list(args):
    """Open houses (toelatingsprocedures) die de gebruiker mag zien"""
    stmt = queries.open_houses_stmt(args.get("q"), args.get("status", ""), current_user)
    stmt = order_by_key(stmt, queries.OPEN_HOUSE_SORTS, args["sort"], args["direction"])
    return paginate(stmt, *page_numbers(args))


@bp.get("/open-houses/<reference>")
@bp.response(200, OpenHouseDetailSchema)
def open_house_detail(reference):
    """Eén open house met categorieën, eisen en toetredingsmomenten"""
    tender = _open_house_or_404(reference)
    settings = db.session.execute(
        select(OpenHouseSettings).where(OpenHouseSettings.tender_id == tender.id)
    ).scalar_one()
    requirements = queries.requirements(tender)
    body = OpenHouseSchema().dump(tender)
    body.update(
        region=tender.region.short_code,
        term_end=ops.term_end(tender),
        max_partners=None,
        description=tender.description,
        entry_regime=settings.entry_regime,
        entry_months=settings.months if not settings.is_continuous else [],
        application_weeks=settings.application_weeks,
        assessment_weeks=settings.assessment_weeks,
        admission_conditions=settings.admission_conditions,
        categories=_categories(tender),
        requirements=requirements,
        entry_moments=ops.moments(tender),
    )
    # contract_start was dumped to text above; give the schema the date again.
    body["contract_start"] = tender.contract_start
    return body


@bp.get("/open-houses/<reference>/categories")
@bp.response(200, list_of(CategorySchema))
def open_house_categories(reference):
    """Categorieën met producten en het aantal toegelaten aanbieders"""
    tender = _open_house_or_404(reference)
    counts = dict(
        db.session.execute(
            select(Admission.category_id, func.count())
            .where(Admission.tender_id == tender.id, Admission.status == policy.ACTIVE)
            .group_by(Admission.category_id)
        ).all()
    )
    categories = _categories(tender)
    for category in categories:
        category.admitted_providers = counts.get(category.id, 0)
    return {"items": categories}


@bp.get("/open-houses/<reference>/applications")
@bp.arguments(ApplicationQuery, location="query")
@bp.response(200, page_of(ApplicationSchema))
def open_house_applications(args, reference):
    """Aanmeldingen (aanbieder: de eigen; gemeenten: geen toegang)"""
    if not policy.can_list_applications(current_user):
        abort(403)
    tender = _open_house_or_404(reference)
    filters = {**args, "moment_id": args.get("moment"), "category_id": args.get("category")}
    stmt = queries.applications_stmt(tender, filters).options(
        joinedload(Application.queued_from), selectinload(Application.municipalities)
    )
    stmt = order_by_key(stmt, queries.APPLICATION_SORTS, args["sort"], args["direction"])
    return paginate(stmt, *page_numbers(args))


@bp.get("/open-houses/<reference>/admissions")
@bp.response(200, list_of(AdmissionGroupSchema))
def open_house_admissions(reference):
    """Toegelaten aanbieders per categorie"""
    tender = _open_house_or_404(reference)
    rows = (
        db.session.execute(
            scoped(select(Admission), Admission)
            .where(Admission.tender_id == tender.id, Admission.status == policy.ACTIVE)
            .options(
                joinedload(Admission.provider),
                joinedload(Admission.category),
                joinedload(Admission.application).selectinload(Application.municipalities),
            )
        )
        .unique()
        .scalars()
        .all()
    )
    grouped = defaultdict(list)
    for adm in rows:
        grouped[adm.category.code].append(
            {
                "id": adm.id,
                "provider": adm.provider.short_code,
                "provider_name": adm.provider.name,
                "start_date": adm.start_date,
                "municipalities": [m.name for m in adm.application.municipalities],
            }
        )
    return {
        "items": [
            {"category": c.code, "name": c.name, "providers": grouped.get(c.code, [])}
            for c in _categories(tender)
        ]
    }


# -- writes: the operations and roles of the open-house pages ----------------------------


def _require(allowed: bool, message) -> None:
    """The page's role check, asked of the policy (403 for every other role)."""
    if not allowed:
        raise NotAllowed(message)


def _application(tender: Tender, application_id: int) -> Application:
    application = db.session.execute(
        scoped(select(Application), Application).where(
            Application.id == application_id, Application.tender_id == tender.id
        )
    ).scalar()
    if application is None:
        abort(404)
    return application


def _by_code(model, tender: Tender, codes, column, field: str, message) -> list[int]:
    """Ids of `model` rows of this open house named by `codes` (refused when unknown)."""
    wanted = set(codes)
    found = dict(
        db.session.execute(
            select(column, model.id).where(model.tender_id == tender.id, column.in_(wanted))
        ).all()
    )
    if len(found) != len(wanted):
        raise ValidationFailed(message, field=field)
    return [found[code] for code in codes]


def _municipality_ids(tender: Tender, names) -> list[int]:
    found = dict(
        db.session.execute(
            select(Municipality.name, Municipality.id).where(
                Municipality.region_id == tender.region_id, Municipality.name.in_(set(names))
            )
        ).all()
    )
    if len(found) != len(set(names)):
        raise ValidationFailed(_l("Kies gemeenten uit deze regio."), field="municipalities")
    return [found[name] for name in names]


def _paired(numbers, values, field: str, requirement_ids: dict[int, int]) -> dict:
    """{requirement id: value} from two lists that pair up by position."""
    if len(numbers) != len(values) or len(set(numbers)) != len(numbers):
        raise ValidationFailed(
            _l("Geef bij elk antwoord of document één eisnummer, elk nummer één keer."),
            field=field,
        )
    unknown = [n for n in numbers if n not in requirement_ids]
    if unknown:
        raise ValidationFailed(
            _l("Onbekende eis %(n)s.", n=", ".join(str(n) for n in unknown)), field=field
        )
    return {requirement_ids[n]: v for n, v in zip(numbers, values, strict=True)}


def _answers(form: dict, requirement_ids: dict[int, int]) -> tuple[dict, dict]:
    answers = _paired(form["requirement"], form["answer"], "requirement", requirement_ids)
    files = _paired(
        form["document_requirement"], form["document"], "document_requirement", requirement_ids
    )
    return answers, files


def _requirement_ids(tender: Tender) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(Requirement.number, Requirement.id).where(Requirement.tender_id == tender.id)
        ).all()
    )


@bp.write(
    "/open-houses/<reference>/applications",
    201,
    ApplicationSchema,
    arguments=ApplicationForm,
    location="multipart",
)
def open_house_apply(form, reference):
    """Een aanvraag tot toelating indienen, met antwoorden en documenten per eis (aanbieder)"""
    _require(current_user.is_provider, _l("Alleen aanbieders dienen een aanvraag in."))
    tender = _open_house_or_404(reference)
    category_ids = _by_code(
        Category,
        tender,
        form["categories"],
        Category.code,
        "categories",
        _l("Deze categorie bestaat niet in deze open house."),
    )
    moment_id = None
    if form["entry_date"] is not None:
        moment_id = _by_code(
            EntryMoment,
            tender,
            [form["entry_date"]],
            EntryMoment.entry_date,
            "entry_date",
            _l("Onbekend toetredingsmoment."),
        )[0]
    answers, files = _answers(form, _requirement_ids(tender))
    return ops.submit_application(
        tender,
        provider=current_user.provider,
        user=current_user,
        category_ids=category_ids,
        municipality_ids=_municipality_ids(tender, form["municipalities"]),
        motivation=form["motivation"],
        answers=answers,
        files=files,
        moment_id=moment_id,
    )


@bp.write(
    "/open-houses/<reference>/applications/<int:application_id>/withdrawal", 200, ApplicationSchema
)
def open_house_withdraw(reference, application_id):
    """De eigen aanvraag intrekken (aanbieder)"""
    _require(current_user.is_provider, _l("Alleen de aanvrager trekt een aanvraag in."))
    application = _application(_open_house_or_404(reference), application_id)
    return ops.withdraw_application(application, user=current_user)


_ASSESSORS_ONLY = _l("Alleen de beoordelaars van de regio beoordelen aanvragen.")


@bp.write(
    "/open-houses/<reference>/applications/<int:application_id>/scores",
    200,
    ApplicationSchema,
    arguments=RequirementScoresInput,
)
def open_house_score(body, reference, application_id):
    """Per eis de beoordeling en toelichting vastleggen (beoordelaars)"""
    _require(policy.is_assessor(current_user), _ASSESSORS_ONLY)
    tender = _open_house_or_404(reference)
    application = _application(tender, application_id)
    ids = _requirement_ids(tender)
    numbers = [row["requirement"] for row in body["scores"]]
    scores = _paired(numbers, [(r["score"], r["remark"]) for r in body["scores"]], "scores", ids)
    return ops.score(application, scores, actor=current_user)


@bp.write(
    "/open-houses/<reference>/applications/<int:application_id>/info-requests",
    200,
    ApplicationSchema,
    arguments=InfoRequestInput,
)
def open_house_request_info(body, reference, application_id):
    """Meer informatie vragen; de aanvraag gaat terug naar de aanbieder (beoordelaars)"""
    _require(policy.is_assessor(current_user), _ASSESSORS_ONLY)
    application = _application(_open_house_or_404(reference), application_id)
    return ops.request_more_info(
        application, note=body["note"], response_days=body["response_days"], actor=current_user
    )


@bp.write(
    "/open-houses/<reference>/applications/<int:application_id>/info-responses",
    200,
    ApplicationSchema,
    arguments=InfoResponseForm,
    location="multipart",
)
def open_house_respond(form, reference, application_id):
    """De gevraagde informatie aanvullen, met gewijzigde antwoorden en documenten
    (aanbieder)"""
    _require(current_user.is_provider, _l("Alleen de aanvrager vult een aanvraag aan."))
    tender = _open_house_or_404(reference)
    application = _application(tender, application_id)
    answers, files = _answers(form, _requirement_ids(tender))
    return ops.respond_to_info_request(
        application,
        user=current_user,
        response=form["response"],
        answers={k: v for k, v in answers.items() if v},
        files=files,
    )


@bp.write(
    "/open-houses/<reference>/applications/<int:application_id>/decision",
    200,
    ApplicationSchema,
    arguments=DecisionInput,
)
def open_house_decide(body, reference, application_id):
    """Besluiten per categorie: toelaten (met contract) of afwijzen (beoordelaars)"""
    _require(policy.is_assessor(current_user), _ASSESSORS_ONLY)
    tender = _open_house_or_404(reference)
    application = _application(tender, application_id)
    codes = [row["category"] for row in body["decisions"]]
    if len(set(codes)) != len(codes):
        raise ValidationFailed(_l("Elke categorie één keer."), field="decisions")
    ids = _by_code(
        Category,
        tender,
        codes,
        Category.code,
        "decisions",
        _l("Deze categorie bestaat niet in deze open house."),
    )
    decisions = {i: row["decision"] for i, row in zip(ids, body["decisions"], strict=True)}
    return ops.decide(application, decisions=decisions, reason=body["reason"], actor=current_user)


@bp.write(
    "/open-houses/<reference>/admissions/<int:admission_id>/ending",
    200,
    AdmissionSchema,
    arguments=EndAdmissionInput,
)
def open_house_end_admission(body, reference, admission_id):
    """Een toelating beëindigen: de aanbieder trekt zich terug, of de regio beëindigt"""
    _require(
        policy.can_set_up(current_user) or current_user.is_provider,
        _l("Alleen inkoop of de toegelaten aanbieder kan dit."),
    )
    tender = _open_house_or_404(reference)
    admission = db.session.execute(
        scoped(select(Admission), Admission).where(
            Admission.id == admission_id, Admission.tender_id == tender.id
        )
    ).scalar()
    if admission is None:
        abort(404)
    return ops.end_admission(
        admission, user=current_user, reason=body["reason"], end_date=body["end_date"]
    )
