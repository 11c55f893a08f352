"""Reminders API: the token owner's notifications (list, mark read) and iCal feed token."""

from flask import url_for
from flask_login import current_user

from procure.api import bp
from procure.api.schemas import page_numbers, page_of
from procure.core.listing import order_by_key, paginate
from procure.core.urls import absolute_url
from procure.reminders import operations as ops
from procure.reminders import queries
from procure.reminders.schemas import (
    FeedSchema,
    MarkedSchema,
    NotificationQuery,
    NotificationSchema,
    RevokedSchema,
)


@bp.get("/notifications")
@bp.arguments(NotificationQuery, location="query")
@bp.response(200, page_of(NotificationSchema))
def notifications(args):
    """Mijn meldingen, nieuwste eerst (of oudste eerst met direction=asc)"""
    stmt = queries.notifications_stmt(current_user, unread_only=args["unread"])
    stmt = order_by_key(stmt, queries.NOTIFICATION_SORTS, args["sort"], args["direction"])
    return paginate(stmt, *page_numbers(args))


@bp.write("/notifications/<int:notification_id>/read", 200, NotificationSchema)
def notification_read(notification_id):
    """Eén melding als gelezen markeren"""
    return ops.mark_read(current_user, notification_id)


@bp.write("/notifications/read", 200, MarkedSchema)
def notifications_read_all():
    """Alle meldingen als gelezen markeren"""
    return {"marked": ops.mark_all_read(current_user)}


@bp.write("/calendar-feed", 201, FeedSchema)
def calendar_feed_create():
    """Een nieuw agenda-adres (iCal); eerdere adressen werken dan niet meer"""
    _token, raw = ops.create_feed_token(current_user)
    return {"url": absolute_url(url_for("reminders.feed", secret=raw))}


@bp.write("/calendar-feed/revocation", 200, RevokedSchema)
def calendar_feed_revoke():
    """Het agenda-adres intrekken"""
    return {"revoked": ops.revoke_feed_tokens(current_user)}
