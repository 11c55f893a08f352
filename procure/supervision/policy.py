"""The finer privacy rules for signals, in one place (the coarse rules are the declarative
Scope on the models: region, and which roles see signals at all).

- Supervisors, contract managers and the admin of the region see every signal of the region.
- A municipality user sees only the signals its municipality logged, with their state,
  never the investigation (triage motivation, notes, findings, measures, assignee).
- A confidential reporter is shown to supervisors only (not to contract managers, the
  admin or the municipality).
- Only supervisors triage, investigate, impose measures and (re)assign; supervisors,
  contract managers and municipality users log signals.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from procure.auth.permissions import scoped
from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, SUPERVISOR
from procure.extensions import db
from procure.supervision.models import HeightenedSupervision, Signal

LOG_ROLES = (SUPERVISOR, CONTRACT_MANAGER, MUNICIPALITY)
WORK_ROLES = (SUPERVISOR,)
STAFF_ROLES = (ADMIN, SUPERVISOR, CONTRACT_MANAGER)


def _user(user):
    return user if user is not None else current_user


def visible_signals(stmt: Select | None = None, user=None) -> Select:
    """`stmt` (default: select(Signal)) limited to the signals `user` may see."""
    user = _user(user)
    stmt = scoped(stmt if stmt is not None else select(Signal), Signal, user)
    if user.is_authenticated and user.role == MUNICIPALITY:
        stmt = stmt.where(Signal.logged_by_municipality_id == user.municipality_id)
    return stmt


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


def can_see_investigation(user=None) -> bool:
    user = _user(user)
    return user.is_authenticated and user.role in STAFF_ROLES


def can_see_reporter(signal: Signal, user=None) -> bool:
    user = _user(user)
    if not user.is_authenticated:
        return False
    if signal.reporter_confidential:
        return user.role == SUPERVISOR
    return True


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
