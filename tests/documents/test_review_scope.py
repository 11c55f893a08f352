"""Scope rules of the domain pages hold on the document routes as well (review findings)."""

from datetime import date
from decimal import Decimal

from procure.catalogue.models import Product
from procure.extensions import db
from procure.tenders.models import Tender
from tests import factories as f
from tests.documents.conftest import make_contract


def _concept_tender(region, task_area):
    tender = Tender(
        reference="WBO-CONCEPT",
        title="Nog niet gepubliceerd",
        region_id=region.id,
        procedure="sas_dialogue",
        variant="task",
        task_area_id=task_area.id,
        contract_start=date(2027, 1, 1),
        status="concept",
    )
    db.session.add(tender)
    db.session.commit()
    return tender


def test_provider_cannot_preview_documents_of_a_concept_tender(client, wbo, task_area):
    tender = _concept_tender(wbo, task_area)
    f.login(client, f.user("provider", provider_code="kompas"))
    url = f"/documenten/tender/{tender.id}/voorbeeld?kind=bid_document"
    assert client.get(url).status_code == 404
    assert client.get(f"/documenten/tender/{tender.id}").status_code == 404
    tender.status = "published"
    db.session.commit()
    assert client.get(url).status_code == 200


def test_concept_product_card_is_not_readable_for_municipalities(client, wbo, task_area):
    draft = Product(
        region_id=wbo.id,
        code="54D01",
        name="Dyslexie diagnostiek (concept)",
        task_area_id=task_area.id,
        variant="output",
        unit="stuks",
        status="concept",
        valid_from=date(2027, 1, 1),
    )
    db.session.add(draft)
    db.session.commit()
    f.login(client, f.user("municipality", municipality_name="Breda"))
    url = f"/documenten/product/{draft.id}/voorbeeld?kind=product_card"
    assert client.get(url).status_code == 404
    html = client.get(f"/documenten/catalogue/{wbo.id}/voorbeeld?kind=catalogue").get_data(
        as_text=True
    )
    assert "54D01" not in html


def test_custom_contract_documents_follow_the_contract_pages(client, wbo, kompas):
    breda = f.municipality("Breda")
    custom = make_contract(
        wbo,
        kompas,
        origin="custom",
        municipality=breda,
        reference="WBO-C2026-0099",
        unit_price=Decimal("80.00"),
    )
    for role in ("procurement", "supervisor"):
        other = client.application.test_client()
        f.login(other, f.user(role, email=f"{role}.x@example.org"))
        assert other.get(f"/contracten/{custom.id}").status_code == 404
        assert other.get(f"/documenten/contract/{custom.id}").status_code == 404
        format_url = f"/documenten/maatwerkformat/contract/{custom.id}.pdf"
        assert other.get(format_url).status_code in (403, 404)
    f.login(client, f.user("contract_manager"))
    assert client.get(f"/documenten/contract/{custom.id}").status_code == 200
