"""The sweep: find due reminders, create them exactly once, notify, and send the e-mail.

run_sweep() is what the scheduler job calls every REMINDERS_SWEEP_MINUTES. It
1. takes the database lease (only one process sweeps; the others return at once);
2. per rule and offset, asks the rule's source for the deadlines whose reminder moment
   lies between now - REMINDERS_HORIZON_DAYS and now (an indexed range query), leaves out
   those already reminded (one indexed query) and inserts the others with
   INSERT ... ON CONFLICT DO NOTHING on the unique constraint; only the rows this
   transaction really inserted get an in-app notification and an e-mail. A reminder created
   more than REMINDERS_LATE_AFTER_MINUTES after its moment (catch-up after downtime) is
   marked late; a reminder whose moment lies before the horizon is never created;
3. assembles the daily digests (from REMINDERS_DIGEST_HOUR, Amsterdam time);
4. sends the outbox: rows are claimed with a conditional UPDATE (one sender per e-mail),
   failures are retried with exponential backoff and end as 'failed' after
   REMINDERS_MAX_ATTEMPTS, kept and visible on the admin page;
5. records a SweepRun (time, duration, counts) and releases the lease.

This module manages its own transactions (it runs outside requests, in the scheduler),
so it is the one place besides operations.py that writes reminder state.
"""

import logging
import smtplib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from time import perf_counter

from flask import current_app
from sqlalchemy import select, update

from procure.auth.models import User
from procure.core.timeutil import AMSTERDAM
from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders import lease, mail
from procure.reminders.models import (
    EmailDelivery,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderRule,
    SweepRun,
)
from procure.reminders.policy import EMAIL_DELIVERY, PENDING, SENDING
from procure.reminders.rules import Deadline, Rule, all_rules, due_window, remind_moment
from procure.reminders.sources import source_cache

log = logging.getLogger(__name__)

LEASE_NAME = "reminders-sweep"
UNIQUE_COLUMNS = ["rule_key", "offset", "subject_type", "subject_id", "due_at", "recipient_id"]


@dataclass
class SweepStats:
    created: int = 0
    late: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    created_ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# -- rule configuration -----------------------------------------------------------------------


class RuleConfig:
    """Effective offsets per (rule, region): a region's ReminderRule row or the defaults."""

    def __init__(self):
        self.rows = {
            (r.region_id, r.rule_key): r for r in db.session.execute(select(ReminderRule)).scalars()
        }

    def offsets(self, rule: Rule, region_id: int | None) -> tuple[str, ...]:
        from procure.reminders.rules import parse_offsets

        row = self.rows.get((region_id, rule.key))
        if row is None:
            return rule.default_offsets
        if not row.active:
            return ()
        try:
            return parse_offsets(row.offsets)
        except ValueError:
            return rule.default_offsets

    def all_offsets(self, rule: Rule) -> set[str]:
        result = set(rule.default_offsets)
        for (_region, key), row in self.rows.items():
            if key == rule.key:
                result |= set(self.offsets(rule, row.region_id))
        return result


# -- recipients ------------------------------------------------------------------------------


class Recipients:
    """Loads recipients once per sweep and keeps only those inside the record's scope."""

    def __init__(self):
        self.users: dict[int, User | None] = {}

    def load(self, ids) -> None:
        missing = [i for i in set(ids) if i not in self.users]
        for chunk_start in range(0, len(missing), 500):
            chunk = missing[chunk_start : chunk_start + 500]
            found = {
                u.id: u
                for u in db.session.execute(select(User).where(User.id.in_(chunk))).scalars()
            }
            for uid in chunk:
                self.users[uid] = found.get(uid)

    def allowed(self, deadline: Deadline) -> list[User]:
        result = []
        for uid in deadline.recipients:
            user = self.users.get(uid)
            if user is not None and in_scope(user, deadline):
                result.append(user)
        return result


def in_scope(user: User, deadline: Deadline) -> bool:
    """A reminder never goes to someone outside the record's scope."""
    if not user.active:
        return False
    if user.is_provider:  # only for deadlines of its own (e.g. its application)
        return deadline.provider_id is not None and user.provider_id == deadline.provider_id
    if deadline.region_id is not None and user.region_id != deadline.region_id:
        return False
    return not (
        user.is_municipality
        and deadline.municipality_id is not None
        and user.municipality_id != deadline.municipality_id
    )


# -- the sweep --------------------------------------------------------------------------------


def run_sweep(
    *, holder: str | None = None, send: bool = True, now: datetime | None = None
) -> SweepRun | None:
    """One sweep under the lease; None if another process holds the lease."""
    cfg = current_app.config
    holder = holder or lease.default_holder()
    started = now or utcnow()
    if not lease.acquire(LEASE_NAME, holder, cfg["REMINDERS_LEASE_SECONDS"], now=started):
        log.info("reminders: sweep skipped, lease held by another process")
        return None
    t0 = perf_counter()
    run = SweepRun(holder=holder, started_at=started)
    stats = SweepStats()
    try:
        with source_cache():
            create_due_reminders(started, stats)
        assemble_digests(started)
        if send:
            deliver_outbox(started, stats)
    except Exception as exc:
        db.session.rollback()
        log.exception("reminders: sweep failed")
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
    finally:
        if stats.errors:
            run.error = "; ".join(filter(None, [run.error, *stats.errors]))[:2000]
        run.created, run.late = stats.created, stats.late
        run.emails_sent, run.emails_failed = stats.emails_sent, stats.emails_failed
        run.duration_ms = round((perf_counter() - t0) * 1000)
        run.finished_at = started + timedelta(milliseconds=run.duration_ms)
        try:
            db.session.add(run)
            lease.release(LEASE_NAME, holder, commit=False)
            db.session.commit()
        except Exception:
            # never keep the lease because the run record could not be written
            db.session.rollback()
            log.exception("reminders: could not record the sweep run")
            lease.release(LEASE_NAME, holder)
            raise
    return run


def create_due_reminders(now: datetime, stats: SweepStats | None = None) -> SweepStats:
    """Create every reminder whose moment lies in [now - horizon, now]. Commits per rule."""
    cfg = current_app.config
    stats = stats or SweepStats()
    horizon = now - timedelta(days=cfg["REMINDERS_HORIZON_DAYS"])
    late_after = timedelta(minutes=cfg["REMINDERS_LATE_AFTER_MINUTES"])
    config = RuleConfig()
    recipients = Recipients()
    preferences = Preferences()
    for rule in all_rules():
        for offset in sorted(config.all_offsets(rule)):
            try:
                _sweep_rule_offset(
                    rule, offset, now, horizon, late_after, config, recipients, preferences, stats
                )
            except Exception as exc:
                # One broken source (say, another domain's model changed) must not stop the
                # reminders of every other rule: roll back this rule, report, carry on.
                db.session.rollback()
                log.exception("reminders: rule %s (%s) failed", rule.key, offset)
                stats.errors.append(f"{rule.key} ({offset}): {type(exc).__name__}: {exc}")
    return stats


def _sweep_rule_offset(
    rule, offset, now, horizon, late_after, config, recipients, preferences, stats
) -> None:
    start, end = due_window(offset, horizon, now + timedelta(microseconds=1))
    rows = []
    deadlines = []
    for deadline in rule.source(start, end):
        if offset not in config.offsets(rule, deadline.region_id):
            continue
        moment = remind_moment(deadline.due_at, offset)
        if horizon <= moment <= now:
            deadlines.append((deadline, moment))
    if not deadlines:
        return
    recipients.load(uid for d, _m in deadlines for uid in d.recipients)
    existing = _existing_keys(rule.key, offset, horizon, now)
    for deadline, moment in deadlines:
        for user in recipients.allowed(deadline):
            key = (
                deadline.subject_type,
                deadline.subject_id,
                deadline.due_at.astimezone(moment.tzinfo),
                user.id,
            )
            if key in existing:
                continue
            existing.add(key)
            rows.append(
                {
                    "rule_key": rule.key,
                    "offset": offset,
                    "subject_type": deadline.subject_type,
                    "subject_id": deadline.subject_id,
                    "due_at": deadline.due_at,
                    "remind_at": moment,
                    "recipient_id": user.id,
                    "region_id": deadline.region_id,
                    "title": deadline.title[:300],
                    "url": deadline.url[:300],
                    "created_at": now,
                    "late": now - moment > late_after,
                    "_description": deadline.description,
                }
            )
    if rows:
        _insert_and_dispatch(rows, recipients, preferences, stats)
        db.session.commit()


def _existing_keys(rule_key: str, offset: str, horizon: datetime, now: datetime) -> set:
    rows = db.session.execute(
        select(
            Reminder.subject_type, Reminder.subject_id, Reminder.due_at, Reminder.recipient_id
        ).where(
            Reminder.rule_key == rule_key,
            Reminder.offset == offset,
            Reminder.remind_at >= horizon,
            Reminder.remind_at <= now,
        )
    )
    return {tuple(r) for r in rows}


def _insert_and_dispatch(
    rows: list[dict], recipients: Recipients, preferences: "Preferences", stats: SweepStats
) -> None:
    from procure.reminders.upsert import insert_ignore

    descriptions = {}
    inserted = []
    values = []
    for row in rows:
        row = dict(row)
        descriptions[_key(row)] = row.pop("_description")
        values.append(row)
    # executemany (batched by SQLAlchemy's insertmanyvalues) with RETURNING: only the rows
    # this transaction really inserted come back
    table = Reminder.__table__
    stmt = insert_ignore(Reminder, UNIQUE_COLUMNS).returning(
        table.c.id,
        table.c.rule_key,
        table.c.offset,
        table.c.subject_type,
        table.c.subject_id,
        table.c.due_at,
        table.c.recipient_id,
    )
    inserted = list(db.session.execute(stmt, values))
    if not inserted:
        return
    by_key = {_key(r): r for r in rows}
    preferences.load(r.recipient_id for r in inserted)
    notifications, emails = [], []
    for row in inserted:
        data = by_key[_key(row._asdict())]
        reminder = _Snapshot(
            id=row.id, **{k: v for k, v in data.items() if k not in {"_description", "created_at"}}
        )
        user = recipients.users[row.recipient_id]
        description = descriptions.get(_key(data), "")
        body_lines = [f"Deadline: {mail.format_moment(reminder.due_at)}"]
        if description:
            body_lines.append(description)
        notifications.append(
            {
                "user_id": user.id,
                "reminder_id": row.id,
                "title": reminder.title,
                "url": reminder.url,
                "body": "\n".join(body_lines),
                "created_at": data["created_at"],
            }
        )
        if preferences.mode(user.id) == "immediate":
            emails.append(
                (
                    row.id,
                    {
                        "reminder_id": row.id,
                        "user_id": user.id,
                        "region_id": reminder.region_id,
                        "kind": "immediate",
                        "to_address": user.email,
                        "subject": mail.reminder_subject(reminder),
                        "body": mail.reminder_body(user, reminder, description),
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": data["created_at"],
                        "created_at": data["created_at"],
                    },
                )
            )
        stats.created += 1
        stats.late += int(reminder.late)
        stats.created_ids.append(row.id)
    db.session.execute(Notification.__table__.insert(), notifications)
    if emails:
        db.session.execute(EmailDelivery.__table__.insert(), [values for _rid, values in emails])
        linked = (
            select(EmailDelivery.id)
            .where(EmailDelivery.reminder_id == Reminder.id)
            .scalar_subquery()
        )
        reminder_ids = [rid for rid, _values in emails]
        for chunk_start in range(0, len(reminder_ids), 500):
            db.session.execute(
                update(Reminder)
                .where(Reminder.id.in_(reminder_ids[chunk_start : chunk_start + 500]))
                .values(email_id=linked)
                .execution_options(synchronize_session=False)
            )


def _key(row: dict) -> tuple:
    due = row["due_at"]
    return (
        row["rule_key"],
        row["offset"],
        row["subject_type"],
        row["subject_id"],
        due.astimezone(AMSTERDAM).timestamp(),
        row["recipient_id"],
    )


@dataclass
class _Snapshot:
    """The fields of a just-inserted reminder that the texts need."""

    id: int
    rule_key: str
    offset: str
    subject_type: str
    subject_id: int
    due_at: datetime
    remind_at: datetime
    recipient_id: int
    region_id: int | None
    title: str
    url: str
    late: bool


class Preferences:
    def __init__(self):
        self.modes: dict[int, str] = {}

    def load(self, ids) -> None:
        missing = list({i for i in ids if i not in self.modes})
        for chunk_start in range(0, len(missing), 500):
            chunk = missing[chunk_start : chunk_start + 500]
            found = dict(
                db.session.execute(
                    select(NotificationPreference.user_id, NotificationPreference.mode).where(
                        NotificationPreference.user_id.in_(chunk)
                    )
                ).all()
            )
            for uid in chunk:
                self.modes[uid] = found.get(uid, "immediate")

    def mode(self, user_id: int) -> str:
        return self.modes.get(user_id, "immediate")


# -- daily digest ------------------------------------------------------------------------------


def assemble_digests(now: datetime) -> int:
    """One e-mail a day per digest user, at REMINDERS_DIGEST_HOUR (Amsterdam) or the first
    sweep after it, with the reminders created before that hour and not yet e-mailed.
    Reminders of users who switched back to immediate get their own e-mail at once."""
    local = now.astimezone(AMSTERDAM)
    hour = current_app.config["REMINDERS_DIGEST_HOUR"]
    cutoff = datetime.combine(local.date(), time(hour, 0), tzinfo=AMSTERDAM)
    if local < cutoff:
        cutoff -= timedelta(days=1)
    waiting = (
        db.session.execute(
            select(Reminder).where(Reminder.email_id.is_(None)).order_by(Reminder.remind_at)
        )
        .scalars()
        .all()
    )
    if not waiting:
        return 0
    by_user = defaultdict(list)
    for reminder in waiting:
        by_user[reminder.recipient_id].append(reminder)
    prefs = Preferences()
    prefs.load(by_user)
    users = {
        u.id: u
        for u in db.session.execute(select(User).where(User.id.in_(list(by_user)))).scalars()
    }
    made = 0
    for user_id, reminders in by_user.items():
        user = users[user_id]
        if prefs.mode(user_id) == "immediate":
            for reminder in reminders:
                delivery = EmailDelivery(
                    reminder_id=reminder.id,
                    user_id=user_id,
                    region_id=reminder.region_id,
                    kind="immediate",
                    to_address=user.email,
                    subject=mail.reminder_subject(reminder),
                    body=mail.reminder_body(user, reminder),
                    next_attempt_at=now,
                    created_at=now,
                )
                db.session.add(delivery)
                reminder.email = delivery
                made += 1
            continue
        ready = [r for r in reminders if r.created_at < cutoff]
        if not ready:
            continue
        exists = db.session.execute(
            select(EmailDelivery.id).where(
                EmailDelivery.user_id == user_id, EmailDelivery.digest_day == cutoff.date()
            )
        ).first()
        if exists:
            continue
        delivery = EmailDelivery(
            user_id=user_id,
            region_id=user.region_id,
            kind="digest",
            digest_day=cutoff.date(),
            to_address=user.email,
            subject=mail.digest_subject(len(ready), cutoff.date()),
            body=mail.digest_body(user, ready),
            next_attempt_at=now,
            created_at=now,
        )
        db.session.add(delivery)
        for reminder in ready:
            reminder.email = delivery
        made += 1
    db.session.commit()
    return made


# -- the outbox ------------------------------------------------------------------------------


def deliver_outbox(now: datetime, stats: SweepStats | None = None, limit: int = 500) -> SweepStats:
    """Send pending e-mails that are due, each claimed by exactly one process."""
    cfg = current_app.config
    stats = stats or SweepStats()
    # A process that died while sending leaves 'sending' rows behind: after the claim
    # timeout they go back to pending (the message may, rarely, be sent twice then).
    stale = now - timedelta(seconds=cfg["REMINDERS_LEASE_SECONDS"])
    reset = db.session.execute(
        update(EmailDelivery)
        .where(EmailDelivery.status == SENDING, EmailDelivery.claimed_at < stale)
        .values(status=PENDING, last_error="Verzending onderbroken; opnieuw in de wachtrij.")
        .execution_options(synchronize_session=False)
    )
    if reset.rowcount:
        db.session.commit()
    due_ids = (
        db.session.execute(
            select(EmailDelivery.id)
            .where(EmailDelivery.status == PENDING, EmailDelivery.next_attempt_at <= now)
            .order_by(EmailDelivery.next_attempt_at, EmailDelivery.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    conn = None
    connect_error = None
    try:
        for delivery_id in due_ids:
            delivery = _claim(delivery_id)
            if delivery is None:
                continue  # another sender took it meanwhile
            if conn is None and connect_error is None:
                try:
                    conn = mail.connect()
                except (OSError, smtplib.SMTPException) as exc:
                    connect_error = exc
            if connect_error is not None:
                _failed(delivery, now, f"Verbinding met de mailserver mislukt: {connect_error}")
                stats.emails_failed += 1
            else:
                try:
                    conn.send_message(
                        mail.build_message(delivery.to_address, delivery.subject, delivery.body)
                    )
                except (OSError, smtplib.SMTPException) as exc:
                    _failed(delivery, now, f"{type(exc).__name__}: {exc}")
                    stats.emails_failed += 1
                    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                        _close(conn)
                        conn = None
                else:
                    EMAIL_DELIVERY.apply(delivery, "sent", None)
                    delivery.sent_at = now
                    delivery.attempts += 1
                    delivery.claimed_at = delivery.claim_token = None
                    stats.emails_sent += 1
            db.session.commit()  # each message on its own: a crash never resends the sent
    finally:
        _close(conn)
    return stats


def _claim(delivery_id: int) -> EmailDelivery | None:
    """Claim one e-mail just before sending it, stamped with the real time: however long
    the whole batch takes, a message counts as stale only when its own send outlasts the
    lease (claiming the batch up front let a second sweep resend the waiting ones)."""
    token = uuid.uuid4().hex
    claimed = db.session.execute(
        update(EmailDelivery)
        .where(EmailDelivery.id == delivery_id, EmailDelivery.status == PENDING)
        .values(status=SENDING, claimed_at=utcnow(), claim_token=token)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    return db.session.execute(
        select(EmailDelivery).where(
            EmailDelivery.id == delivery_id, EmailDelivery.claim_token == token
        )
    ).scalar_one_or_none()


def _failed(delivery: EmailDelivery, now: datetime, error: str) -> None:
    cfg = current_app.config
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    delivery.claimed_at = delivery.claim_token = None
    if delivery.attempts >= cfg["REMINDERS_MAX_ATTEMPTS"]:
        EMAIL_DELIVERY.apply(delivery, "failed", None)
        log.warning(
            "reminders: e-mail %s to %s failed for good: %s",
            delivery.id,
            delivery.to_address,
            error,
        )
        return
    delay = timedelta(minutes=cfg["REMINDERS_RETRY_BASE_MINUTES"] * 2 ** (delivery.attempts - 1))
    EMAIL_DELIVERY.apply(delivery, "pending", None)
    delivery.next_attempt_at = now + delay


def _close(conn) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def last_run() -> SweepRun | None:
    return db.session.execute(
        select(SweepRun).order_by(SweepRun.started_at.desc(), SweepRun.id.desc()).limit(1)
    ).scalar()
