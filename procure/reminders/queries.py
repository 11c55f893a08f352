"""Read-only views on the rules: upcoming reminders (admin page) and a user's deadlines
(iCalendar feed). Both ask the rule sources with bounded windows."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from procure.reminders.models import Notification
from procure.reminders.rules import Deadline, Rule, all_rules, due_window, remind_moment
from procure.reminders.sources import source_cache
from procure.reminders.sweep import Recipients, RuleConfig, in_scope


@dataclass(frozen=True)
class Upcoming:
    rule: Rule
    offset: str
    deadline: Deadline
    remind_at: datetime
    recipients: tuple  # User objects in scope


def upcoming(
    now: datetime, days: int, region_id: int | None = None, limit: int = 200
) -> list[Upcoming]:
    """Reminders that will fire in (now, now + days], soonest first."""
    with source_cache():
        return _upcoming(now, days, region_id, limit)


def _upcoming(now, days, region_id, limit):
    end = now + timedelta(days=days)
    config = RuleConfig()
    recipients = Recipients()
    found = []
    for rule in all_rules():
        for offset in sorted(config.all_offsets(rule)):
            start_due, end_due = due_window(offset, now, end)
            for deadline in rule.source(start_due, end_due):
                if region_id is not None and deadline.region_id != region_id:
                    continue
                if offset not in config.offsets(rule, deadline.region_id):
                    continue
                moment = remind_moment(deadline.due_at, offset)
                if now < moment <= end:
                    found.append((rule, offset, deadline, moment))
    found.sort(key=lambda item: item[3])
    found = found[:limit]
    recipients.load(uid for _r, _o, d, _m in found for uid in d.recipients)
    return [
        Upcoming(rule, offset, deadline, moment, tuple(recipients.allowed(deadline)))
        for rule, offset, deadline, moment in found
    ]


def user_deadlines(user, start: datetime, end: datetime) -> list[tuple[Rule, Deadline]]:
    """The deadlines in [start, end) that `user` is responsible for (is a recipient of)."""
    result = {}
    with source_cache():
        items = [(rule, d) for rule in all_rules() for d in rule.source(start, end, user=user)]
    for rule, deadline in items:
        if user.id in deadline.recipients and in_scope(user, deadline):
            # one event per deadline: rules that watch the same moment (bid deadline and
            # bid opening) appear once
            key = (deadline.subject_type, deadline.subject_id, deadline.due_at, deadline.title)
            result.setdefault(key, (rule, deadline))
    return sorted(result.values(), key=lambda item: item[1].due_at)


# The notification list: newest first, or oldest first on request.
NOTIFICATION_SORTS = {"created": Notification.created_at}
NOTIFICATION_DEFAULT_SORT = "created"
NOTIFICATION_DEFAULT_DIRECTION = "desc"


def notifications_stmt(user, *, unread_only: bool = False):
    """The notifications of `user` (only those not read yet when `unread_only`)."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt
