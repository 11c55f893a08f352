"""The notification bell in the top bar (panels_for("topbar", ...) in base.html)."""

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import bindparam, func, select

from procure.core.urls import template_url_for
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.main.panels import panel
from procure.reminders.models import Notification
from procure.reminders.policy import FAILED, can_manage_rules

# Built once: the bell asks on every page (an index-only count on user_id, read_at).
_UNREAD = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


# The bell on every page counts no further than it shows ("99+"): a bounded index range,
# however many notifications a user leaves unread (the list and the dashboard count all).
BELL_CAP = 99
_UNREAD_UP_TO_CAP = select(func.count()).select_from(
    select(Notification.id)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    .limit(BELL_CAP + 1)
    .subquery()
)


def unread_count(user) -> int:
    return db.session.execute(_UNREAD, {"user_id": user.id}).scalar_one()


def _bell_label(count: int) -> tuple[str, str]:
    """The badge and the bell's accessible label."""
    if count > BELL_CAP:
        return f"{BELL_CAP}+", _("Meer dan %(num)d ongelezen meldingen", num=BELL_CAP)
    label = ngettext("%(num)d ongelezen melding", "%(num)d ongelezen meldingen", count)
    return str(count), label


@panel("topbar")
def bell(_obj, user):
    if user is None or not user.is_authenticated:
        return None
    count = db.session.execute(_UNREAD_UP_TO_CAP, {"user_id": user.id}).scalar_one()
    shown, label = _bell_label(count)
    badge = Markup('<span class="bell-count">{}</span>').format(shown) if count else ""
    # The layout only links app.css; the bell brings its own (same-origin, CSP-safe) sheet.
    return Markup(
        '<link rel="stylesheet" href="{css}">'
        '<a class="bell{cls}" href="{href}" title="{label}" aria-label="{label}">'
        '<svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">'
        '<path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11'
        'a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/></svg>'
        "{badge}</a>"
    ).format(
        css=template_url_for("static", filename="css/reminders.css"),
        cls=" has-unread" if count else "",
        href=template_url_for("reminders.index"),
        label=label,
        badge=badge,
    )


@dashboard_card
def reminder_cards(user):
    """Unread notifications for everyone; failed e-mail of the region for admins."""
    cards = []
    count = unread_count(user)
    if count:
        cards.append(
            {
                "title": _("Ongelezen meldingen"),
                "value": count,
                "endpoint": "reminders.index",
                "args": {"status": "unread"},
                "level": "warn",
            }
        )
    if can_manage_rules(user):
        from procure.auth.permissions import scoped
        from procure.reminders.models import EmailDelivery

        failed = db.session.execute(
            scoped(select(func.count(EmailDelivery.id)), EmailDelivery, user).where(
                EmailDelivery.status == FAILED
            )
        ).scalar_one()
        if failed:
            cards.append(
                {
                    "title": _("Mislukte herinneringsmails"),
                    "value": failed,
                    "endpoint": "reminders.admin",
                    "level": "alert",
                }
            )
    return cards
