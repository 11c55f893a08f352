"""Journey (issue 12, section 5): an open house over three entry moments into contracts,
through the pages with CSRF only, and what the next domains receive.

Regio WBO Jeugd publishes an open house for wonen met begeleiding with three entry moments
(1 January, 1 May, 1 September 2027). Kompas applies for one product for the first moment,
De Linde for gezinshuiszorg for the first moment, Stapsteen for the second; Kompas, once
admitted, asks for one more product for the third moment. The decisions create contracts
that start on their entry moment and extend Kompas's contract from 1 September; the
contracts domain (pages and API) shows those dates, and the access teams and the certified
institution get the update after the first and the third moment by e-mail."""

import io
import re
from datetime import date

import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from procure.catalogue.models import Product, Tariff, TaskArea
from procure.contracts.models import Contract
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house.models import (
    Application,
    Category,
    EntryMoment,
    MomentUpdate,
    Requirement,
)
from tests import factories as f
from tests.reminders.conftest import smtp_server  # noqa: F401 (fixture)

PRODUCTS = [
    ("44A06", "Gezinshuis", "etmaal", "187.45"),
    ("44A07", "Kleinschalige woonvorm", "etmaal", "212.10"),
    ("44A08", "Kamertraining", "etmaal", "158.30"),
]


def _catalogue(region):
    area = TaskArea(region_id=region.id, code="WMB", name="Wonen met begeleiding")
    db.session.add(area)
    db.session.flush()
    products = {}
    for code, name, unit, price in PRODUCTS:
        product = Product(
            region_id=region.id,
            code=code,
            name=name,
            task_area_id=area.id,
            variant="effort",
            unit=unit,
            status="vastgesteld",
            valid_from=date(2027, 1, 1),
        )
        db.session.add(product)
        db.session.flush()
        db.session.add(Tariff(product_id=product.id, year=2027, price=price))
        products[code] = product
    db.session.commit()
    return products


def _ok(response, path=""):
    assert response.status_code == 302, (path, response.status_code, response.get_data(True))
    return response


def _client(app, user):
    """A browser session of `user`, logged in now (sessions last a working day)."""
    client = app.test_client()
    f.login(client, user)
    return client


def _apply(client, tender, category, municipality, requirement, *, products=(), moment=None):
    data = {
        "category_ids": [str(category)],
        "municipality_ids": [str(municipality)],
        "product_ids": [str(p) for p in products],
        f"answer_{requirement}": "KvK en AGB-code aanwezig; HKZ-certificaat.",
        "motivation": "Aanbod in de regio.",
        "moment_id": str(moment or 0),
    }
    response = _ok(f.post(client, f"/open-house/{tender}/aanvragen", data))
    return int(re.search(r"/aanvragen/(\d+)$", response.headers["Location"]).group(1))


def _admit(client, application, requirement, category):
    _ok(
        f.post(
            client,
            f"/open-house/aanvragen/{application}/beoordeling",
            {f"score_{requirement}": "meets", f"remark_{requirement}": ""},
        )
    )
    _ok(
        f.post(
            client,
            f"/open-house/aanvragen/{application}/besluit",
            {f"decision_{category}": "admitted", "reason": "Voldoet aan de eisen."},
        )
    )


def _attachments(message) -> dict:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_open_house_over_three_entry_moments_into_contracts(app, smtp_server):  # noqa: F811
    region = f.region("wbo")
    products = _catalogue(region)
    breda = f.municipality("Breda")
    officer_user = f.user("procurement", "wbo")
    kompas = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    linde = f.provider("linde", "De Linde Jeugd en Gezin")
    stapsteen = f.provider("stapsteen", "Stapsteen Begeleid Wonen")

    with time_machine.travel("2026-09-01 10:00", tick=False):
        officer = _client(app, officer_user)
        _ok(
            f.post(
                officer,
                "/open-house/nieuw",
                {
                    "reference": "WBO-OH-JOURNEY",
                    "title": "Wonen met begeleiding",
                    "task_area_id": "0",
                    "variant": "effort",
                    "contract_start": "2027-01-01",
                    "duration_months": "12",
                    "extension_count": "0",
                    "extension_months": "0",
                    "entry_regime": "moments",
                    "entry_months": "1,5,9",
                    "application_weeks": "8",
                    "assessment_weeks": "2",
                    "continuous_assessment_weeks": "6",
                    "response_days": "14",
                },
            )
        )
        tender = db.session.execute(
            select(Tender).where(Tender.reference == "WBO-OH-JOURNEY")
        ).scalar_one()
        for code, name, codes in (
            ("KW", "Kleinschalig wonen en kamertraining", ["44A07", "44A08"]),
            ("GH", "Gezinshuiszorg", ["44A06"]),
        ):
            _ok(
                f.post(
                    officer,
                    f"/open-house/{tender.id}/categorieen/nieuw",
                    {"code": code, "name": name, "product_ids": [products[c].id for c in codes]},
                )
            )
        _ok(
            f.post(
                officer,
                f"/open-house/{tender.id}/eisen",
                {"text": "Ingeschreven bij de KvK, AGB-code en kwaliteitskeurmerk."},
            )
        )
        _ok(f.post(officer, f"/open-house/{tender.id}/publiceren"))
        for name, email, kind, place in (
            ("Toegangsteam Breda", "toegang.breda@example.org", "access_team", breda.id),
            ("Gecertificeerde instelling", "gi.wbo@example.org", "certified_institution", 0),
        ):
            _ok(
                f.post(
                    officer,
                    "/open-house/ontvangers",
                    {"kind": kind, "name": name, "email": email, "municipality_id": place},
                )
            )
    moments = (
        db.session.execute(
            select(EntryMoment)
            .where(EntryMoment.tender_id == tender.id)
            .order_by(EntryMoment.entry_date)
        )
        .scalars()
        .all()
    )
    assert [m.entry_date for m in moments] == [
        date(2027, 1, 1),
        date(2027, 5, 1),
        date(2027, 9, 1),
    ]
    first, second, third = moments
    categories = {
        c.code: c.id
        for c in db.session.execute(
            select(Category).where(Category.tender_id == tender.id)
        ).scalars()
    }
    requirement = db.session.execute(
        select(Requirement.id).where(Requirement.tender_id == tender.id)
    ).scalar_one()

    users = {
        code: f.user("provider", provider_code=code) for code in ("kompas", "linde", "stapsteen")
    }
    with time_machine.travel("2026-10-05 10:00", tick=False):
        kompas_client = _client(app, users["kompas"])
        linde_client = _client(app, users["linde"])
        kompas_first = _apply(
            kompas_client,
            tender.id,
            categories["KW"],
            breda.id,
            requirement,
            products=[products["44A07"].id],
        )
        linde_first = _apply(linde_client, tender.id, categories["GH"], breda.id, requirement)
    with time_machine.travel("2026-11-20 10:00", tick=False):
        officer = _client(app, officer_user)
        _admit(officer, kompas_first, requirement, categories["KW"])
        _admit(officer, linde_first, requirement, categories["GH"])
    # Stapsteen applies after the first deadline: simply for 1 May.
    with time_machine.travel("2027-01-15 10:00", tick=False):
        officer = _client(app, officer_user)
        kompas_client = _client(app, users["kompas"])
        stapsteen_client = _client(app, users["stapsteen"])
        stapsteen_second = _apply(
            stapsteen_client, tender.id, categories["GH"], breda.id, requirement
        )
        # The update of 1 January: both joined, by e-mail with PDF and Excel.
        page = officer.get(f"/open-house/{tender.id}/toegelaten").get_data(as_text=True)
        assert "Verstuur update" in page
        _ok(f.post(officer, f"/open-house/momenten/{first.id}/update-versturen"))
        # Admitted Kompas sees the link to add products and asks for kamertraining on 1 Sep.
        admissions_page = kompas_client.get(f"/open-house/{tender.id}/toegelaten")
        assert "producten toevoegen" in admissions_page.get_data(as_text=True)
        form = kompas_client.get(
            f"/open-house/{tender.id}/aanvragen?categorie={categories['KW']}"
        ).get_data(as_text=True)
        assert "44A07 Kleinschalige woonvorm — al gecontracteerd" in form
        kompas_third = _apply(
            kompas_client,
            tender.id,
            categories["KW"],
            breda.id,
            requirement,
            products=[products["44A08"].id],
            moment=third.id,
        )
    assert db.session.get(Application, stapsteen_second).entry_moment_id == second.id
    assert db.session.get(Application, kompas_third).entry_moment_id == third.id
    with time_machine.travel("2027-04-01 10:00", tick=False):
        officer = _client(app, officer_user)
        _admit(officer, stapsteen_second, requirement, categories["GH"])
    with time_machine.travel("2027-08-10 10:00", tick=False):
        officer = _client(app, officer_user)
        _admit(officer, kompas_third, requirement, categories["KW"])
        _ok(f.post(officer, f"/open-house/momenten/{third.id}/update-versturen"))
        # A second press sends nothing again.
        assert (
            f.post(officer, f"/open-house/momenten/{third.id}/update-versturen").status_code == 302
        )

    # The contracts domain: one contract per provider, starting on its entry moment, and
    # Kompas's kamertraining from 1 September 2027.
    contracts = {
        c.provider_id: c
        for c in db.session.execute(
            select(Contract).where(Contract.tender_id == tender.id)
        ).scalars()
    }
    assert {pid: c.start_date for pid, c in contracts.items()} == {
        kompas.id: date(2027, 1, 1),
        linde.id: date(2027, 1, 1),
        stapsteen.id: date(2027, 5, 1),
    }
    assert {c.end_date for c in contracts.values()} == {date(2027, 12, 31)}
    with time_machine.travel("2027-09-02 10:00", tick=False):
        officer = _client(app, officer_user)
        token = f.api_token(f.user("contract_manager", "wbo"))
        detail = officer.get(
            f"/api/v1/contracts/{contracts[kompas.id].reference}", headers=f.bearer(token)
        ).get_json()
        assert {p["code"]: p["effective_from"] for p in detail["products"]} == {
            "44A07": "2027-01-01",
            "44A08": "2027-09-01",
        }
        contract_page = officer.get(f"/contracten/{contracts[kompas.id].id}").get_data(as_text=True)
        assert "44A08 Kamertraining" in contract_page and "vanaf 01-09-2027" in contract_page

    # The updates: after 1 January (two joined) and after 1 September (Kompas added a
    # product), each to both recipients, each recorded once.
    sent = db.session.execute(select(MomentUpdate).order_by(MomentUpdate.id)).scalars().all()
    assert [(u.entry_moment_id, u.joined_count, u.extended_count) for u in sent] == [
        (first.id, 2, 0),
        (third.id, 0, 1),
    ]
    assert len(smtp_server.envelopes) == 4
    messages = smtp_server.messages()
    january = _attachments(messages[0])
    book = load_workbook(io.BytesIO(january["update-toetreding-WBO-OH-JOURNEY-2027-01-01.xlsx"]))
    assert sorted(r[0] for r in book["Toegetreden"].iter_rows(min_row=2, values_only=True)) == [
        "De Linde Jeugd en Gezin",
        "Stichting Kompas Jeugdhulp",
    ]
    assert "update-toetreding-WBO-OH-JOURNEY-2027-01-01.pdf" in january
    september = _attachments(messages[-1])
    book = load_workbook(io.BytesIO(september["update-toetreding-WBO-OH-JOURNEY-2027-09-01.xlsx"]))
    assert [
        (r[0], r[2]) for r in book["Producten toegevoegd"].iter_rows(min_row=2, values_only=True)
    ] == [("Stichting Kompas Jeugdhulp", "44A08 Kamertraining")]
