"""User-facing changes to reminders: notifications read, delivery preference, calendar feed
tokens, a region's rule offsets and requeueing failed e-mail. (The sweep itself, which
runs in the scheduler, is procure.reminders.sweep.)"""

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from procure.audit import record, record_new
from procure.core.errors import NotFound, ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders.models import (
    DELIVERY_MODES,
    CalendarFeedToken,
    EmailDelivery,
    Notification,
    NotificationPreference,
    ReminderRule,
)
from procure.reminders.policy import EMAIL_DELIVERY, FAILED
from procure.reminders.rules import get_rule, parse_offsets


@operation
def mark_read(user, notification_id: int) -> Notification:
    note = db.session.execute(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    ).scalar()
    if note is None:
        raise NotFound(_l("Melding niet gevonden."))
    if note.read_at is None:
        note.read_at = utcnow()
    return note


@operation
def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def preference_of(user) -> str:
    pref = db.session.get(NotificationPreference, user.id)
    return pref.mode if pref else "immediate"


@operation
def set_preference(user, mode: str) -> NotificationPreference:
    if mode not in DELIVERY_MODES:
        raise ValidationFailed(_l("Kies direct of een dagelijks overzicht."), field="mode")
    pref = db.session.get(NotificationPreference, user.id)
    old = pref.mode if pref else "immediate"
    if pref is None:
        pref = NotificationPreference(user_id=user.id, mode=mode)
        db.session.add(pref)
    pref.mode = mode
    if old != mode:
        record(
            "reminders.preference",
            object_type="User",
            object_id=user.id,
            old={"mode": old},
            new={"mode": mode},
            actor=user,
            region_id=user.region_id,
        )
    return pref


@operation
def create_feed_token(user) -> tuple[CalendarFeedToken, str]:
    """A new secret feed URL; earlier ones are revoked. Returns the raw secret once."""
    revoke_feed_tokens(user)
    raw = secrets.token_urlsafe(32)
    token = CalendarFeedToken(
        user_id=user.id, token_hash=CalendarFeedToken.hash(raw), prefix=raw[:8]
    )
    record_new(
        token,
        "reminders.feed_token_created",
        new={"prefix": token.prefix},
        actor=user,
        region_id=user.region_id,
    )
    return token, raw


@operation
def revoke_feed_tokens(user) -> int:
    tokens = (
        db.session.execute(
            select(CalendarFeedToken).where(
                CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    for token in tokens:
        token.revoked_at = utcnow()
        record(
            "reminders.feed_token_revoked",
            token,
            old={"prefix": token.prefix},
            actor=user,
            region_id=user.region_id,
        )
    return len(tokens)


def active_feed_token(user) -> CalendarFeedToken | None:
    return db.session.execute(
        select(CalendarFeedToken)
        .where(CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None))
        .order_by(CalendarFeedToken.id.desc())
    ).scalar()


def feed_user(raw: str):
    """The user of a feed secret, or None (unknown or revoked). Marks the token used."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.execute(
        select(CalendarFeedToken).where(CalendarFeedToken.token_hash == CalendarFeedToken.hash(raw))
    ).scalar()
    if token is None or token.is_revoked or not token.user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user


@operation
def configure_rule(
    actor, region_id: int, rule_key: str, offsets: str, active: bool = True
) -> ReminderRule:
    rule = get_rule(rule_key)
    if rule is None:
        raise NotFound(_l("Onbekende herinneringsregel."))
    try:
        parsed = parse_offsets(offsets)
    except ValueError as exc:
        raise ValidationFailed(
            _l(
                "Ongeldige termijn '%(value)s': gebruik bijvoorbeeld 9m, 6w, 3d, 2h of 0.",
                value=str(exc),
            ),
            field="offsets",
        ) from exc
    if active and not parsed:
        raise ValidationFailed(
            _l("Geef minstens één termijn op, of zet de regel uit."), field="offsets"
        )
    row = db.session.execute(
        select(ReminderRule).where(
            ReminderRule.region_id == region_id, ReminderRule.rule_key == rule_key
        )
    ).scalar()
    old = (
        {"offsets": row.offsets, "active": row.active}
        if row
        else {"offsets": ",".join(rule.default_offsets), "active": True}
    )
    if row is None:
        row = ReminderRule(region_id=region_id, rule_key=rule_key)
        db.session.add(row)
    row.offsets = ",".join(parsed)
    row.active = active
    new = {"offsets": row.offsets, "active": row.active}
    if old != new:
        db.session.flush()
        record("reminders.rule_configured", row, old=old, new=new, actor=actor, region_id=region_id)
    return row


@operation
def requeue_email(actor, delivery: EmailDelivery) -> EmailDelivery:
    """Send a failed e-mail again: attempts start over (the old error stays in the log)."""
    if delivery.status != FAILED:
        raise ValidationFailed(_l("Alleen mislukte e-mails kunnen opnieuw worden verstuurd."))
    record(
        "reminders.email_requeued",
        delivery,
        old={
            "status": delivery.status,
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
        },
        new={"status": "pending", "attempts": 0},
        actor=actor,
    )
    EMAIL_DELIVERY.apply(delivery, "pending", actor)
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    return delivery


@operation
def notify(user, title: str, body: str = "", url: str = "") -> Notification:
    """An in-app notification (the bell) outside the reminder rules, e.g. a finished job."""
    notification = Notification(user_id=user.id, title=title[:300], body=body, url=url[:300])
    db.session.add(notification)
    return notification


def notify_provider_users(provider_ids, *, title: str, body: str = "", url: str = "") -> int:
    """An in-app notification (the bell) to every active user of these providers, for a
    change they must know of (e.g. a moved tender deadline). Returns how many were made."""
    from procure.auth.models import User
    from procure.auth.roles import PROVIDER

    user_ids = db.session.execute(
        select(User.id).where(
            User.role == PROVIDER, User.provider_id.in_(set(provider_ids)), User.active.is_(True)
        )
    ).scalars()
    rows = [Notification(user_id=uid, title=title[:300], body=body, url=url) for uid in user_ids]
    db.session.add_all(rows)
    return len(rows)
