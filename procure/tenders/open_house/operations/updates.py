"""The register of update recipients and sending the update after an entry moment."""

import smtplib
from datetime import datetime
from email.utils import parseaddr

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.audit import record, record_new
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.extensions import db
from procure.organisations.models import Municipality, Region
from procure.tenders.open_house import updates
from procure.tenders.open_house.models import (
    RECIPIENT_KINDS,
    EntryMoment,
    MomentUpdate,
    UpdateRecipient,
)
from procure.tenders.open_house.operations.common import day_label
from procure.tenders.open_house.policy import (
    UPDATE_SENDERS,
    can_manage_recipients,
    update_refusal,
)

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _valid_email(value: str) -> str:
    address = parseaddr(value or "")[1].strip()
    if address != (value or "").strip() or "@" not in address or "." not in address.split("@")[1]:
        raise ValidationFailed(_l("Vul een geldig e-mailadres in."), field="email")
    return address.lower()


@operation
def add_recipient(
    region: Region,
    *,
    kind: str,
    name: str,
    email: str,
    municipality_id: int | None = None,
    actor,
) -> UpdateRecipient:
    if actor is not None and not can_manage_recipients(actor):
        raise NotAllowed(_l("U mag het register van ontvangers niet wijzigen."))
    if kind not in RECIPIENT_KINDS:
        raise ValidationFailed(_l("Kies het soort ontvanger."), field="kind")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_l("Vul een naam in."), field="name")
    address = _valid_email(email)
    municipality = None
    if kind == "access_team":
        municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
        if municipality is None or municipality.region_id != region.id:
            raise ValidationFailed(
                _l("Een toegangsteam hoort bij een gemeente van de regio."),
                field="municipality_id",
            )
    exists = db.session.execute(
        select(UpdateRecipient).where(
            UpdateRecipient.region_id == region.id, UpdateRecipient.email == address
        )
    ).scalar()
    if exists is not None and exists.active:
        raise Conflict(_l("Dit e-mailadres staat al in het register."), field="email")
    recipient = exists or UpdateRecipient(region_id=region.id, email=address)
    recipient.kind, recipient.name, recipient.active = kind, name, True
    recipient.municipality_id = municipality.id if municipality else None
    return record_new(
        recipient,
        "open_house.update_recipient_added",
        actor=actor,
        new={
            "kind": kind,
            "name": name,
            "email": address,
            "municipality": municipality.name if municipality else None,
        },
    )


@operation
def remove_recipient(recipient: UpdateRecipient, *, actor) -> UpdateRecipient:
    if actor is not None and not can_manage_recipients(actor):
        raise NotAllowed(_l("U mag het register van ontvangers niet wijzigen."))
    if not recipient.active:
        raise InvalidTransition(_l("Deze ontvanger staat niet meer in het register."))
    recipient.active = False
    record(
        "open_house.update_recipient_removed",
        recipient,
        actor=actor,
        old={"active": True, "email": recipient.email},
        new={"active": False},
    )
    return recipient


def _message(moment: EntryMoment, recipient: UpdateRecipient, changes, pdf: bytes, xlsx: bytes):
    from procure.reminders.mail import build_message

    tender = moment.tender
    when = day_label(moment.entry_date)
    lines = [
        f"Beste {recipient.name},",
        "",
        f"Met ingang van {when} is het aanbod van de open house “{tender.title}” "
        f"({tender.reference}) van {tender.region.name} gewijzigd:",
        f"- toegetreden: {len(changes.joined)}",
        f"- producten toegevoegd: {len(changes.extended)}",
        f"- vertrokken: {len(changes.left)}",
        "",
        "De namen staan in de bijlagen (PDF en Excel).",
        "",
        f"Met vriendelijke groet,\n{tender.region.name}",
    ]
    msg = build_message(
        recipient.email, f"Update toetredingsmoment {when}: {tender.title}", "\n".join(lines)
    )
    stem = updates.file_stem(moment)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{stem}.pdf")
    msg.add_attachment(xlsx, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=f"{stem}.xlsx")
    return msg


@operation
def send_moment_update(moment: EntryMoment, *, actor, now: datetime | None = None) -> MomentUpdate:
    """Send the update of an entry moment to everyone in the region's register, once.

    The record is written (and its unique row claimed) before the mail goes out, in the
    same transaction: a second attempt, concurrent or later, is refused; when the mail
    server refuses, nothing is recorded and the update can be sent again."""
    from procure.reminders.mail import connect

    now = now or utcnow()
    if actor is not None and actor.role not in UPDATE_SENDERS:
        raise NotAllowed(_l("U mag de update niet versturen."))
    recipients = updates.active_recipients(moment.region_id)
    refusal = update_refusal(
        moment,
        now=now,
        open_count=updates.open_applications(moment),
        already_sent=updates.sent_update(moment) is not None,
        recipients=len(recipients),
    )
    if refusal is not None:
        raise InvalidTransition(refusal)
    changes = updates.moment_changes(moment)
    sent = MomentUpdate(
        region_id=moment.region_id,
        tender_id=moment.tender_id,
        entry_moment_id=moment.id,
        status="sent",
        sent_at=now,
        sent_by_id=actor.id if actor is not None else None,
        recipients=", ".join(r.email for r in recipients),
        joined_count=len(changes.joined),
        left_count=len(changes.left),
        extended_count=len(changes.extended),
    )
    db.session.add(sent)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("De update van dit toetredingsmoment is al verstuurd.")) from exc
    pdf, xlsx = updates.document(changes), updates.workbook(changes)
    try:
        with connect() as conn:
            for recipient in recipients:
                conn.send_message(_message(moment, recipient, changes, pdf, xlsx))
    except (OSError, smtplib.SMTPException) as exc:
        raise ValidationFailed(
            _l(
                "De mailserver weigerde de update (%(error)s); er is niets als verstuurd "
                "vastgelegd.",
                error=str(exc)[:200],
            )
        ) from exc
    record(
        "open_house.moment_update_sent",
        sent,
        actor=actor,
        new={
            "entry_date": moment.entry_date,
            "recipients": [r.email for r in recipients],
            "joined": [a.provider.name for a in changes.joined],
            "left": [a.provider.name for a in changes.left],
            "extended": len(changes.extended),
            "when": day_label(moment.entry_date),
        },
    )
    return sent
