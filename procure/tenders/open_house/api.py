"""JSON read API for open houses: /api/v1/open-houses[/<reference>[/categories|/applications|
/admissions]]. Open houses also appear in GET /api/v1/tenders (procedure "open_house")."""

from collections import defaultdict

from flask import abort
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from procure.api import bp
from procure.api.schemas import PageArgs, list_of, page_numbers, page_of
from procure.auth.permissions import scoped
from procure.catalogue.models import Product
from procure.core.listing import paginate
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house import policy
from procure.tenders.open_house.models import (
    Admission,
    Application,
    ApplicationCategory,
    Category,
    OpenHouseSettings,
    Requirement,
)
from procure.tenders.open_house.schemas import (
    AdmissionGroupSchema,
    ApplicationQuery,
    ApplicationSchema,
    CategorySchema,
    OpenHouseDetailSchema,
    OpenHouseSchema,
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
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(OpenHouseSchema))
def open_houses_list(args):
    """Open houses (toelatingsprocedures) die de gebruiker mag zien"""
    stmt = _visible_open_houses().order_by(Tender.reference)
    return paginate(stmt, *page_numbers(args))


@bp.get("/open-houses/<reference>")
@bp.response(200, OpenHouseDetailSchema)
def open_house_detail(reference):
    """Eén open house met categorieën, eisen en toetredingsmomenten"""
    tender = _open_house_or_404(reference)
    settings = db.session.execute(
        select(OpenHouseSettings).where(OpenHouseSettings.tender_id == tender.id)
    ).scalar_one()
    requirements = (
        db.session.execute(
            select(Requirement)
            .where(Requirement.tender_id == tender.id)
            .order_by(Requirement.number)
        )
        .scalars()
        .all()
    )
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
    stmt = scoped(select(Application), Application).where(Application.tender_id == tender.id)
    if args.get("status"):
        stmt = stmt.where(Application.status == args["status"])
    stmt = stmt.options(
        joinedload(Application.provider),
        joinedload(Application.entry_moment),
        joinedload(Application.queued_from),
        selectinload(Application.municipalities),
        selectinload(Application.categories).joinedload(ApplicationCategory.category),
    ).order_by(Application.submitted_at, Application.id)
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
