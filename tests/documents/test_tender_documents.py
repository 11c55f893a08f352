"""Tender documents and letters, read back from the PDF: Selectiedocument, Dialoogdocument,
Inschrijfdocument, award and rejection letters (standstill end date and reasons),
Toelatingsdocument and the open-house admission and rejection letters."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from procure.core.uploads import store_bytes
from procure.documents import operations as ops
from procure.documents.registry import REGISTRY
from procure.extensions import db
from procure.tenders.documents import (
    award_letter_spec,
    rejection_letter_spec,
    tender_document_spec,
)
from procure.tenders.models import (
    Agreement,
    AwardCriterion,
    Bid,
    Lot,
    LotAward,
    LotRule,
    Registration,
    Score,
    Tender,
)
from procure.tenders.open_house.documents import (
    admission_letter_spec,
    admission_rejection_letter_spec,
)
from tests import factories as f
from tests.documents.conftest import flat, pdf_text


def text_of(spec) -> str:
    return flat(pdf_text(ops.render_spec(spec).pdf))


@pytest.fixture
def sas(wbo, task_area, kompas):
    linde = f.provider("linde", "De Linde Jeugd en Gezin")
    tender = Tender(
        reference="WBO-2026-01",
        title="Specialistische jeugdhulp Breda",
        region_id=wbo.id,
        procedure="sas_dialogue",
        variant="effort",
        task_area_id=task_area.id,
        estimated_value=Decimal("12500000.00"),
        contract_start=date(2027, 1, 1),
        duration_months=48,
        extension_count=2,
        extension_months=12,
        registration_deadline=datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        dialogue_end=datetime(2026, 5, 29, 10, 0, tzinfo=UTC),
        bid_deadline=datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
        provisional_award_at=datetime(2026, 8, 3, 9, 0, tzinfo=UTC),
        standstill_ends_at=datetime(2026, 8, 23, 22, 0, tzinfo=UTC),
        standstill_days=20,
    )
    db.session.add(tender)
    db.session.flush()
    lots = [
        Lot(tender_id=tender.id, number=n, name=name)
        for n, name in [(1, "Ambulant"), (2, "Breda Noord"), (3, "Breda Zuid")]
    ]
    db.session.add_all(lots)
    quality = AwardCriterion(
        tender_id=tender.id, position=1, name="Kwaliteit van het plan", weight=Decimal("60")
    )
    price = AwardCriterion(
        tender_id=tender.id, position=2, name="Prijs", weight=Decimal("40"), is_price=True
    )
    db.session.add_all([quality, price])
    db.session.flush()
    db.session.add(LotRule(tender_id=tender.id, lots=[lots[1], lots[2]]))
    db.session.add(
        Agreement(
            tender_id=tender.id,
            position=1,
            text="Aanbieders publiceren maandelijks hun wachttijden.",
        )
    )
    for provider in (kompas, linde):
        db.session.add(
            Registration(
                tender_id=tender.id,
                region_id=wbo.id,
                provider_id=provider.id,
                status="selected",
                lots=[lots[0]],
            )
        )
    plan = store_bytes(b"%PDF-1.4 plan", "plan.pdf")
    db.session.flush()
    bids = {}
    for provider, quality_score in ((kompas, "8"), (linde, "6")):
        bid = Bid(
            tender_id=tender.id,
            region_id=wbo.id,
            lot_id=lots[0].id,
            provider_id=provider.id,
            plan_id=plan.id,
            price=Decimal("97.43"),
            sealed_until=tender.bid_deadline,
        )
        db.session.add(bid)
        db.session.flush()
        # the price criterion is not scored by hand: equal prices both get the full scale
        db.session.add(Score(bid_id=bid.id, criterion_id=quality.id, score=Decimal(quality_score)))
        bids[provider.short_code] = bid
    db.session.add(
        LotAward(
            tender_id=tender.id,
            region_id=wbo.id,
            lot_id=lots[0].id,
            provider_id=kompas.id,
            bid_id=bids["kompas"].id,
            total=Decimal("88.00"),  # 8 / 10 x 60 + 10 / 10 x 40, as the award page
            rank=1,
        )
    )
    db.session.commit()
    return tender, kompas, linde


def test_selection_document(sas):
    tender, *_ = sas
    text = text_of(tender_document_spec(tender, "selection_document"))
    assert "Selectiedocument" in text and "WBO-2026-01" in text
    assert "Regio WBO Jeugd" in text and "€ 12.500.000,00" in text
    assert "2 maart 2026 om 12:00 uur" in text  # deadline in Europe/Amsterdam
    assert "Breda Noord" in text and "De percelen 2 en 3 worden aan verschillende" in text
    assert "1 januari 2027" in text and "48 maanden" in text


def test_dialogue_and_bid_documents(sas):
    tender, *_ = sas
    dialogue = text_of(tender_document_spec(tender, "dialogue_document"))
    assert "Dialoogdocument" in dialogue and "29 mei 2026 om 12:00 uur" in dialogue
    assert "Aanbieders publiceren maandelijks hun wachttijden." in dialogue
    assert "Ambulant 2" in dialogue  # two selected parties on lot 1
    bid = text_of(tender_document_spec(tender, "bid_document"))
    assert "Inschrijfdocument" in bid and "1 juli 2026 om 12:00 uur" in bid
    assert "Kwaliteit van het plan 60" in bid and "Prijs (prijs) 40" in bid
    assert "standstilltermijn van 20 kalenderdagen" in bid


def test_award_letter_to_the_winner(sas):
    tender, kompas, _linde = sas
    text = text_of(award_letter_spec(tender, param=kompas.id))
    assert "Stichting Kompas Jeugdhulp" in text and "Voorlopige gunningsbeslissing" in text
    assert "Perceel 1: Ambulant" in text and "Uw totaalscore: 88 (rangorde 1)" in text
    # the standstill ends at midnight in Amsterdam: 24:00 of its last day, as on the page
    assert "23 augustus 2026 om 24:00 uur" in text
    assert "3 augustus 2026" in text  # letter date from the decision


def test_rejection_letter_with_reasons_and_standstill(sas):
    tender, _kompas, linde = sas
    text = text_of(rejection_letter_spec(tender, param=linde.id))
    assert "De Linde Jeugd en Gezin" in text and "Afwijzing inschrijving" in text
    assert "Redenen van afwijzing" in text
    # the totals of the award page (score / scale x weight), not score x weight / 100
    assert "Uw totaalscore: 76" in text and "hoogst gerangschikte inschrijver: 88" in text
    assert "Kwaliteit van het plan 60 % 6 8" in text  # own score vs awarded party
    assert "Prijs 40 % 10 10" in text
    assert "Stichting Kompas Jeugdhulp" in text
    assert "23 augustus 2026 om 24:00 uur" in text and "kort geding" in text


def test_letters_are_offered_per_recipient_and_only_to_region_staff(sas):
    tender, kompas, linde = sas
    rt = REGISTRY["tender"]
    officer = f.user("procurement")
    kinds = {k.kind: k for k in rt.kinds_for(tender, officer)}
    assert set(kinds) == {
        "selection_document",
        "dialogue_document",
        "bid_document",
        "award_letter",
        "rejection_letter",
    }
    assert [p["value"] for p in kinds["award_letter"].params] == [kompas.id]
    assert [p["value"] for p in kinds["rejection_letter"].params] == [linde.id]
    municipality = f.user("municipality")
    assert {k.kind for k in rt.kinds_for(tender, municipality)} == {
        "selection_document",
        "dialogue_document",
        "bid_document",
    }


def test_provider_sees_only_its_own_letter(client, sas):
    tender, kompas, linde = sas
    officer = f.user("procurement")
    f.login(client, officer)
    page = client.get(f"/documenten/tender/{tender.id}").get_data(as_text=True)
    assert "Gunningsbrief: Stichting Kompas Jeugdhulp" in page
    assert "Afwijzingsbrief: De Linde Jeugd en Gezin" in page
    for provider in (kompas, linde):
        kind = "award_letter" if provider is kompas else "rejection_letter"
        assert (
            f.post(
                client,
                f"/documenten/tender/{tender.id}/genereren",
                {"kind": kind, "param": provider.id},
            ).status_code
            == 302
        )
    from procure.documents.models import GeneratedDocument

    docs = {d.provider_id: d for d in db.session.query(GeneratedDocument)}
    provider_client = client.application.test_client()
    f.login(provider_client, f.user("provider", provider_code="linde"))
    assert provider_client.get(f"/documenten/bestand/{docs[linde.id].id}/pdf").status_code == 200
    assert provider_client.get(f"/documenten/bestand/{docs[kompas.id].id}/pdf").status_code == 404
    # a municipality of the region sees neither letter
    municipality_client = client.application.test_client()
    f.login(municipality_client, f.user("municipality"))
    assert (
        municipality_client.get(f"/documenten/bestand/{docs[linde.id].id}/pdf").status_code == 404
    )
    library = municipality_client.get("/documenten/").get_data(as_text=True)
    assert "De Linde" not in library and "Kompas" not in library
    # nor can the provider preview another provider's letter
    assert (
        provider_client.get(
            f"/documenten/tender/{tender.id}/voorbeeld?kind=award_letter&param={kompas.id}"
        ).status_code
        == 404
    )


# -- open house ------------------------------------------------------------------------------


@pytest.fixture
def open_house(wbo, kompas, product):
    from procure.contracts.models import Contract
    from procure.tenders.open_house import models as oh

    linde = f.provider("linde", "De Linde Jeugd en Gezin")
    tender = Tender(
        reference="WBO-OH-2026",
        title="Open house lichte jeugdhulp",
        region_id=wbo.id,
        procedure="open_house",
        variant="effort",
        contract_start=date(2026, 1, 1),
        duration_months=36,
    )
    db.session.add(tender)
    db.session.flush()
    db.session.add(
        oh.OpenHouseSettings(
            tender_id=tender.id,
            region_id=wbo.id,
            entry_regime="moments",
            entry_months="1,4,7,10",
            admission_conditions="Toelating staat open voor "
            "iedere aanbieder die aan de eisen voldoet.",
        )
    )
    category = oh.Category(
        tender_id=tender.id,
        region_id=wbo.id,
        code="AMB",
        name="Ambulante jeugdhulp",
        products=[product],
    )
    req1 = oh.Requirement(
        tender_id=tender.id,
        region_id=wbo.id,
        number=1,
        text="De aanbieder beschikt over een kwaliteitskeurmerk.",
        requires_document=True,
    )
    req2 = oh.Requirement(
        tender_id=tender.id,
        region_id=wbo.id,
        number=2,
        text="Professionals zijn SKJ- of BIG-geregistreerd.",
    )
    moment = oh.EntryMoment(
        tender_id=tender.id,
        region_id=wbo.id,
        entry_date=date(2026, 4, 1),
        application_deadline=datetime(2026, 2, 4, 11, 0, tzinfo=UTC),
        assessment_deadline=datetime(2026, 2, 18, 11, 0, tzinfo=UTC),
    )
    db.session.add_all([category, req1, req2, moment])
    db.session.flush()
    admitted = oh.Application(
        reference="OH-2026-001",
        tender_id=tender.id,
        region_id=wbo.id,
        provider_id=kompas.id,
        status="admitted",
        entry_moment_id=moment.id,
        submitted_at=datetime(2026, 1, 20, 9, 0, tzinfo=UTC),
        decided_at=datetime(2026, 2, 16, 9, 0, tzinfo=UTC),
    )
    rejected = oh.Application(
        reference="OH-2026-002",
        tender_id=tender.id,
        region_id=wbo.id,
        provider_id=linde.id,
        status="rejected",
        submitted_at=datetime(2026, 1, 22, 9, 0, tzinfo=UTC),
        decided_at=datetime(2026, 2, 17, 9, 0, tzinfo=UTC),
        decision_reason="Het keurmerk ontbreekt.",
    )
    db.session.add_all([admitted, rejected])
    db.session.flush()
    db.session.add_all(
        [
            oh.ApplicationCategory(
                application_id=admitted.id,
                category_id=category.id,
                provider_id=kompas.id,
                decision="admitted",
                open_flag=None,
            ),
            oh.ApplicationCategory(
                application_id=rejected.id,
                category_id=category.id,
                provider_id=linde.id,
                decision="rejected",
                open_flag=None,
            ),
            oh.Answer(
                application_id=rejected.id,
                requirement_id=req1.id,
                text="Volgt.",
                score="not_met",
                remark="Geen geldig HKZ-certificaat bijgevoegd.",
            ),
            oh.Answer(application_id=rejected.id, requirement_id=req2.id, text="Ja", score="meets"),
        ]
    )
    contract = Contract(
        reference="WBO-C2026-0042",
        region_id=wbo.id,
        provider_id=kompas.id,
        origin="open_house",
        variant="effort",
        start_date=date(2026, 4, 1),
        end_date=date(2028, 12, 31),
    )
    db.session.add(contract)
    db.session.flush()
    db.session.add(
        oh.Admission(
            tender_id=tender.id,
            region_id=wbo.id,
            provider_id=kompas.id,
            category_id=category.id,
            application_id=admitted.id,
            contract_id=contract.id,
            start_date=date(2026, 4, 1),
        )
    )
    db.session.commit()
    return tender, admitted, rejected


def test_admission_document(open_house):
    tender, *_ = open_house
    text = text_of(tender_document_spec(tender, "admission_document"))
    assert "Toelatingsdocument" in text and "Open house lichte jeugdhulp" in text
    assert "geen maximum aantal aanbieders" in text
    assert "1 april 2026" in text and "4 februari 2026 om 12:00 uur" in text
    assert "AMB Ambulante jeugdhulp" in text and "45A53" in text
    assert "kwaliteitskeurmerk" in text and "iedere aanbieder die aan de eisen voldoet" in text


def test_admission_letter(open_house):
    tender, admitted, _ = open_house
    text = text_of(admission_letter_spec(tender, param=admitted.id))
    assert "Stichting Kompas Jeugdhulp" in text and "OH-2026-001" in text
    assert "AMB Ambulante jeugdhulp" in text
    assert "De toelating gaat in op 1 april 2026" in text and "WBO-C2026-0042" in text
    assert "16 februari 2026" in text


def test_admission_rejection_letter_with_reasons(open_house):
    tender, admitted, rejected = open_house
    text = text_of(admission_rejection_letter_spec(tender, param=rejected.id))
    assert "De Linde Jeugd en Gezin" in text and "OH-2026-002" in text
    assert "Het keurmerk ontbreekt." in text
    assert "Geen geldig HKZ-certificaat bijgevoegd." in text
    assert "SKJ" not in text  # a requirement that was met is not listed
    assert "bezwaar" in text
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound):  # an admitted application gets no rejection letter
        admission_rejection_letter_spec(tender, param=admitted.id)
