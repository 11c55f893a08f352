"""Read-side queries shared by the pages, the exports and the API (all scoped)."""

import csv
import io
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import abort
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from procure.auth.permissions import scoped
from procure.catalogue.models import MaatwerkCode, TaskArea
from procure.contracts.models import Contract, ContractYear, Realisation, cents, euros
from procure.contracts.policy import CUSTOM_HIDDEN_FOR, LIVE
from procure.core.listing import like_pattern
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.organisations.models import Municipality, Provider


def visible(stmt, user=None):
    """scoped() for contracts plus the custom-contract rule."""
    user = user or current_user
    stmt = scoped(stmt, Contract, user)
    if user.is_authenticated and user.role in CUSTOM_HIDDEN_FOR:
        stmt = stmt.where(Contract.origin != "custom")
    return stmt


def full_contract_options():
    """Everything the contract page and the API detail show, in a fixed number of queries."""
    from procure.contracts.models import ContractedProduct

    return (
        selectinload(Contract.years),
        selectinload(Contract.options),
        selectinload(Contract.products).joinedload(ContractedProduct.product),
        selectinload(Contract.products).selectinload(ContractedProduct.prices),
        joinedload(Contract.provider),
        joinedload(Contract.region),
        joinedload(Contract.task_area),
        joinedload(Contract.municipality),
    )


def get_visible_or_404(ident, *, column=None, user=None, full: bool = False) -> Contract:
    key = column if column is not None else Contract.id
    stmt = visible(select(Contract).where(key == ident), user)
    if full:
        stmt = stmt.options(*full_contract_options())
    contract = db.session.execute(stmt).unique().scalar()
    if contract is None:
        abort(404)
    return contract


SORTS = {
    "reference": Contract.reference,
    "end": Contract.end_date,
    "start": Contract.start_date,
    "value": Contract.contract_value,
    "status": Contract.status,
}


def contract_filters(args) -> dict:
    """The list's filters from the query string. Values no filter knows are dropped and
    named in "invalid" (the page says so instead of silently showing everything)."""
    from procure.contracts import forms

    known = {
        "variant": forms.VARIANT_LABELS,
        "status": forms.STATUS_LABELS,
        "origin": forms.ORIGIN_LABELS,
    }
    invalid = []

    def _int(name, maximum=2**63 - 1):
        raw = args.get(name) or ""
        try:
            value = int(raw or 0)
        except ValueError:
            value = -1
        if raw and not 0 < value <= maximum:
            invalid.append(name)
            return None
        return value or None

    def _choice(name):
        value = args.get(name) or ""
        if value and value not in known[name]:
            invalid.append(name)
            return ""
        return value

    filters = {
        "q": (args.get("q") or "").strip()[:100],
        "variant": _choice("variant"),
        "status": _choice("status"),
        "origin": _choice("origin"),
        "provider_id": _int("provider_id"),
        "task_area_id": _int("task_area_id"),
        "ending_months": _int("ending_months", maximum=600),
    }
    filters["invalid"] = invalid
    return filters


def contracts_stmt(filters: dict, user=None, today: date | None = None):
    stmt = visible(select(Contract), user).options(
        joinedload(Contract.provider),
        joinedload(Contract.task_area),
        joinedload(Contract.municipality),
        joinedload(Contract.region),
    )
    if filters.get("q"):
        pattern = like_pattern(filters["q"])
        # Reference, title, or the provider by name or KvK number.
        providers = select(Provider.id).where(
            Provider.name.ilike(pattern, escape="\\")
            | Provider.kvk_number.ilike(pattern, escape="\\")
        )
        stmt = stmt.where(
            Contract.reference.ilike(pattern, escape="\\")
            | Contract.title.ilike(pattern, escape="\\")
            | Contract.provider_id.in_(providers)
        )
    for key in ("variant", "status", "origin", "provider_id", "task_area_id"):
        if filters.get(key):
            stmt = stmt.where(getattr(Contract, key) == filters[key])
    if filters.get("ending_months"):
        today = today or today_local()
        stmt = stmt.where(
            Contract.status.in_(LIVE),
            Contract.end_date >= today,
            Contract.end_date <= today + relativedelta(months=filters["ending_months"]),
        )
    return stmt


def filter_choices(user=None):
    """Providers and task areas that occur in the user's contracts (two queries)."""
    seen = visible(select(Contract.provider_id), user).distinct().subquery()
    providers = db.session.execute(
        select(Provider.id, Provider.name)
        .where(Provider.id.in_(select(seen)))
        .order_by(Provider.name)
    ).all()
    areas = db.session.execute(
        select(TaskArea.id, TaskArea.name)
        .where(TaskArea.id.in_(visible(select(Contract.task_area_id), user).distinct()))
        .order_by(TaskArea.name)
    ).all()
    return providers, areas


def with_years(stmt):
    return stmt.options(selectinload(Contract.years))


def portfolio(user=None, today: date | None = None) -> dict:
    """Bounded: one grouped sum, one count + list for ending, one for ceilings."""
    today = today or today_local()
    base = visible(select(Contract), user).subquery()
    totals = db.session.execute(
        select(
            TaskArea.name,
            base.c.variant,
            func.count(base.c.id),
            func.sum(cents(base.c.contract_value)),
        )
        .select_from(base)
        .outerjoin(TaskArea, TaskArea.id == base.c.task_area_id)
        .where(base.c.status.in_(("concept", *LIVE)))
        .group_by(TaskArea.name, base.c.variant)
        .order_by(TaskArea.name, base.c.variant)
    ).all()
    totals = [
        {"task_area": r[0], "variant": r[1], "count": r[2], "value": euros(r[3])} for r in totals
    ]
    ending = (
        db.session.execute(
            visible(select(Contract), user)
            .options(joinedload(Contract.provider))
            .where(
                Contract.status.in_(LIVE),
                Contract.end_date >= today,
                Contract.end_date <= today + relativedelta(months=12),
            )
            .order_by(Contract.end_date)
            .limit(50)
        )
        .scalars()
        .all()
    )
    ending_count = db.session.execute(
        visible(select(func.count(Contract.id)), user).where(
            Contract.status.in_(LIVE),
            Contract.end_date >= today,
            Contract.end_date <= today + relativedelta(months=12),
        )
    ).scalar_one()
    ceilings = db.session.execute(
        ceilings_stmt(user, today.year)
        .order_by((cents(ContractYear.realised) * 1000 / cents(ContractYear.value)).desc())
        .limit(50)
    ).all()
    return {
        "totals": totals,
        "ending": ending,
        "ending_count": ending_count,
        "ceilings": ceilings,
        "ceilings_count": count_ceilings(user, today.year),
        "grand_total": sum((t["value"] for t in totals), euros(0)),
    }


def ceilings_stmt(user, year: int):
    return (
        visible(select(Contract, ContractYear), user)
        .join(ContractYear, ContractYear.contract_id == Contract.id)
        .options(joinedload(Contract.provider))
        .where(
            Contract.variant != "task",
            Contract.status.in_(LIVE),
            ContractYear.year == year,
            cents(ContractYear.value) > 0,
            cents(ContractYear.realised) * 100 >= cents(ContractYear.value) * Contract.warn_pct,
        )
    )


def count_ceilings(user, year: int) -> int:
    return db.session.execute(
        visible(select(func.count(ContractYear.id)), user)
        .select_from(Contract)
        .join(ContractYear, ContractYear.contract_id == Contract.id)
        .where(
            Contract.variant != "task",
            Contract.status.in_(LIVE),
            ContractYear.year == year,
            cents(ContractYear.value) > 0,
            cents(ContractYear.realised) * 100 >= cents(ContractYear.value) * Contract.warn_pct,
        )
    ).scalar_one()


def custom_totals(user) -> dict:
    """Region view of custom contracts: totals per municipality, per code, per provider."""
    base = visible(select(Contract), user).where(Contract.origin == "custom").subquery()

    def grouped(label_col, join_model, join_on):
        rows = db.session.execute(
            select(label_col, func.count(base.c.id), func.sum(cents(base.c.custom_total)))
            .select_from(base)
            .join(join_model, join_on)
            .group_by(label_col)
            .order_by(func.sum(cents(base.c.custom_total)).desc())
        ).all()
        return [{"label": r[0], "count": r[1], "total": euros(r[2])} for r in rows]

    return {
        "municipality": grouped(
            Municipality.name, Municipality, Municipality.id == base.c.municipality_id
        ),
        "code": grouped(
            MaatwerkCode.code + " " + MaatwerkCode.name,
            MaatwerkCode,
            MaatwerkCode.id == base.c.maatwerk_code_id,
        ),
        "provider": grouped(Provider.name, Provider, Provider.id == base.c.provider_id),
    }


def realisations_stmt(contract: Contract):
    return (
        select(Realisation)
        .where(Realisation.contract_id == contract.id)
        .options(joinedload(Realisation.contract_product))
        .order_by(Realisation.period.desc(), Realisation.id.desc())
    )


# -- exports ---------------------------------------------------------------------------------

CONTRACT_HEADER = [
    "referentie",
    "titel",
    "aanbieder",
    "opdrachtgever",
    "herkomst",
    "variant",
    "taakgebied",
    "status",
    "ingangsdatum",
    "einddatum",
    "contractwaarde",
]
REALISATION_HEADER = [
    "periode",
    "productcode",
    "eenheden",
    "eenheidsprijs",
    "bedrag",
    "overschrijding",
    "bron",
]


def contract_row(c: Contract) -> list:
    return [
        c.reference,
        c.title,
        c.provider.name,
        c.municipality.name if c.municipality else c.region.short_code.upper(),
        c.origin,
        c.variant,
        c.task_area.name if c.task_area else "",
        c.status,
        c.start_date.isoformat(),
        c.end_date.isoformat(),
        c.contract_value,
    ]


def realisation_row(r: Realisation, codes: dict) -> list:
    return [
        r.period.strftime("%Y-%m"),
        codes.get(r.contract_product_id, ""),
        r.units,
        r.unit_price,
        r.amount,
        "ja" if r.override else "",
        r.source,
    ]


def to_csv(header: list, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([str(v).replace(".", ",") if hasattr(v, "quantize") else v for v in row])
    return out.getvalue()


def to_xlsx(title: str, header: list, rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(header)
    for row in rows:
        ws.append(list(row))  # Decimals stay exact numbers in the sheet
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
