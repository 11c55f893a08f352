"""Reminder sources of the contracts domain: extension decisions, end and notice dates,
contract management meetings and the meeting norm of a provider's tier (seed 001), and a
contract year passing its budget ceiling's thresholds. Registered on import, from
procure.contracts.init_app."""

from datetime import datetime

from sqlalchemy import select

from procure.auth.models import User
from procure.contracts.models import Contract, ContractYear, ExtensionOption, ProviderManagement
from procure.contracts.queries import norm_due_between
from procure.core import formatting as fmt
from procure.extensions import db
from procure.organisations.models import Provider
from procure.reminders.rules import Deadline, register
from procure.reminders.sources import (
    Fallback,
    cached,
    day_moment,
    in_window,
    owner_or,
    path_for,
    short_day,
    users_by,
    window_days,
)

LIVE_CONTRACTS = ("active", "extended")


def _contract_recipients(contract_row, managers: Fallback, municipalities) -> tuple[int, ...]:
    """The contract's manager (else the region's contract managers); for a custom contract
    also the users of the municipality that owns it."""
    ids = list(owner_or(contract_row.manager_id, managers, contract_row.region_id))
    if contract_row.municipality_id:
        ids += municipalities(contract_row.municipality_id)
    return tuple(ids)


class MunicipalityUsers:
    """The users of each municipality, loaded once (custom contracts are theirs too)."""

    def __init__(self, user=None):
        self.user, self._grouped = user, None

    def __call__(self, municipality_id) -> list[int]:
        if self._grouped is None:
            self._grouped = users_by(User.municipality_id, "municipality", self.user)
        return self._grouped.get(municipality_id, [])


CONTRACT_COLUMNS = (
    Contract.id,
    Contract.reference,
    Contract.title,
    Contract.region_id,
    Contract.municipality_id,
    Contract.manager_id,
    Contract.end_date,
    Contract.status,
)


def _user_filter(stmt, user):
    """For the feed: only contracts the user could be reminded of (cheap pre-filter)."""
    if user is None:
        return stmt
    if user.is_municipality:
        return stmt.where(Contract.municipality_id == user.municipality_id)
    return stmt.where(Contract.region_id == user.region_id)


def _contract_label(row) -> str:
    return f"{row.reference} {row.title}".strip()


def _contract_days(start, end, user, stmt, day_of, keep, describe) -> list[Deadline]:
    """The deadlines of live contracts on a calendar day (09:00), from one query on an
    indexed date range; `keep(row)` adds conditions checked on the few rows it returns (so
    the planner cannot prefer an unselective status index), `describe(row)` gives the
    subject, title and description."""
    managers, municipalities = Fallback("contract_manager", user), MunicipalityUsers(user)
    result = []
    for row in db.session.execute(_user_filter(stmt, user)):
        if row.status not in LIVE_CONTRACTS or not keep(row):
            continue
        due = day_moment(day_of(row))
        if in_window(due, start, end):
            subject_type, subject_id, title, description = describe(row)
            result.append(
                Deadline(
                    subject_type=subject_type,
                    subject_id=subject_id,
                    due_at=due,
                    region_id=row.region_id,
                    municipality_id=row.municipality_id,
                    recipients=_contract_recipients(row, managers, municipalities),
                    title=title,
                    url=path_for("contracts.detail", contract_id=row.id),
                    description=description,
                )
            )
    return result


@register(
    "contract_extension_decision",
    "Contract: besluit over verlenging",
    "9m,6m,3m,1w",
    "Uiterlijke datum om een verlengingsoptie te lichten of af te wijzen.",
)
def contract_extension_decisions(start, end, user=None):
    stmt = (
        select(
            *CONTRACT_COLUMNS,
            ExtensionOption.id.label("option_id"),
            ExtensionOption.status.label("option_status"),
            ExtensionOption.sequence,
            ExtensionOption.months,
            ExtensionOption.decision_deadline,
        )
        .join(Contract, Contract.id == ExtensionOption.contract_id)
        .where(ExtensionOption.decision_deadline.between(*window_days(start, end)))
    )
    return _contract_days(
        start,
        end,
        user,
        stmt,
        lambda row: row.decision_deadline,
        lambda row: row.option_status == "open",
        lambda row: (
            "extension_option",
            row.option_id,
            f"Besluit verlengingsoptie {row.sequence} ({row.months} maanden) "
            f"contract {_contract_label(row)}",
            "Na deze datum vervalt de optie.",
        ),
    )


@register("contract_end", "Contract: einddatum", "6m,3m,1m", "Einde van een lopend contract.")
def contract_ends(start, end, user=None):
    stmt = select(*CONTRACT_COLUMNS).where(Contract.end_date.between(*window_days(start, end)))
    return _contract_days(
        start,
        end,
        user,
        stmt,
        lambda row: row.end_date,
        lambda row: True,
        lambda row: (
            "contract",
            row.id,
            f"Contract {_contract_label(row)} eindigt op {short_day(row.end_date)}",
            "",
        ),
    )


@register(
    "contract_notice",
    "Contract: uiterste opzegdatum",
    "1m,1w",
    "Laatste dag om op te zeggen zodat het contract op de einddatum eindigt.",
)
def contract_notice_deadlines(start, end, user=None):
    # notice_deadline (end date - notice period) is kept by the contracts domain: one
    # indexed range, whatever the number of contracts or distinct notice periods
    stmt = select(
        *CONTRACT_COLUMNS,
        Contract.notice_given_on,
        Contract.notice_months,
        Contract.notice_deadline,
    ).where(Contract.notice_deadline.between(*window_days(start, end)))
    return _contract_days(
        start,
        end,
        user,
        stmt,
        lambda row: row.notice_deadline,
        lambda row: row.notice_given_on is None,
        lambda row: (
            "contract",
            row.id,
            f"Uiterste opzegdatum contract {_contract_label(row)}: "
            f"{short_day(row.notice_deadline)}",
            f"Opzegtermijn {row.notice_months} maanden; einddatum {short_day(row.end_date)}.",
        ),
    )


@register(
    "contract_meeting",
    "Contractmanagement: volgend gesprek",
    "2w,1d",
    "Gepland contractmanagementgesprek met een aanbieder.",
)
def contract_meetings(start, end, user=None):
    PM = ProviderManagement
    first, last = window_days(start, end)
    stmt = (
        select(
            PM.id, PM.region_id, PM.provider_id, PM.next_meeting_on, PM.manager_id, Provider.name
        )
        .join(Provider, Provider.id == PM.provider_id)
        .where(PM.next_meeting_on >= first, PM.next_meeting_on <= last)
    )
    if user is not None:
        stmt = stmt.where(PM.region_id == user.region_id)
    return _management_days(
        start,
        end,
        user,
        db.session.execute(stmt),
        "provider_management",
        lambda row: row.next_meeting_on,
        lambda row: (
            f"Contractmanagementgesprek met {row.name} op {short_day(row.next_meeting_on)}",
            "",
        ),
    )


def _management_days(start, end, user, rows, subject_type, day_of, describe) -> list[Deadline]:
    """Contract management deadlines of providers on a calendar day (09:00), to the
    provider's contract manager (else the region's): `describe(row)` -> title, text."""
    managers = Fallback("contract_manager", user)
    result = []
    for row in rows:
        due = day_moment(day_of(row))
        if in_window(due, start, end):
            title, description = describe(row)
            result.append(
                Deadline(
                    subject_type=subject_type,
                    subject_id=row.id,
                    due_at=due,
                    region_id=row.region_id,
                    recipients=owner_or(row.manager_id, managers, row.region_id),
                    title=title,
                    url=path_for("contracts.management_provider", provider_id=row.provider_id),
                    description=description,
                )
            )
    return result


def _ceiling_source(level: str):
    """A contract year passing a utilisation threshold: an event, dated by the realisation
    record that made the cumulative amount pass it (so it is reminded once)."""

    def source(start, end, user=None):
        events = cached(
            ("ceiling", start, end, user.id if user else None),
            lambda: _ceiling_events(start, end, user),
        )
        return [d for lvl, d in events if lvl == level and in_window(d.due_at, start, end)]

    return source


def _ceiling_events(start, end, user):
    """The passes of a threshold in the window: the moments are kept on the contract year
    by the contracts domain (ContractYear.warn_reached_at / alert_reached_at), so this is
    one indexed range per level, not a scan of the years and their records."""
    Year = ContractYear
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
                *CONTRACT_COLUMNS,
            )
            .join(Contract, Contract.id == Year.contract_id)
            .where(column >= start, column < end)
        )
        for row in db.session.execute(_user_filter(stmt, user)):
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


# Plain Dutch: reminder texts are composed outside any request (the scheduler).
TIER_TEXT = {
    "intensive": "intensief leveranciersmanagement (3 tot 4 gesprekken per jaar)",
    "proactive": "proactief contractmanagement (2 tot 3 gesprekken per jaar)",
}


@register(
    "contract_management_norm",
    "Contractmanagement: achter op de gespreksnorm",
    "2w,0",
    "Een aanbieder met intensief of proactief contractmanagement heeft niet op tijd een "
    "gesprek gehad (3 tot 4 of 2 tot 3 keer per jaar).",
)
def behind_norm(start: datetime, end: datetime, user=None):
    region_id = user.region_id if user is not None else None
    rows = norm_due_between(*window_days(start, end), region_id=region_id)
    return _management_days(
        start,
        end,
        user,
        rows,
        "provider_management_norm",
        lambda row: row.norm_due,
        lambda row: (
            f"{row.provider_name} raakt achter op de norm voor {TIER_TEXT[row.level]}: "
            f"gesprek uiterlijk {short_day(row.norm_due)}",
            f"Laatste gesprek: {short_day(row.last_meeting) if row.last_meeting else 'nog geen'}.",
        ),
    )
