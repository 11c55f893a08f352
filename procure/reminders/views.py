"""Meldingen: the user's notifications, preferences and calendar feed, and the admin page."""

from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from procure.auth.permissions import get_scoped_or_404, role_required, scoped
from procure.core.labels import url_pattern
from procure.core.listing import list_cap, page_args, paginate
from procure.core.types import utcnow
from procure.core.urls import absolute_url
from procure.core.views import list_page, policy_blueprint, run_action, submit
from procure.extensions import db
from procure.reminders import operations as ops
from procure.reminders import policy, queries
from procure.reminders.forms import ConfirmForm, PreferenceForm, RuleForm
from procure.reminders.models import (
    DELIVERY_FAILED,
    EmailDelivery,
    Notification,
    Reminder,
    SweepRun,
)
from procure.reminders.policy import RULE_MANAGERS
from procure.reminders.rules import all_rules, describe_offset

bp = policy_blueprint("reminders", __name__, "/meldingen", policy, "reminder_policy")


@bp.get("/")
@login_required
def index():
    status = request.args.get("status", "all")
    stmt = queries.notifications_stmt(current_user, unread_only=status == "unread")
    return list_page(
        "reminders/index.html",
        # the "late" badge: of the reminder only that flag
        stmt.options(joinedload(Notification.reminder).load_only(Reminder.late)),
        queries.NOTIFICATION_SORTS,
        queries.NOTIFICATION_DEFAULT_SORT,
        default_direction=queries.NOTIFICATION_DEFAULT_DIRECTION,
        status=status,
        form=ConfirmForm(),
        mark_read_url=url_pattern("reminders.mark_read", "notification_id", status=status),
    )


@bp.post("/<int:notification_id>/gelezen")
@login_required
def mark_read(notification_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for("reminders.index", status=request.args.get("status", "all"))
    return submit(
        lambda: ops.mark_read(current_user, notification_id),
        success=None,
        target=lambda note: note.url if request.form.get("open") and note.url else back,
        back=url_for("reminders.index"),
    )


@bp.post("/alles-gelezen")
@login_required
def mark_all_read():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run_action(
        lambda: ops.mark_all_read(current_user),
        lambda count: ngettext(
            "%(num)d melding als gelezen gemarkeerd.",
            "%(num)d meldingen als gelezen gemarkeerd.",
            count,
        ),
        url_for("reminders.index"),
    )


@bp.route("/instellingen", methods=["GET", "POST"])
@login_required
def settings():
    form = PreferenceForm()
    if request.method == "GET":
        form.mode.data = ops.preference_of(current_user)
        return _settings_page(form)
    return submit(
        lambda: ops.set_preference(current_user, form.mode.data),
        form=form,
        success=_("Uw voorkeur is opgeslagen."),
        target=url_for("reminders.settings"),
        page=lambda: _settings_page(form)[0],
    )


def _settings_page(form, new_feed_url: str | None = None, status: int = 200):
    return render_template(
        "reminders/settings.html",
        form=form,
        confirm=ConfirmForm(),
        token=ops.active_feed_token(current_user),
        new_feed_url=new_feed_url,
    ), status


@bp.post("/agenda/nieuw")
@login_required
def feed_create():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _token, raw = ops.create_feed_token(current_user)
    url = url_for("reminders.feed", secret=raw, _external=False)
    flash(
        _(
            "Uw nieuwe agenda-adres staat hieronder. Bewaar het nu: het wordt maar één keer "
            "getoond. Eerdere adressen werken niet meer."
        ),
        "success",
    )
    form = PreferenceForm()
    form.mode.data = ops.preference_of(current_user)
    return _settings_page(form, new_feed_url=absolute_url(url))


@bp.post("/agenda/intrekken")
@login_required
def feed_revoke():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = ops.revoke_feed_tokens(current_user)
    flash(
        _("Het agenda-adres is ingetrokken.") if count else _("Er was geen actief agenda-adres."),
        "success",
    )
    return redirect(url_for("reminders.settings"))


@bp.get("/agenda/<secret>.ics")
def feed(secret):
    """The secret per-user iCalendar feed (no log-in: the secret is the credential)."""
    from procure.reminders.ical import feed_calendar
    from procure.reminders.queries import user_deadlines

    user = ops.feed_user(secret)
    if user is None:
        abort(404)
    cfg = current_app.config
    now = utcnow()
    deadlines = user_deadlines(
        user,
        now - timedelta(days=cfg["REMINDERS_FEED_PAST_DAYS"]),
        now + timedelta(days=cfg["REMINDERS_FEED_FUTURE_DAYS"]),
    )
    body = feed_calendar(user, deadlines, now)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="procure-deadlines.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# -- admin -----------------------------------------------------------------------------------


@bp.get("/beheer")
@role_required(*RULE_MANAGERS)
def admin():
    return _admin_page()


def _admin_page(typed: dict | None = None, status: int = 200):
    from procure.reminders.queries import upcoming
    from procure.reminders.sweep import RuleConfig, last_run

    cfg = current_app.config
    now = utcnow()
    region_id = current_user.region_id
    coming = upcoming(now, cfg["REMINDERS_UPCOMING_DAYS"], region_id=region_id)
    page = paginate(
        scoped(select(Reminder), Reminder)
        .options(joinedload(Reminder.recipient), joinedload(Reminder.email))
        .where(Reminder.remind_at <= now)
        .order_by(Reminder.remind_at.desc(), Reminder.id.desc()),
        *page_args(),
        cap=list_cap(),
    )
    failed = db.session.scalars(
        scoped(select(EmailDelivery), EmailDelivery)
        .options(joinedload(EmailDelivery.user))
        .where(EmailDelivery.status == DELIVERY_FAILED)
        .order_by(EmailDelivery.created_at.desc())
        .limit(100)
    ).all()
    counts = dict(
        db.session.execute(
            scoped(
                select(EmailDelivery.status, func.count(EmailDelivery.id)), EmailDelivery
            ).group_by(EmailDelivery.status)
        ).all()
    )
    recent_runs = db.session.scalars(
        select(SweepRun).order_by(SweepRun.started_at.desc(), SweepRun.id.desc()).limit(10)
    ).all()
    config = RuleConfig()
    typed = typed or {}
    rules = []
    for rule in all_rules():
        row = config.rows.get((region_id, rule.key))
        offsets = ",".join(row.offsets.split(",") if row else rule.default_offsets)
        active = row.active if row else True
        if rule.key in typed:
            offsets, active = typed[rule.key]
        rules.append((rule, offsets, active))
    return render_template(
        "reminders/admin.html",
        upcoming=coming,
        page=page,
        failed=failed,
        counts=counts,
        last=last_run(),
        runs=recent_runs,
        rules=rules,
        form=ConfirmForm(),
        rule_form=RuleForm(),
        describe_offset=describe_offset,
        sweep_minutes=cfg["REMINDERS_SWEEP_MINUTES"],
        horizon_days=cfg["REMINDERS_HORIZON_DAYS"],
        upcoming_days=cfg["REMINDERS_UPCOMING_DAYS"],
    ), status


@bp.post("/beheer/sweep")
@role_required(*RULE_MANAGERS)
def admin_sweep():
    from procure.reminders.sweep import run_sweep

    if not ConfirmForm().validate_on_submit():
        abort(400)
    run = run_sweep()
    if run is None:
        flash(_("Er loopt al een sweep in een ander proces; probeer het zo opnieuw."), "error")
    elif run.error:
        flash(_("De sweep is (deels) mislukt: %(error)s", error=run.error), "error")
    else:
        flash(
            _(
                "Sweep uitgevoerd: %(n)d nieuwe herinneringen, %(s)d e-mails verstuurd, "
                "%(f)d mislukte pogingen.",
                n=run.created,
                s=run.emails_sent,
                f=run.emails_failed,
            ),
            "success",
        )
    return redirect(url_for("reminders.admin"))


@bp.post("/beheer/email/<int:delivery_id>/opnieuw")
@role_required(*RULE_MANAGERS)
def admin_requeue(delivery_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    delivery = get_scoped_or_404(EmailDelivery, delivery_id)
    return run_action(
        lambda: ops.requeue_email(current_user, delivery),
        _("De e-mail staat weer in de wachtrij."),
        url_for("reminders.admin"),
    )


@bp.post("/beheer/regels/<rule_key>")
@role_required(*RULE_MANAGERS)
def admin_rule(rule_key):
    form = RuleForm()
    if not form.validate_on_submit():
        flash(_("Het formulier is ongeldig; probeer het opnieuw."), "error")
        return redirect(url_for("reminders.admin"))
    if current_user.region_id is None:
        flash(
            _("Alleen een beheerder van een regio kan de termijnen van die regio instellen."),
            "error",
        )
        return redirect(url_for("reminders.admin"))
    typed = {rule_key: (form.offsets.data or "", bool(form.active.data))}
    return submit(
        lambda: ops.configure_rule(
            current_user,
            current_user.region_id,
            rule_key,
            form.offsets.data or "",
            bool(form.active.data),
        ),
        success=_("De termijnen zijn opgeslagen."),
        target=url_for("reminders.admin") + "#regels",
        # Show the page again with what the admin typed, nothing lost.
        page=lambda: _admin_page(typed, 422)[0],
    )
