"""The finer privacy rules for signals, in one place (the coarse rules are the declarative
Scope on the models: region, and which roles see signals at all).

- Supervisors and contract managers of the region see every signal of the region.
- The region's admin (and a global admin) get counts only: no list, page, attachment or
  API answer with a signal's content (SPEC section 2).
- A municipality user sees only the signals its municipality logged, with their state,
  never the investigation (triage motivation, notes, findings, measures, assignee).
- A confidential reporter is shown to supervisors only (not to contract managers or the
  municipality).
- Only supervisors triage, investigate, impose measures and (re)assign; supervisors,
  contract managers and municipality users log signals.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from procure.auth.permissions import scoped
from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, SUPERVISOR
from procure.core.kept import kept, scope_key
from procure.extensions import db
from procure.supervision.models import (
    MEASURES,
    MERGED,
    SIGNAL_MACHINE,
    HeightenedSupervision,
    Signal,
)

LOG_ROLES = (SUPERVISOR, CONTRACT_MANAGER, MUNICIPALITY)
WORK_ROLES = (SUPERVISOR,)
STAFF_ROLES = (SUPERVISOR, CONTRACT_MANAGER)  # see signals and their investigation
COUNT_ROLES = (ADMIN, SUPERVISOR, CONTRACT_MANAGER)  # see counts and reports
VIEW_ROLES = (SUPERVISOR, CONTRACT_MANAGER, MUNICIPALITY)  # see signal content
# The API's signal list and counts: everyone who counts, and a municipality its own.
API_READERS = (*COUNT_ROLES, MUNICIPALITY)


def _user(user):
    return user if user is not None else current_user


def visible_signals(stmt: Select | None = None, user=None) -> Select:
    """`stmt` (default: select(Signal)) limited to the signals `user` may see."""
    user = _user(user)
    stmt = scoped(stmt if stmt is not None else select(Signal), Signal, user)
    if user.is_authenticated and user.role == MUNICIPALITY:
        stmt = stmt.where(Signal.logged_by_municipality_id == user.municipality_id)
    return stmt


def prepared_visible(stmt: Select, user=None) -> Select:
    """`visible_signals(stmt, user)` for a statement built once (at import, with bind
    parameters for what varies per request), kept per statement and scope (core.kept)."""
    user = _user(user)
    return kept((stmt, *scope_key(user)), lambda: visible_signals(stmt, user))


def countable_signals(stmt: Select, user=None) -> Select:
    """`stmt` limited to the signals `user` may count: what they may see, and for an
    administrator every signal of the region (for counts, never for content)."""
    user = _user(user)
    if user.is_authenticated and user.role == ADMIN:
        return stmt if user.region_id is None else stmt.where(Signal.region_id == user.region_id)
    return visible_signals(stmt, user)


def can_count(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role in COUNT_ROLES


def get_signal_or_404(signal_id: int, user=None, options=()) -> Signal:
    stmt = visible_signals(select(Signal).where(Signal.id == signal_id), user)
    if options:
        stmt = stmt.options(*options)
    signal = db.session.execute(stmt).unique().scalar()
    if signal is None:
        abort(404)
    return signal


def visible_heightened(stmt: Select | None = None, user=None) -> Select:
    return scoped(
        stmt if stmt is not None else select(HeightenedSupervision),
        HeightenedSupervision,
        _user(user),
    )


def can_log(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role in LOG_ROLES and user.region_id is not None


def can_work(user=None) -> bool:
    """Triage, investigate, impose measures, close, merge, reopen, assign."""
    user = _user(user)
    return user.is_authenticated and user.role in WORK_ROLES


def can_impose_measure(user, signal: Signal) -> bool:
    """Measures follow an investigation; more can be added while the signal is at that step."""
    return can_work(user) and (
        signal.state == MEASURES or SIGNAL_MACHINE.allowed(signal.state, MEASURES)
    )


def can_add_note(user, signal: Signal) -> bool:
    """A merged signal lives on in the one it was merged into."""
    return can_work(user) and signal.state != MERGED


def can_set_follow_up(user, signal: Signal) -> bool:
    return can_work(user) and signal.awaits_follow_up


def can_see_investigation(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role in STAFF_ROLES


def can_see_reporter(signal: Signal, user=None) -> bool:
    user = _user(user)
    if not user.is_authenticated:
        return False
    if signal.reporter_confidential:
        return can_see_confidential_reporters(user)
    return True


def can_see_confidential_reporters(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role == SUPERVISOR


def can_read_api(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role in API_READERS


def can_see_heightened(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role in STAFF_ROLES


def reporter_view(signal: Signal, user=None) -> dict | None:
    """The reporter as this user may see it; None when hidden."""
    if not can_see_reporter(signal, user):
        return None
    return {
        "name": signal.reporter_name,
        "contact": signal.reporter_contact,
        "confidential": signal.reporter_confidential,
    }
