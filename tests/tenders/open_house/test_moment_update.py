"""The update after an entry moment (seed 001): the access teams and the certified
institutions in the region's register get who joined, who added products and who left, by
e-mail with a PDF and an Excel attachment, received here by a real SMTP server (aiosmtpd);
it is recorded as sent and never sent twice."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from procure.core.errors import InvalidTransition, ValidationFailed
from procure.extensions import db
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import Admission, MomentUpdate, UpdateRecipient
from tests import factories as f
from tests.reminders.conftest import no_smtp, smtp_server  # noqa: F401 (fixtures)
from tests.tenders.open_house.conftest import apply


def at(*args):
    return datetime(*args, tzinfo=UTC)


def admit(application, officer, now):
    ops.score(
        application,
        {a.requirement_id: ("meets", "") for a in application.answers},
        actor=officer,
        now=now,
    )
    ops.decide(
        application,
        decisions={link.category_id: "admitted" for link in application.categories},
        actor=officer,
        now=now,
    )


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def register(oh, officer):
    breda = f.municipality("Breda")
    ops.add_recipient(
        oh.region,
        kind="access_team",
        name="Toegangsteam Breda",
        email="toegang@breda.example.org",
        municipality_id=breda.id,
        actor=officer,
    )
    ops.add_recipient(
        oh.region,
        kind="certified_institution",
        name="Gecertificeerde instelling",
        email="gi@example.org",
        actor=officer,
    )


def test_update_mail_names_who_joined_added_and_left_in_pdf_and_excel(oh, smtp_server):  # noqa: F811
    officer = f.user("procurement")
    register(oh, officer)
    kompas = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    linde = f.provider("linde", "De Linde Jeugd en Gezin")
    stapsteen = f.provider("stapsteen", "Stapsteen Begeleid Wonen")
    january, april = ops.moments(oh.tender)[:2]

    admit(
        apply(
            oh,
            kompas,
            categories=[oh.wonen],
            product_ids=[oh.products["44A07"].id],
            now=at(2026, 10, 1),
        ),
        officer,
        at(2026, 11, 20),
    )
    admit(apply(oh, linde, now=at(2026, 10, 2)), officer, at(2026, 11, 20))
    waiting = apply(oh, stapsteen, now=at(2026, 10, 3))

    # Still an open application for 1 January: refused, nothing sent or recorded.
    with pytest.raises(InvalidTransition, match="wachten nog 1 aanvragen"):
        ops.send_moment_update(january, actor=officer, now=at(2026, 12, 20))
    ops.decide(
        waiting,
        decisions={oh.gezinshuis.id: "rejected"},
        reason="Geen keurmerk",
        actor=officer,
        now=at(2026, 11, 21),
    )
    sent = ops.send_moment_update(january, actor=officer, now=at(2026, 12, 20))
    assert sent.joined_count == 2 and sent.left_count == 0
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "gi@example.org",
        "toegang@breda.example.org",
    ]
    message = smtp_server.messages()[0]
    assert message["Subject"] == "Update toetredingsmoment 1 januari 2027: Wonen met begeleiding"
    files = attachments(message)
    stem = "update-toetreding-WBO-OH-2027-2027-01-01"
    assert set(files) == {f"{stem}.pdf", f"{stem}.xlsx"}
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(files[f"{stem}.pdf"])).pages)
    assert "Stichting Kompas Jeugdhulp" in pdf_text and "De Linde Jeugd en Gezin" in pdf_text
    assert "Stapsteen" not in pdf_text  # rejected: not joined
    book = load_workbook(io.BytesIO(files[f"{stem}.xlsx"]))
    joined = [row[0] for row in book["Toegetreden"].iter_rows(min_row=2, values_only=True)]
    assert sorted(joined) == ["De Linde Jeugd en Gezin", "Stichting Kompas Jeugdhulp"]

    # Never twice.
    with pytest.raises(InvalidTransition, match="al verstuurd"):
        ops.send_moment_update(january, actor=officer, now=at(2026, 12, 21))
    assert len(smtp_server.envelopes) == 2

    # 1 April: Kompas adds a product, De Linde leaves on 1 March, Stapsteen joins.
    admit(
        apply(
            oh,
            kompas,
            categories=[oh.wonen],
            product_ids=[oh.products["44A08"].id],
            now=at(2027, 1, 10),
        ),
        officer,
        at(2027, 3, 1),
    )
    admit(apply(oh, stapsteen, now=at(2027, 1, 11)), officer, at(2027, 3, 1))
    linde_admission = db.session.execute(
        select(Admission).where(Admission.provider_id == linde.id)
    ).scalar_one()
    ops.end_admission(
        linde_admission, user=officer, reason="Stopt met gezinshuiszorg", end_date=date(2027, 3, 1)
    )
    ops.send_moment_update(april, actor=officer, now=at(2027, 3, 20))
    files = attachments(smtp_server.messages()[-1])
    book = load_workbook(io.BytesIO(files["update-toetreding-WBO-OH-2027-2027-04-01.xlsx"]))
    sheet = lambda name: list(book[name].iter_rows(min_row=2, values_only=True))  # noqa: E731
    assert [r[0] for r in sheet("Toegetreden")] == ["Stapsteen Begeleid Wonen"]
    assert [r[0] for r in sheet("Vertrokken")] == ["De Linde Jeugd en Gezin"]
    assert [(r[0], r[2]) for r in sheet("Producten toegevoegd")] == [
        ("Stichting Kompas Jeugdhulp", "44A08 Kamertraining")
    ]
    pdf = PdfReader(io.BytesIO(files["update-toetreding-WBO-OH-2027-2027-04-01.pdf"]))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Vertrokken" in text and "De Linde Jeugd en Gezin" in text
    updates = db.session.execute(select(MomentUpdate).order_by(MomentUpdate.id)).scalars().all()
    assert [u.entry_moment_id for u in updates] == [january.id, april.id]


def test_a_refusing_mail_server_records_nothing_and_the_update_can_be_retried(oh, no_smtp):  # noqa: F811
    officer = f.user("procurement")
    register(oh, officer)
    january = ops.moments(oh.tender)[0]
    with pytest.raises(ValidationFailed, match="mailserver"):
        ops.send_moment_update(january, actor=officer, now=at(2026, 12, 20))
    assert db.session.execute(select(MomentUpdate)).first() is None


def test_the_officer_is_reminded_on_the_entry_date_while_the_update_is_unsent(oh):
    import time_machine

    from procure.reminders.models import Reminder
    from procure.reminders.sweep import run_sweep
    from tests.reminders.conftest import local

    officer = f.user("procurement")
    oh.tender.officer_id = officer.id
    db.session.commit()
    register(oh, officer)
    april = ops.moments(oh.tender)[1]

    def update_reminders():
        return (
            db.session.execute(
                select(Reminder).where(Reminder.rule_key == "open_house_moment_update")
            )
            .scalars()
            .all()
        )

    with time_machine.travel(local(2027, 1, 1, 8, 59), tick=False):
        run_sweep(send=False)
    assert update_reminders() == []
    with time_machine.travel(local(2027, 1, 1, 9, 0), tick=False):
        run_sweep(send=False)
    [reminder] = update_reminders()
    assert reminder.recipient_id == officer.id
    assert reminder.url == f"/open-house/{oh.tender.id}/toegelaten"
    assert "01-01-2027" in reminder.title
    # Sent before its entry date: no reminder for 1 April.
    db.session.add(
        MomentUpdate(
            region_id=april.region_id,
            tender_id=april.tender_id,
            entry_moment_id=april.id,
            sent_at=at(2027, 3, 20),
        )
    )
    db.session.commit()
    with time_machine.travel(local(2027, 4, 1, 9, 0), tick=False):
        run_sweep(send=False)
    assert len(update_reminders()) == 1


def test_recipient_register_pages_roles_and_refusals(client, app, oh):
    officer = f.user("procurement", "wbo")
    breda = f.municipality("Breda")
    f.login(client, officer)
    assert client.get("/open-house/ontvangers").status_code == 200
    # A wrong address comes back with the input kept and the message at the field.
    refused = f.post(
        client,
        "/open-house/ontvangers",
        {
            "kind": "access_team",
            "name": "Toegangsteam Breda",
            "email": "geen-adres",
            "municipality_id": breda.id,
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Vul een geldig e-mailadres in." in html and 'value="Toegangsteam Breda"' in html
    # An access team needs a municipality of the region.
    refused = f.post(
        client,
        "/open-house/ontvangers",
        {"kind": "access_team", "name": "Team", "email": "team@example.org", "municipality_id": 0},
    )
    assert refused.status_code == 422 and "hoort bij een gemeente" in refused.get_data(True)
    added = f.post(
        client,
        "/open-house/ontvangers",
        {
            "kind": "access_team",
            "name": "Toegangsteam Breda",
            "email": "Toegang@Breda.example.org",
            "municipality_id": breda.id,
        },
    )
    assert added.status_code == 302
    recipient = db.session.execute(select(UpdateRecipient)).scalar_one()
    assert recipient.email == "toegang@breda.example.org" and recipient.municipality_id == breda.id
    # Another region's staff does not see it; a provider cannot open the register.
    other = app.test_client()
    f.login(other, f.user("procurement", "e10"))
    assert "toegang@breda.example.org" not in other.get("/open-house/ontvangers").get_data(True)
    assert f.post(other, f"/open-house/ontvangers/{recipient.id}/verwijderen").status_code == 404
    provider = app.test_client()
    f.login(provider, f.user("provider", provider_code="kompas"))
    assert provider.get("/open-house/ontvangers").status_code == 403
    assert f.post(client, f"/open-house/ontvangers/{recipient.id}/verwijderen").status_code == 302
    db.session.refresh(recipient)
    assert recipient.active is False
