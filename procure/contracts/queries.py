"""Read-side queries shared by the pages, the exports and the API (all scoped)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Integer, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from procure.auth.permissions import scoped
from procure.catalogue.models import MaatwerkCode, TaskArea
from procure.contracts.models import (
    Contract,
    ContractYear,
    Realisation,
    cents,
    euros,
    is_lumpsum_variant,
)
from procure.contracts.policy import CLOSED, CUSTOM_HIDDEN_FOR, LIVE
from procure.core.converters import INT_MAX
from procure.core.kept import kept, page_of, read, scope_key
from procure.core.labels import resolved
from procure.core.listing import Page, like_pattern, order_by_key
from procure.core.spreadsheets import (
    MONEY_FORMAT,
    MONTH_FORMAT,
    Sheet,
    csv_bytes,
    month,
    xlsx_bytes,
)
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region


def visible(stmt, user=None):
    """scoped() for contracts plus the custom-contract rule."""
    user = user or current_user
    stmt = scoped(stmt, Contract, user)
    if user.is_authenticated and user.role in CUSTOM_HIDDEN_FOR:
        stmt = stmt.where(Contract.origin != "custom")
    return stmt


@cache
def full_contract_options():
    """Everything the contract page and the API detail show, in a fixed number of queries
    (loader options are immutable: built once per process, not on every request)."""
    from procure.contracts.models import ContractedProduct

    return (
        joinedload(Contract.years),
        selectinload(Contract.options),
        selectinload(Contract.products).joinedload(ContractedProduct.product),
        selectinload(Contract.products).selectinload(ContractedProduct.prices),
        joinedload(Contract.provider),
        joinedload(Contract.region),
        joinedload(Contract.task_area),
        joinedload(Contract.municipality),
        joinedload(Contract.tender),
        joinedload(Contract.lot),
    )


@cache
def page_contract_options():
    """What the contract page needs of the contract as objects, in one query: its years
    and options (the names it shows: `page_header`; its products: `page_products`)."""
    return (joinedload(Contract.years), joinedload(Contract.options))


@cache
def _page_header():
    from procure.auth.models import User
    from procure.tenders.models import Lot, Tender

    return (
        select(
            Provider.name.label("provider"),
            Region.name.label("region"),
            TaskArea.name.label("task_area"),
            Municipality.name.label("municipality"),
            Municipality.cbs_code.label("municipality_code"),
            Tender.reference.label("tender_reference"),
            Tender.title.label("tender_title"),
            Lot.number.label("lot_number"),
            Lot.name.label("lot_name"),
            User.name.label("manager"),
        )
        .select_from(Contract)
        .join(Provider, Provider.id == Contract.provider_id)
        .join(Region, Region.id == Contract.region_id)
        .outerjoin(TaskArea, TaskArea.id == Contract.task_area_id)
        .outerjoin(Municipality, Municipality.id == Contract.municipality_id)
        .outerjoin(Tender, Tender.id == Contract.tender_id)
        .outerjoin(Lot, Lot.id == Contract.lot_id)
        .outerjoin(User, User.id == Contract.manager_id)
        .where(Contract.id == bindparam("contract_id"))
    )


def page_header(contract: Contract):
    """The names the contract page shows of its parties, task area, tender, lot and
    manager, as one row of columns (None where the contract has none): joined ORM
    objects would cost the page more than all its other reads."""
    return read(_page_header(), {"contract_id": contract.id}).one()


@cache
def _year_decisions():
    from procure.contracts.models import BudgetDecision

    return (
        select(
            ContractYear.year,
            BudgetDecision.decided_on,
            BudgetDecision.old_amount,
            BudgetDecision.new_amount,
            BudgetDecision.reference,
            BudgetDecision.reason,
        )
        .join(ContractYear, ContractYear.id == BudgetDecision.contract_year_id)
        .where(ContractYear.contract_id == bindparam("contract_id"))
        .order_by(BudgetDecision.id.desc())
    )


@cache
def _year_drawdowns():
    from procure.contracts.models import ReserveDrawdown

    return (
        select(
            ContractYear.year,
            ReserveDrawdown.drawn_on,
            ReserveDrawdown.amount,
            ReserveDrawdown.motivation,
        )
        .join(ContractYear, ContractYear.id == ReserveDrawdown.contract_year_id)
        .where(ContractYear.contract_id == bindparam("contract_id"))
        .order_by(ReserveDrawdown.drawn_on, ReserveDrawdown.id)
    )


def budget_decisions(contract: Contract) -> list:
    """The contract's budget decisions as its page shows them (year first), newest first."""
    return read(_year_decisions(), {"contract_id": contract.id}).all()


def reserve_drawdowns(contract: Contract) -> list:
    """The draw-downs of a lumpsum's reserve as its page shows them, oldest first."""
    return read(_year_drawdowns(), {"contract_id": contract.id}).all()


@cache
def _page_products():
    from procure.catalogue.models import Product
    from procure.contracts.models import ContractedProduct, ContractPrice

    return (
        select(
            ContractedProduct.id,
            ContractedProduct.effective_from,
            Product.code,
            Product.name,
            Product.version,
            Product.unit,
            ContractPrice.year,
            ContractPrice.price,
        )
        .join(Product, Product.id == ContractedProduct.product_id)
        .outerjoin(ContractPrice, ContractPrice.contract_product_id == ContractedProduct.id)
        .where(ContractedProduct.contract_id == bindparam("contract_id"))
        .order_by(ContractedProduct.id, ContractPrice.year)
    )


def page_products(contract: Contract) -> list[SimpleNamespace]:
    """The contract's products as its page shows them, in one query of the shown columns:
    id, code, name, version, unit, effective_from, label (as the card's str()) and the
    prices per year (year, price) in order."""
    found = {}
    for r in read(_page_products(), {"contract_id": contract.id}):
        cp = found.get(r.id)
        if cp is None:
            cp = found[r.id] = SimpleNamespace(
                id=r.id,
                effective_from=r.effective_from,
                code=r.code,
                name=r.name,
                version=r.version,
                unit=r.unit,
                label=f"{r.code} {r.name}",
                prices=[],
            )
        if r.year is not None:
            cp.prices.append(SimpleNamespace(year=r.year, price=r.price))
    return list(found.values())


def get_visible_or_404(
    ident, *, column=None, user=None, full: bool = False, options=()
) -> Contract:
    user = user if user is not None else current_user
    key = column if column is not None else Contract.id

    def build():
        stmt = visible(select(Contract).where(key == bindparam("ident")), user)
        if full:
            stmt = stmt.options(*full_contract_options())
        return stmt.options(*options) if options else stmt

    # kept per scope and shape; `options` are the callers' cached tuples of loader options
    stmt = kept(("contracts.get", key, full, options, *scope_key(user)), build)
    contract = db.session.execute(stmt, {"ident": ident}).unique().scalar()
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
DEFAULT_SORT = "reference"


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

    def _int(name, maximum=INT_MAX):
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

    def _flag(name):
        value = args.get(name) or ""
        if value not in ("", "1"):
            invalid.append(name)
        return value == "1"

    filters = {
        "q": (args.get("q") or "").strip()[:100],
        "variant": _choice("variant"),
        "status": _choice("status"),
        "origin": _choice("origin"),
        "provider_id": _int("provider_id"),
        "provider_q": (args.get("provider_q") or "").strip()[:100],
        "task_area_id": _int("task_area_id"),
        "ending_months": _int("ending_months", maximum=600),
        "ceiling_warning": _flag("ceiling_warning"),
    }
    filters["invalid"] = invalid
    return filters


def contracts_stmt(filters: dict, user=None, today: date | None = None):
    """The contracts matching the list's filters, with what an export row shows."""
    stmt = visible(select(Contract), user).options(
        joinedload(Contract.provider),
        joinedload(Contract.task_area),
        joinedload(Contract.municipality),
        joinedload(Contract.region),
    )
    return filtered(stmt, filters, today)


def list_stmt(filters: dict, year: int, user=None, today: date | None = None):
    """The list page's rows: only the columns it shows, as plain rows (no ORM objects to
    build per row), with the contract year `year` (None columns when there is none)."""
    return filtered(visible(_list_columns(year), user), filters, today)


@lru_cache(maxsize=4)
def _list_columns(year: int):
    """What list_stmt selects, built once per year (statements are immutable)."""
    return (
        select(
            Contract.id,
            Contract.reference,
            Contract.title,
            Contract.variant,
            Contract.status,
            Contract.end_date,
            Contract.contract_value,
            Contract.warn_pct,
            Contract.alert_pct,
            Provider.name.label("provider_name"),
            TaskArea.name.label("task_area_name"),
            Municipality.name.label("municipality_name"),
            ContractYear.value.label("year_value"),
            ContractYear.realised.label("year_realised"),
        )
        .select_from(Contract)
        .outerjoin(Provider, Provider.id == Contract.provider_id)
        .outerjoin(TaskArea, TaskArea.id == Contract.task_area_id)
        .outerjoin(Municipality, Municipality.id == Contract.municipality_id)
        .outerjoin(
            ContractYear, (ContractYear.contract_id == Contract.id) & (ContractYear.year == year)
        )
    )


def counted_stmt(filters: dict, user=None, today: date | None = None):
    """What the list counts: the filtered contracts, without the joins for display."""
    return filtered(visible(select(Contract.id), user), filters, today)


def filtered(stmt, filters: dict, today: date | None = None):
    """`stmt` (a selection from contracts) narrowed by the list's filters."""
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
    if filters.get("provider_q"):
        pattern = like_pattern(filters["provider_q"])
        stmt = stmt.where(
            Contract.provider_id.in_(
                select(Provider.id).where(Provider.name.ilike(pattern, escape="\\"))
            )
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
    if filters.get("ceiling_warning"):
        year = (today or today_local()).year
        years = aliased(ContractYear)  # the list joins ContractYear for its own columns
        over = select(years.id).where(
            years.contract_id == Contract.id, _ceiling_over_signal(year, years)
        )
        stmt = stmt.where(over.exists())
    return stmt


def task_area_choices(user=None):
    """The task areas of the user's region(s), for the list filter: read from the small
    task-area table, not searched for among the contracts (which grow)."""
    user = user if user is not None else current_user
    stmt = kept(
        ("contracts.task areas", *scope_key(user)),
        lambda: scoped(select(TaskArea.id, TaskArea.name), TaskArea, user).order_by(
            TaskArea.name, TaskArea.id
        ),
    )
    return read(stmt).all()


def contract_list_page(filters: dict, year: int, user, sort: str, direction: str, page, per_page):
    """One page of list_stmt in the given order and the capped count of counted_stmt, from
    statements built once per scope, filters, year and order (kept: procure.core.kept)."""
    today = today_local()
    by_date = bool(filters.get("ending_months") or filters.get("ceiling_warning"))
    key = (
        "contracts.list",
        *scope_key(user),
        tuple(sorted((name, value) for name, value in filters.items() if name != "invalid")),
        year,
        today if by_date else None,  # the filters that count from today
        sort,
        direction,
    )

    def build():
        rows = order_by_key(list_stmt(filters, year, user, today), SORTS, sort, direction)
        return rows, counted_stmt(filters, user, today)

    return page_of(key, build, page, per_page)


def provider_name(provider_id: int) -> str | None:
    return db.session.execute(select(Provider.name).where(Provider.id == provider_id)).scalar()


def with_years(stmt):
    return stmt.options(selectinload(Contract.years))


def row_utilisation(row) -> tuple:
    """(percentage, level) of the contract year in a list_stmt() row, for the list."""
    from procure.contracts.operations import level_for

    if row.year_value is None or is_lumpsum_variant(row.variant):
        return None, "none"
    return (
        ContractYear.pct_of(row.year_realised, row.year_value),
        level_for(row.year_realised, row.year_value, row),
    )


# The portfolio's two lists: the shown columns and the full count (a window over the
# rows, before the limit), built once; the scope and the dates are added per request.
@cache
def _ending_columns():
    return (
        select(
            Contract.id,
            Contract.reference,
            Contract.title,
            Contract.end_date,
            Contract.status,
            Provider.name.label("provider_name"),
            func.count().over().label("total"),
        )
        .select_from(Contract)
        .outerjoin(Provider, Provider.id == Contract.provider_id)
    )


@cache
def _ceiling_columns():
    return (
        select(
            Contract.id,
            Contract.reference,
            Contract.alert_pct,
            Provider.name.label("provider_name"),
            ContractYear.value,
            ContractYear.realised,
            func.count().over().label("total"),
        )
        .select_from(Contract)
        .join(ContractYear, ContractYear.contract_id == Contract.id)
        .outerjoin(Provider, Provider.id == Contract.provider_id)
    )


def portfolio(user=None, today: date | None = None) -> dict:
    """Bounded: one grouped sum, one list (with its count) for ending, one for ceilings."""
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
        .where(base.c.status.not_in(CLOSED))
        .group_by(TaskArea.name, base.c.variant)
        .order_by(TaskArea.name, base.c.variant)
    ).all()
    totals = [
        {"task_area": r[0], "variant": r[1], "count": r[2], "value": euros(r[3])} for r in totals
    ]
    ending = db.session.execute(
        visible(_ending_columns(), user)
        .where(
            Contract.status.in_(LIVE),
            Contract.end_date >= today,
            Contract.end_date <= today + relativedelta(months=12),
        )
        .order_by(Contract.end_date, Contract.id)
        .limit(50)
    ).all()
    ceilings = db.session.execute(
        visible(_ceiling_columns(), user)
        .where(_ceiling_over_signal(today.year))
        .order_by(
            (cents(ContractYear.realised) * 1000 / cents(ContractYear.value)).desc(), Contract.id
        )
        .limit(50)
    ).all()
    return {
        "totals": totals,
        "ending": ending,
        "ending_count": ending[0].total if ending else 0,
        "ceilings": [(c, ContractYear.pct_of(c.realised, c.value)) for c in ceilings],
        "ceilings_count": ceilings[0].total if ceilings else 0,
        "grand_total": sum((t["value"] for t in totals), euros(0)),
    }


def _ceiling_over_signal(year: int, years=ContractYear):
    """A live budget ceiling whose realisation in `year` reached the contract's signal
    percentage (the dashboard card, the portfolio section and the list filter).

    A year at or over the percentage has passed it (derived.threshold_moments), so the
    indexed warn_reached_at narrows the candidates to the years that ever did: the work
    grows with what is over the signal, not with the number of contract years."""
    return and_(
        years.warn_reached_at.is_not(None),
        Contract.variant != "task",
        Contract.status.in_(LIVE),
        years.year == year,
        cents(years.value) > 0,
        cents(years.realised) * 100 >= cents(years.value) * Contract.warn_pct,
    )


def count_ceilings(user, year: int) -> int:
    return db.session.execute(
        visible(select(func.count(ContractYear.id)), user)
        .select_from(Contract)
        .join(ContractYear, ContractYear.contract_id == Contract.id)
        .where(_ceiling_over_signal(year))
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


@cache
def _realisation_page():
    return (
        select(
            Realisation.period,
            Realisation.contract_product_id,
            Realisation.units,
            Realisation.unit_price,
            Realisation.amount,
            Realisation.override,
            Realisation.override_reason,
            Realisation.source,
            func.count().over().label("total"),
        )
        .where(Realisation.contract_id == bindparam("contract_id"))
        .order_by(Realisation.period.desc(), Realisation.id.desc())
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
    )


@cache
def _realisation_count():
    return select(func.count(Realisation.id)).where(
        Realisation.contract_id == bindparam("contract_id")
    )


def realisation_page(contract: Contract, page: int, per_page: int) -> Page:
    """One page of the contract's realisation for its page: the shown columns as plain
    rows, newest first, with the total counted over the rows in the same query (a page
    past the end counts apart). The statements are built once per process."""
    params = {"contract_id": contract.id}
    window = {"page_limit": per_page, "page_offset": (page - 1) * per_page}
    rows = read(_realisation_page(), {**params, **window}).all()
    if rows:
        total = rows[0].total
    elif page > 1:
        total = db.session.execute(_realisation_count(), params).scalar_one()
    else:
        total = 0
    return Page(items=rows, page=page, per_page=per_page, total=total)


def realisations_stmt(contract: Contract):
    return (
        select(Realisation)
        .where(Realisation.contract_id == contract.id)
        .options(joinedload(Realisation.contract_product))
        .order_by(Realisation.period.desc(), Realisation.id.desc())
    )


# -- exports ---------------------------------------------------------------------------------

# Column keys (the CSV header, read back by imports and scripts) and their labels (the
# Excel header, in the user's language).
CONTRACT_COLUMNS = {
    "referentie": _l("Referentie"),
    "titel": _l("Titel"),
    "aanbieder": _l("Aanbieder"),
    "opdrachtgever": _l("Opdrachtgever"),
    "herkomst": _l("Herkomst"),
    "variant": _l("Uitvoeringsvariant"),
    "taakgebied": _l("Taakgebied"),
    "status": _l("Status"),
    "ingangsdatum": _l("Ingangsdatum"),
    "einddatum": _l("Einddatum"),
    "contractwaarde": _l("Contractwaarde"),
}
CONTRACT_HEADER = list(CONTRACT_COLUMNS)
CONTRACT_LABELS = list(CONTRACT_COLUMNS.values())
CONTRACT_MONEY = (CONTRACT_HEADER.index("contractwaarde"),)
REALISATION_COLUMNS = {
    "periode": _l("Periode"),
    "productcode": _l("Productcode"),
    "eenheden": _l("Eenheden"),
    "eenheidsprijs": _l("Eenheidsprijs"),
    "bedrag": _l("Bedrag"),
    "overschrijding": _l("Overschrijding"),
    "bron": _l("Bron"),
}
REALISATION_HEADER = list(REALISATION_COLUMNS)
REALISATION_LABELS = list(REALISATION_COLUMNS.values())
REALISATION_MONEY = (REALISATION_HEADER.index("eenheidsprijs"), REALISATION_HEADER.index("bedrag"))
SOURCE_LABELS = {"ui": _l("via de website"), "api": _l("via de API"), "csv": _l("CSV-import")}


def _code_labels() -> dict[str, dict]:
    from procure.contracts.forms import ORIGIN_LABELS, STATUS_LABELS, VARIANT_LABELS

    return {
        "origin": resolved(ORIGIN_LABELS),
        "variant": resolved(VARIANT_LABELS),
        "status": resolved(STATUS_LABELS),
        "source": resolved(SOURCE_LABELS),
    }


def contract_row(c: Contract, *, labelled: bool = False) -> list:
    """One contract as an export row: stored codes for CSV, labels for Excel."""
    labels = _code_labels() if labelled else {}

    def shown(kind: str, code):
        return labels[kind].get(code, code) if labelled else code

    return [
        c.reference,
        c.title,
        c.provider.name,
        c.municipality.name if c.municipality else c.region.short_code.upper(),
        shown("origin", c.origin),
        shown("variant", c.variant),
        c.task_area.name if c.task_area else "",
        shown("status", c.status),
        c.start_date,
        c.end_date,
        c.contract_value,
    ]


def realisation_row(r: Realisation, codes: dict, *, labelled: bool = False) -> list:
    """One realisation: the month as text and the source code for CSV; a real month
    (MONTH_FORMAT) and labels for Excel."""
    if labelled:
        sources = _code_labels()["source"]
        return [
            month(r.period),
            codes.get(r.contract_product_id, ""),
            r.units,
            r.unit_price,
            r.amount,
            _("ja") if r.override else "",
            sources.get(r.source, r.source),
        ]
    return [
        r.period.strftime("%Y-%m"),
        codes.get(r.contract_product_id, ""),
        r.units,
        r.unit_price,
        r.amount,
        "ja" if r.override else "",
        r.source,
    ]


def to_csv(header: list | None, rows) -> bytes:
    return csv_bytes(header, rows)


def to_xlsx(
    title: str, header: list, rows, *, money: tuple[int, ...] = (), months: tuple[int, ...] = ()
) -> bytes:
    """One worksheet; the columns in `money` get the euro format, `months` MM-YYYY."""
    formats = {**dict.fromkeys(money, MONEY_FORMAT), **dict.fromkeys(months, MONTH_FORMAT)}
    return xlsx_bytes(Sheet(title, header, rows, formats=formats))


# -- contract management tiers (seed 001) ------------------------------------------------------


@dataclass
class ManagementRow:
    id: int
    region_id: int
    provider_id: int
    provider_name: str
    level: str
    risk: str
    reason: str
    manager_id: int | None
    level_since: date | None
    next_meeting_on: date | None
    last_meeting: date | None
    meetings_this_year: int
    norm_due: date | None
    turnover: Decimal = Decimal("0.00")

    def behind(self, today: date) -> bool:
        return self.norm_due is not None and self.norm_due < today


def management_rows(
    *, region_id: int | None = None, year: int | None = None
) -> list[ManagementRow]:
    """Every provider with a tier, with its last meeting, the meetings of `year` and the
    day its norm falls due (two queries; no scope: callers pass the region)."""
    from procure.contracts.models import ManagementMeeting, ProviderManagement
    from procure.contracts.tiers import norm_due

    year = year or today_local().year
    PM, MM = ProviderManagement, ManagementMeeting
    last = (
        select(
            MM.region_id,
            MM.provider_id,
            func.max(MM.held_on).label("last"),
            func.count(MM.id).filter(MM.held_on >= date(year, 1, 1)).label("this_year"),
        )
        .where(MM.held_on < date(year + 1, 1, 1))
        .group_by(MM.region_id, MM.provider_id)
        .subquery()
    )
    stmt = (
        select(PM, Provider.name, last.c.last, last.c.this_year)
        .join(Provider, Provider.id == PM.provider_id)
        .outerjoin(
            last, (last.c.region_id == PM.region_id) & (last.c.provider_id == PM.provider_id)
        )
        .order_by(Provider.name)
    )
    if region_id is not None:
        stmt = stmt.where(PM.region_id == region_id)
    rows = []
    for pm, name, last_meeting, this_year in db.session.execute(stmt):
        due = norm_due(pm.level, last_meeting, pm.level_since)
        rows.append(
            ManagementRow(
                id=pm.id,
                region_id=pm.region_id,
                provider_id=pm.provider_id,
                provider_name=name,
                level=pm.level,
                risk=pm.risk,
                reason=pm.reason,
                manager_id=pm.manager_id,
                level_since=pm.level_since,
                next_meeting_on=pm.next_meeting_on,
                last_meeting=last_meeting,
                meetings_this_year=this_year or 0,
                norm_due=due,
            )
        )
    return rows


def norm_due_between(first: date, last: date, *, region_id: int | None = None):
    """The tiered providers whose next meeting falls due by the norm between two days (an
    indexed range on the day the operations keep), with what the reminder tells."""
    from procure.contracts.models import ProviderManagement as PM

    stmt = (
        select(
            PM.id,
            PM.region_id,
            PM.provider_id,
            PM.manager_id,
            PM.level,
            PM.last_meeting_on.label("last_meeting"),
            PM.norm_due_on.label("norm_due"),
            Provider.name.label("provider_name"),
        )
        .join(Provider, Provider.id == PM.provider_id)
        .where(PM.norm_due_on.between(first, last))
        .order_by(PM.norm_due_on, PM.id)
    )
    if region_id is not None:
        stmt = stmt.where(PM.region_id == region_id)
    return db.session.execute(stmt).all()


def turnover_by_provider(region_id: int, year: int) -> dict[int, Decimal]:
    """The yearly contract value per provider in the region (live contracts)."""
    rows = db.session.execute(
        select(Contract.provider_id, func.sum(ContractYear.value))
        .join(ContractYear, ContractYear.contract_id == Contract.id)
        .where(
            Contract.region_id == region_id,
            Contract.status.in_(LIVE),
            ContractYear.year == year,
        )
        .group_by(Contract.provider_id)
    )
    return {pid: Decimal(total or 0) for pid, total in rows}


def visible_contracts(user, *, tender_id: int | None = None, running_in: int | None = None):
    """The contracts `user` may see, by id: of one tender, or of the user's region (those
    running in a year when given). For document batches."""
    stmt = visible(select(Contract), user)
    if tender_id is not None:
        stmt = stmt.where(Contract.tender_id == tender_id)
    else:
        stmt = stmt.where(Contract.region_id == user.region_id)
        if running_in:
            stmt = stmt.where(
                Contract.start_date <= date(running_in, 12, 31),
                or_(Contract.end_date.is_(None), Contract.end_date >= date(running_in, 1, 1)),
            )
    return db.session.execute(stmt.order_by(Contract.id)).scalars().all()
