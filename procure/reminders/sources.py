"""Deadline sources of the reminder rules, one function per rule (see rules.py).

Each source runs a bounded number of queries with a range condition on an indexed column
(or, for yearly events, none at all outside the window) and names the recipients from
ownership and roles, never outside the record's scope.
"""

import importlib
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from procure.auth.models import User
from procure.core import formatting as fmt
from procure.core.timeutil import AMSTERDAM, local_deadline
from procure.extensions import db
from procure.reminders.rules import Deadline, register


def path_for(endpoint: str, **values) -> str:
    """A URL path for an endpoint, also outside a request (the scheduler); '' if unknown."""
    adapter = cached(
        ("url_adapter",), lambda: current_app.url_map.bind("localhost", script_name="/")
    )
    try:
        return adapter.build(endpoint, values)
    except BuildError:
        return ""


def users_by_role(roles: tuple[str, ...], region_ids=None, user=None) -> dict[int, list[int]]:
    """Active users with one of `roles`, grouped by region id (one query)."""
    stmt = select(User.id, User.region_id).where(
        User.role.in_(roles), User.active.is_(True), User.region_id.is_not(None)
    )
    if region_ids is not None:
        stmt = stmt.where(User.region_id.in_(list(region_ids)))
    if user is not None:
        stmt = stmt.where(User.id == user.id)
    grouped: dict[int, list[int]] = defaultdict(list)
    for uid, region_id in db.session.execute(stmt.order_by(User.id)):
        grouped[region_id].append(uid)
    return grouped


def day_moment(day: date, at: time = time(9, 0)) -> datetime:
    """A calendar date as a moment: `at` o'clock in Amsterdam."""
    return local_deadline(day, at)


def in_window(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


# -- yearly tariff indexation (catalogue) -------------------------------------------------------


def indexation_deadline(year: int) -> datetime:
    """The moment by which the region settles the indexed tariffs for `year` + 1:
    REMINDERS_INDEXATION_DATE (month-day, default 11-01) at 12:00 in Amsterdam."""
    month, day = (int(p) for p in current_app.config["REMINDERS_INDEXATION_DATE"].split("-"))
    return local_deadline(date(year, month, day), time(12, 0))


@register(
    "tariff_indexation",
    "Jaarlijkse tariefindexatie",
    "6w,2w,0",
    "Tarieven voor het nieuwe jaar vaststellen (najaar), voor de inkopers van de regio.",
)
def tariff_indexation(start: datetime, end: datetime, user=None):
    years = [
        y
        for y in range(start.astimezone(AMSTERDAM).year - 1, end.astimezone(AMSTERDAM).year + 1)
        if in_window(indexation_deadline(y), start, end)
    ]
    if not years:
        return []
    recipients = users_by_role(("procurement",), user=user)
    if not recipients:
        return []
    missing = _products_without_tariff(years, recipients.keys())
    url = path_for("catalogue.index")
    result = []
    for year in years:
        for region_id, users in recipients.items():
            count = missing.get((region_id, year + 1), 0)
            detail = (
                f"{count} vastgestelde producten hebben nog geen tarief voor {year + 1}."
                if count
                else f"Controleer de tarieven voor {year + 1}."
            )
            result.append(
                Deadline(
                    subject_type="region",
                    subject_id=region_id,
                    due_at=indexation_deadline(year),
                    region_id=region_id,
                    recipients=tuple(users),
                    title=f"Tariefindexatie {year + 1}: tarieven vaststellen",
                    url=url,
                    description=detail,
                )
            )
    return result


def _products_without_tariff(years, region_ids) -> dict[tuple[int, int], int]:
    """(region id, year) -> number of fixed product cards without a tariff for that year."""
    try:
        from procure.catalogue.models import Product, Tariff
    except ImportError:  # pragma: no cover - the catalogue is part of the foundation
        return {}
    counts = {}
    for year in years:
        target = year + 1
        has_tariff = (
            select(Tariff.id).where(Tariff.product_id == Product.id, Tariff.year == target).exists()
        )
        rows = db.session.execute(
            select(Product.region_id, func.count(Product.id))
            .where(
                Product.region_id.in_(list(region_ids)),
                Product.status == "vastgesteld",
                Product.valid_from <= date(target, 12, 31),
                (Product.valid_to.is_(None)) | (Product.valid_to >= date(target, 1, 1)),
                ~has_tariff,
            )
            .group_by(Product.region_id)
        )
        for region_id, count in rows:
            counts[(region_id, target)] = count
    return counts


# -- shared helpers for the domain sources --------------------------------------------------------

_cache: ContextVar[dict | None] = ContextVar("reminder_source_cache", default=None)


@contextmanager
def source_cache():
    """Within one sweep, sources that share a domain query reuse its result per window."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def cached(key, compute):
    store = _cache.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def _domain(module: str):
    """A domain's deadline module, or None while that domain does not provide it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


class Fallback:
    """Role-based recipients per region when a record has no owner (one query per role)."""

    def __init__(self, role: str, user=None):
        self.role, self.user, self._by_region = role, user, None

    def __call__(self, region_id) -> tuple[int, ...]:
        if self._by_region is None:
            self._by_region = users_by_role((self.role,), user=self.user)
        return tuple(self._by_region.get(region_id, ()))


def _owner_or(owner_id, fallback: Fallback, region_id) -> tuple[int, ...]:
    return (owner_id,) if owner_id else fallback(region_id)


def _window_days(start: datetime, end: datetime) -> tuple[date, date]:
    """Calendar days (Amsterdam) whose 09:00 moment may fall in [start, end)."""
    return start.astimezone(AMSTERDAM).date(), end.astimezone(AMSTERDAM).date()


# -- SAS tenders (procure.tenders.deadlines) -------------------------------------------------------


@dataclass(frozen=True)
class _TenderItem:
    tender_id: int
    reference: str
    title: str
    region_id: int
    kind: str
    label: str
    moment: datetime
    officer_id: int | None


def _tender_items(start, end):
    """The tender deadlines of procure.tenders.deadlines (its KINDS: column, statuses,
    label), with one range query per moment column on that column's index; procedure and
    status are checked on the rows found."""
    module = _domain("procure.tenders.deadlines")
    models = _domain("procure.tenders.models")
    if module is None or models is None or not hasattr(module, "KINDS"):
        return []

    def compute():
        Tender = models.Tender
        by_column = defaultdict(list)
        for kind, (column, statuses, label) in module.KINDS.items():
            by_column[column].append((kind, statuses, label))
        items = []
        for column, kinds in by_column.items():
            col = getattr(Tender, column)
            rows = db.session.execute(
                select(
                    Tender.id,
                    Tender.reference,
                    Tender.title,
                    Tender.region_id,
                    Tender.procedure,
                    Tender.status,
                    Tender.officer_id,
                    col,
                ).where(col >= start, col < end)
            )
            for tid, ref, title, region_id, procedure, status, officer_id, moment in rows:
                if procedure not in ("sas_dialogue", "sas_open"):
                    continue
                for kind, statuses, label in kinds:
                    if status not in statuses:
                        continue
                    if kind == "dialogue_end" and procedure != "sas_dialogue":
                        continue
                    items.append(
                        _TenderItem(tid, ref, title, region_id, kind, label, moment, officer_id)
                    )
        return items

    return cached(("tenders", start, end), compute)


def _tender_source(kinds: tuple[str, ...], title: str):
    def source(start, end, user=None):
        officers = Fallback("procurement", user)
        result = []
        for item in _tender_items(start, end):
            if item.kind not in kinds:
                continue
            result.append(
                Deadline(
                    subject_type="tender",
                    subject_id=item.tender_id,
                    due_at=item.moment,
                    region_id=item.region_id,
                    recipients=_owner_or(item.officer_id, officers, item.region_id),
                    title=title.format(label=item.label, ref=item.reference, name=item.title),
                    url=path_for("tenders.detail", tender_id=item.tender_id),
                    description=f"{item.label}: {item.reference} {item.title}",
                )
            )
        return result

    return source


register(
    "tender_registration",
    "Aanbesteding: sluiting aanmelding",
    "1w,1d",
    "Einde van de aanmeldtermijn in de selectiefase; aan de inkoper van de aanbesteding.",
)(_tender_source(("registration",), "Sluiting aanmelding {ref}: {name}"))
register(
    "tender_go_no_go",
    "Aanbesteding: go/no-go-moment",
    "2d,0",
    "Go/no-go aan het eind van de selectie- en de dialoogfase.",
)(_tender_source(("go_no_go_selection", "go_no_go_dialogue"), "{label} {ref}: {name}"))
register(
    "tender_dialogue_end", "Aanbesteding: einde dialoogfase", "1w,1d", "Einde van de dialoogfase."
)(_tender_source(("dialogue_end",), "Einde dialoogfase {ref}: {name}"))
register(
    "tender_bid_deadline",
    "Aanbesteding: sluiting inschrijving",
    "1w,1d",
    "Sluiting van de inschrijvingstermijn.",
)(_tender_source(("bid_deadline",), "Sluiting inschrijving {ref}: {name}"))
register(
    "tender_bid_opening",
    "Aanbesteding: inschrijvingen openen",
    "0",
    "Het moment waarop de verzegelde inschrijvingen geopend mogen worden.",
)(_tender_source(("bid_deadline",), "Inschrijvingen {ref} mogen nu worden geopend: {name}"))
register(
    "tender_standstill_end",
    "Aanbesteding: einde standstilltermijn",
    "2d,0",
    "Einde van de standstilltermijn; daarna definitieve gunning.",
)(_tender_source(("standstill_end",), "Einde standstilltermijn {ref}: {name}"))


# -- open house (procure.tenders.open_house.deadlines) --------------------------------------------


def _open_house_items(start, end):
    module = _domain("procure.tenders.open_house.deadlines")
    if module is None:
        return []
    return cached(("open_house", start, end), lambda: module.deadlines(start, end))


def _entry(item) -> str:
    return item.entry_date.strftime("%d-%m-%Y") if item.entry_date else ""


OPEN_HOUSE_TITLES = {
    "application_deadline": "Aanvraagtermijn open house {ref} voor toetreding {entry} sluit",
    "assessment_deadline": "Beoordeling aanvragen open house {ref} voor toetreding {entry} "
    "({open} open)",
    "entry_moment": "Toetredingsmoment open house {ref}: {entry}",
    "continuous_assessment": "Besluit op aanvraag open house {ref} (doorlopende toetreding)",
    "response_deadline": "Aanvulling op uw aanvraag open house {ref} uiterlijk",
    "moment_update": "Update toetredingsmoment {entry} van open house {ref} versturen aan "
    "de toegangsteams en gecertificeerde instellingen",
}


def _open_house_source(kinds: tuple[str, ...]):
    def source(start, end, user=None):
        officers = Fallback("procurement", user)
        providers = None
        result = []
        for item in _open_house_items(start, end):
            if item.kind not in kinds:
                continue
            title = OPEN_HOUSE_TITLES[item.kind].format(
                ref=item.tender_reference, entry=_entry(item), open=item.open_applications
            )
            if item.kind == "response_deadline":
                # the provider must answer: its own users, nobody else's
                if providers is None:
                    providers = _provider_users(user)
                recipients = tuple(providers.get(item.provider_id, ()))
                subject_type, subject_id = "application", item.application_id
                url = path_for("open_house.application", application_id=item.application_id)
            elif item.application_id:
                recipients = _owner_or(item.officer_id, officers, item.region_id)
                subject_type, subject_id = "application", item.application_id
                url = path_for("open_house.application", application_id=item.application_id)
            elif item.kind == "moment_update":
                recipients = _owner_or(item.officer_id, officers, item.region_id)
                subject_type, subject_id = "moment_update", item.entry_moment_id
                url = path_for("open_house.admissions", tender_id=item.tender_id)
            else:
                recipients = _owner_or(item.officer_id, officers, item.region_id)
                subject_type, subject_id = "entry_moment", item.entry_moment_id
                url = path_for("open_house.detail", tender_id=item.tender_id)
            result.append(
                Deadline(
                    subject_type=subject_type,
                    subject_id=subject_id,
                    due_at=item.moment,
                    region_id=item.region_id,
                    recipients=recipients,
                    title=title,
                    url=url,
                    provider_id=item.provider_id if item.kind == "response_deadline" else None,
                    description=item.tender_title,
                )
            )
        return result

    return source


def _provider_users(user=None) -> dict[int, list[int]]:
    stmt = select(User.id, User.provider_id).where(User.role == "provider", User.active.is_(True))
    if user is not None:
        stmt = stmt.where(User.id == user.id)
    grouped: dict[int, list[int]] = defaultdict(list)
    for uid, provider_id in db.session.execute(stmt):
        grouped[provider_id].append(uid)
    return grouped


register(
    "open_house_application_deadline",
    "Open house: sluiting aanvraagtermijn",
    "2w,1d",
    "Laatste moment om aan te vragen voor een toetredingsmoment.",
)(_open_house_source(("application_deadline",)))
register(
    "open_house_assessment_deadline",
    "Open house: beoordelingstermijn",
    "1w,1d,0",
    "De werkgroep moet op de aanvragen van een toetredingsmoment hebben besloten.",
)(_open_house_source(("assessment_deadline", "continuous_assessment")))
register(
    "open_house_entry_moment",
    "Open house: toetredingsmoment",
    "1w",
    "Contracten van toegelaten aanbieders gaan in.",
)(_open_house_source(("entry_moment",)))
register(
    "open_house_moment_update",
    "Open house: update na het toetredingsmoment",
    "0",
    "Wie is toegetreden en wie is vertrokken, naar de toegangsteams en de gecertificeerde "
    "instellingen (zolang de update niet is verstuurd).",
)(_open_house_source(("moment_update",)))
register(
    "open_house_response_deadline",
    "Open house: termijn aanvulling (aanbieder)",
    "3d,0",
    "De aanbieder moet ontbrekende informatie aanleveren.",
)(_open_house_source(("response_deadline",)))


# -- contracts (procure.contracts.models) --------------------------------------------------------

LIVE_CONTRACTS = ("active", "extended")


def _contract_recipients(contract_row, managers: Fallback, municipalities) -> tuple[int, ...]:
    """The contract's manager (else the region's contract managers); for a custom contract
    also the users of the municipality that owns it."""
    ids = list(_owner_or(contract_row.manager_id, managers, contract_row.region_id))
    if contract_row.municipality_id:
        ids += municipalities(contract_row.municipality_id)
    return tuple(ids)


class MunicipalityUsers:
    def __init__(self, user=None):
        self.user, self._grouped = user, None

    def __call__(self, municipality_id) -> list[int]:
        if self._grouped is None:
            stmt = select(User.id, User.municipality_id).where(
                User.role == "municipality", User.active.is_(True)
            )
            if self.user is not None:
                stmt = stmt.where(User.id == self.user.id)
            self._grouped = defaultdict(list)
            for uid, mid in db.session.execute(stmt):
                self._grouped[mid].append(uid)
        return self._grouped.get(municipality_id, [])


def _contract_columns(Contract):
    return (
        Contract.id,
        Contract.reference,
        Contract.title,
        Contract.region_id,
        Contract.municipality_id,
        Contract.manager_id,
        Contract.end_date,
        Contract.status,
    )


def _user_filter(stmt, Contract, user):
    """For the feed: only contracts the user could be reminded of (cheap pre-filter)."""
    if user is None:
        return stmt
    if user.role == "municipality":
        return stmt.where(Contract.municipality_id == user.municipality_id)
    return stmt.where(Contract.region_id == user.region_id)


def _contract_label(row) -> str:
    return f"{row.reference} {row.title}".strip()


@register(
    "contract_extension_decision",
    "Contract: besluit over verlenging",
    "9m,6m,3m,1w",
    "Uiterlijke datum om een verlengingsoptie te lichten of af te wijzen.",
)
def contract_extension_decisions(start, end, user=None):
    models = _domain("procure.contracts.models")
    if models is None:
        return []
    Contract, Option = models.Contract, models.ExtensionOption
    first, last = _window_days(start, end)
    # Only the date range in SQL (indexed); the status conditions are checked on the few
    # rows it returns, so the planner cannot prefer the (unselective) status index.
    stmt = (
        select(
            *_contract_columns(Contract),
            Option.id.label("option_id"),
            Option.status.label("option_status"),
            Option.sequence,
            Option.months,
            Option.decision_deadline,
        )
        .join(Contract, Contract.id == Option.contract_id)
        .where(Option.decision_deadline >= first, Option.decision_deadline <= last)
    )
    managers, municipalities = Fallback("contract_manager", user), MunicipalityUsers(user)
    result = []
    for row in db.session.execute(_user_filter(stmt, Contract, user)):
        if row.option_status != "open" or row.status not in LIVE_CONTRACTS:
            continue
        due = day_moment(row.decision_deadline)
        if in_window(due, start, end):
            result.append(
                Deadline(
                    subject_type="extension_option",
                    subject_id=row.option_id,
                    due_at=due,
                    region_id=row.region_id,
                    municipality_id=row.municipality_id,
                    recipients=_contract_recipients(row, managers, municipalities),
                    title=f"Besluit verlengingsoptie {row.sequence} ({row.months} maanden) "
                    f"contract {_contract_label(row)}",
                    url=path_for("contracts.detail", contract_id=row.id),
                    description="Na deze datum vervalt de optie.",
                )
            )
    return result


@register("contract_end", "Contract: einddatum", "6m,3m,1m", "Einde van een lopend contract.")
def contract_ends(start, end, user=None):
    models = _domain("procure.contracts.models")
    if models is None:
        return []
    Contract = models.Contract
    first, last = _window_days(start, end)
    stmt = select(*_contract_columns(Contract)).where(
        Contract.end_date >= first, Contract.end_date <= last
    )
    managers, municipalities = Fallback("contract_manager", user), MunicipalityUsers(user)
    result = []
    for row in db.session.execute(_user_filter(stmt, Contract, user)):
        if row.status not in LIVE_CONTRACTS:
            continue
        due = day_moment(row.end_date)
        if in_window(due, start, end):
            result.append(
                Deadline(
                    subject_type="contract",
                    subject_id=row.id,
                    due_at=due,
                    region_id=row.region_id,
                    municipality_id=row.municipality_id,
                    recipients=_contract_recipients(row, managers, municipalities),
                    title=f"Contract {_contract_label(row)} eindigt op "
                    f"{row.end_date.strftime('%d-%m-%Y')}",
                    url=path_for("contracts.detail", contract_id=row.id),
                )
            )
    return result


@register(
    "contract_notice",
    "Contract: uiterste opzegdatum",
    "1m,1w",
    "Laatste dag om op te zeggen zodat het contract op de einddatum eindigt.",
)
def contract_notice_deadlines(start, end, user=None):
    models = _domain("procure.contracts.models")
    if models is None:
        return []
    Contract = models.Contract
    first, last = _window_days(start, end)
    # notice_deadline (end date - notice period) is kept by the contracts domain: one
    # indexed range, whatever the number of contracts or distinct notice periods
    stmt = select(
        *_contract_columns(Contract),
        Contract.notice_given_on,
        Contract.notice_months,
        Contract.notice_deadline,
    ).where(Contract.notice_deadline >= first, Contract.notice_deadline <= last)
    managers, municipalities = Fallback("contract_manager", user), MunicipalityUsers(user)
    result = []
    for row in db.session.execute(_user_filter(stmt, Contract, user)):
        if row.status not in LIVE_CONTRACTS or row.notice_given_on is not None:
            continue
        deadline_day = row.notice_deadline
        due = day_moment(deadline_day)
        if in_window(due, start, end):
            result.append(
                Deadline(
                    subject_type="contract",
                    subject_id=row.id,
                    due_at=due,
                    region_id=row.region_id,
                    municipality_id=row.municipality_id,
                    recipients=_contract_recipients(row, managers, municipalities),
                    title=f"Uiterste opzegdatum contract {_contract_label(row)}: "
                    f"{deadline_day.strftime('%d-%m-%Y')}",
                    url=path_for("contracts.detail", contract_id=row.id),
                    description=f"Opzegtermijn {row.notice_months} maanden; einddatum "
                    f"{row.end_date.strftime('%d-%m-%Y')}.",
                )
            )
    return result


@register(
    "contract_meeting",
    "Contractmanagement: volgend gesprek",
    "2w,1d",
    "Gepland contractmanagementgesprek met een aanbieder.",
)
def contract_meetings(start, end, user=None):
    models = _domain("procure.contracts.models")
    if models is None or not hasattr(models, "ProviderManagement"):
        return []
    from procure.organisations.models import Provider

    PM = models.ProviderManagement
    first, last = _window_days(start, end)
    stmt = (
        select(
            PM.id, PM.region_id, PM.provider_id, PM.next_meeting_on, PM.manager_id, Provider.name
        )
        .join(Provider, Provider.id == PM.provider_id)
        .where(PM.next_meeting_on >= first, PM.next_meeting_on <= last)
    )
    if user is not None:
        stmt = stmt.where(PM.region_id == user.region_id)
    managers = Fallback("contract_manager", user)
    result = []
    for row in db.session.execute(stmt):
        due = day_moment(row.next_meeting_on)
        if in_window(due, start, end):
            result.append(
                Deadline(
                    subject_type="provider_management",
                    subject_id=row.id,
                    due_at=due,
                    region_id=row.region_id,
                    recipients=_owner_or(row.manager_id, managers, row.region_id),
                    title=f"Contractmanagementgesprek met {row.name} op "
                    f"{row.next_meeting_on.strftime('%d-%m-%Y')}",
                    url=path_for("contracts.management_provider", provider_id=row.provider_id),
                )
            )
    return result


def _ceiling_source(level: str):
    """A contract year passing a utilisation threshold: an event, dated by the realisation
    record that made the cumulative amount pass it (so it is reminded once)."""

    def source(start, end, user=None):
        models = _domain("procure.contracts.models")
        if models is None or not hasattr(models, "ContractYear"):
            return []
        events = cached(
            ("ceiling", start, end, user.id if user else None),
            lambda: _ceiling_events(models, start, end, user),
        )
        return [d for lvl, d in events if lvl == level and in_window(d.due_at, start, end)]

    return source


def _ceiling_events(models, start, end, user):
    """The passes of a threshold in the window: the moments are kept on the contract year
    by the contracts domain (ContractYear.warn_reached_at / alert_reached_at), so this is
    one indexed range per level, not a scan of the years and their records."""
    Contract, Year = models.Contract, models.ContractYear
    managers, municipalities = Fallback("contract_manager", user), MunicipalityUsers(user)
    events = []
    for level, column in (("warn", Year.warn_reached_at), ("alert", Year.alert_reached_at)):
        stmt = (
            select(
                Year.id.label("year_id"),
                Year.year,
                Year.value,
                Year.realised,
                column.label("reached_at"),
                Contract.variant,
                Contract.warn_pct,
                Contract.alert_pct,
                *_contract_columns(Contract),
            )
            .join(Contract, Contract.id == Year.contract_id)
            .where(column >= start, column < end)
        )
        for row in db.session.execute(_user_filter(stmt, Contract, user)):
            if row.variant == "task" or row.status not in LIVE_CONTRACTS:
                continue
            pct = row.warn_pct if level == "warn" else row.alert_pct
            events.append(
                (
                    level,
                    Deadline(
                        subject_type="contract_year",
                        subject_id=row.year_id,
                        due_at=row.reached_at,
                        region_id=row.region_id,
                        municipality_id=row.municipality_id,
                        recipients=_contract_recipients(row, managers, municipalities),
                        title=f"Budgetplafond {row.year} contract {_contract_label(row)}: "
                        f"{fmt.percent(pct, 'nl')} bereikt",
                        url=path_for("contracts.detail", contract_id=row.id),
                        description=f"Gerealiseerd {fmt.money(row.realised, 'nl')} van "
                        f"{fmt.money(row.value, 'nl')}.",
                    ),
                )
            )
    return events


register(
    "budget_ceiling_warn",
    "Budgetplafond: waarschuwingsgrens (80 %)",
    "0",
    "De realisatie van een contractjaar passeert de waarschuwingsgrens.",
)(_ceiling_source("warn"))
register(
    "budget_ceiling_alert",
    "Budgetplafond: plafond bereikt (100 %)",
    "0",
    "De realisatie van een contractjaar bereikt het budgetplafond.",
)(_ceiling_source("alert"))


# -- supervision (procure.supervision.deadlines) ---------------------------------------------------

SIGNAL_TITLES = {
    "triage": "Triage signaal {ref} ({provider}) uiterlijk {day}",
    "investigation": "Onderzoek signaal {ref} ({provider}) afronden uiterlijk {day}",
    "follow_up": "Vervolgcontrole signaal {ref} ({provider}) op {day}",
    "measure": "Termijn maatregel bij signaal {ref} ({provider}): {day}",
    "measure_check": "Controle maatregel bij signaal {ref} ({provider}) op {day}",
}


def _signal_items(start, end):
    """The due dates procure.supervision.deadlines describes, with one range query per date
    column on its index (states checked on the rows found)."""
    models = _domain("procure.supervision.models")
    if models is None or _domain("procure.supervision.deadlines") is None:
        return []
    first, last = _window_days(start, end)
    return cached(("signals", first, last), lambda: _signal_rows(models, first, last))


def _signal_rows(models, first, last):
    from procure.organisations.models import Provider

    Signal, Measure = models.Signal, models.Measure
    result = []
    for kind, column, states in (
        ("triage", Signal.triage_due_on, (models.RECEIVED,)),
        ("investigation", Signal.investigation_due_on, (models.INVESTIGATING,)),
        ("follow_up", Signal.follow_up_on, (models.TRIAGED, models.OTHER_PARTY)),
    ):
        rows = db.session.execute(
            select(
                Signal.id,
                Signal.reference,
                Signal.region_id,
                Signal.assigned_to_id,
                Signal.state,
                column,
                Provider.name,
            )
            .join(Provider, Provider.id == Signal.provider_id)
            .where(column >= first, column <= last)
        )
        for sid, ref, region_id, user_id, state, due, provider in rows:
            if state in states:
                result.append(
                    {
                        "kind": kind,
                        "signal_id": sid,
                        "measure_id": None,
                        "reference": ref,
                        "region_id": region_id,
                        "due_on": due,
                        "responsible_id": user_id,
                        "provider": provider,
                    }
                )
    for kind, column in (("measure", Measure.due_on), ("measure_check", Measure.follow_up_on)):
        rows = db.session.execute(
            select(
                Measure.id,
                Measure.status,
                Measure.due_on,
                column,
                Signal.id,
                Signal.reference,
                Signal.region_id,
                Signal.assigned_to_id,
                Provider.name,
            )
            .join(Signal, Signal.id == Measure.signal_id)
            .join(Provider, Provider.id == Measure.provider_id)
            .where(column >= first, column <= last)
        )
        for mid, status, due_on, due, sid, ref, region_id, user_id, provider in rows:
            if status != "open" or (kind == "measure_check" and due == due_on):
                continue
            result.append(
                {
                    "kind": kind,
                    "signal_id": sid,
                    "measure_id": mid,
                    "reference": ref,
                    "region_id": region_id,
                    "due_on": due,
                    "responsible_id": user_id,
                    "provider": provider,
                }
            )
    return result


def _signal_source(kinds: tuple[str, ...]):
    def source(start, end, user=None):
        supervisors = Fallback("supervisor", user)
        result = []
        for item in _signal_items(start, end):
            if item["kind"] not in kinds:
                continue
            due = day_moment(item["due_on"])
            if not in_window(due, start, end):
                continue
            measure = item.get("measure_id")
            result.append(
                Deadline(
                    subject_type="measure" if measure else "signal",
                    subject_id=measure or item["signal_id"],
                    due_at=due,
                    region_id=item["region_id"],
                    recipients=_owner_or(item["responsible_id"], supervisors, item["region_id"]),
                    title=SIGNAL_TITLES[item["kind"]].format(
                        ref=item["reference"],
                        provider=item["provider"],
                        day=item["due_on"].strftime("%d-%m-%Y"),
                    ),
                    url=path_for("supervision.show", signal_id=item["signal_id"]),
                )
            )
        return result

    return source


register(
    "signal_triage",
    "Signaal: triagetermijn",
    "1d,0",
    "Een ontvangen signaal moet binnen de termijn getrieerd zijn.",
)(_signal_source(("triage",)))
register(
    "signal_investigation",
    "Signaal: onderzoekstermijn",
    "1w,1d,0",
    "Het onderzoek naar een signaal moet op de vervaldatum klaar zijn.",
)(_signal_source(("investigation",)))
register(
    "signal_follow_up",
    "Signaal: vervolgcontrole",
    "1d,0",
    "Controle van een gemonitord of overgedragen signaal.",
)(_signal_source(("follow_up",)))
register(
    "signal_measure",
    "Signaal: termijn maatregel",
    "1w,0",
    "Deadline en controle van een opgelegde maatregel.",
)(_signal_source(("measure", "measure_check")))
