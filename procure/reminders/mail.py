"""E-mail over SMTP (smtplib) with the MAIL_* settings, and the Dutch texts of reminders."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from procure.core.formatting import moment as format_moment
from procure.core.urls import absolute_url
from procure.reminders.rules import describe_offset


def reminder_subject(reminder) -> str:
    prefix = "Herinnering (te laat verstuurd)" if reminder.late else "Herinnering"
    return f"{prefix}: {reminder.title}"[:300]


def _reminder_lines(reminder) -> list[str]:
    lines = [reminder.title, f"Deadline: {format_moment(reminder.due_at)} (Nederlandse tijd)"]
    if reminder.offset != "0":
        lines.append(f"Herinnering: {describe_offset(reminder.offset)}")
    if reminder.late:
        lines.append(
            "Let op: deze herinnering komt later dan gepland, omdat de planner "
            "tijdelijk niet draaide."
        )
    lines.append(f"Bekijken: {absolute_url(reminder.url)}")
    return lines


def reminder_body(user, reminder, description: str = "") -> str:
    parts = [
        f"Beste {user.name},",
        "",
        "Dit is een herinnering van procure voor een deadline waarvoor u verantwoordelijk bent.",
        "",
        *_reminder_lines(reminder),
    ]
    if description:
        parts += ["", description]
    parts += ["", _footer()]
    return "\n".join(parts)


def digest_subject(count: int, day) -> str:
    noun = "herinnering" if count == 1 else "herinneringen"
    return f"Dagoverzicht procure {day.strftime('%d-%m-%Y')}: {count} {noun}"


def digest_body(user, reminders) -> str:
    parts = [
        f"Beste {user.name},",
        "",
        "Dit is uw dagelijkse overzicht van herinneringen uit procure.",
        "",
    ]
    for number, reminder in enumerate(reminders, start=1):
        lines = _reminder_lines(reminder)
        parts.append(f"{number}. {lines[0]}")
        parts += [f"   {line}" for line in lines[1:]]
        parts.append("")
    parts.append(_footer())
    return "\n".join(parts)


def _footer() -> str:
    return (
        "U ontvangt dit bericht omdat u in procure verantwoordelijk bent voor deze "
        "deadline. Kiezen tussen direct of een dagelijks overzicht kan via "
        f"{absolute_url('/meldingen/instellingen')}."
    )


def build_message(to_address: str, subject: str, body: str) -> EmailMessage:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_FROM"]
    msg["To"] = to_address
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=cfg["MAIL_FROM"].rpartition("@")[2] or "procure")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


def connect() -> smtplib.SMTP:
    """An open, authenticated SMTP connection per MAIL_HOST/PORT/USE_TLS/USE_SSL/USERNAME."""
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_HOST"], int(cfg["MAIL_PORT"]), cfg["MAIL_TIMEOUT"]
    if cfg.get("MAIL_USE_SSL"):
        conn = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(host, port, timeout=timeout)
        if cfg.get("MAIL_USE_TLS"):
            conn.starttls(context=ssl.create_default_context())
    if cfg.get("MAIL_USERNAME"):
        conn.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    return conn
