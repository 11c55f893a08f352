"""The custom-contract format municipalities download: pre-filled PDF and DOCX, blank
format, existing custom contracts, and municipality scoping."""

import io
from decimal import Decimal

from docx import Document
from sqlalchemy import select

from procure.contracts.models import Contract
from procure.extensions import db
from tests import factories as f
from tests.documents.conftest import flat, make_contract, pdf_text


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


CUSTOM_FORM = {
    "unit_price": "97.43",  # what a browser submits from <input type=number>
    "units": "120",
    "start_date": "2026-02-01",
    "end_date": "2026-07-31",
    "justification": "Plaatsing buiten de regio wegens specifieke hulpvraag.",
    "custom_reason": "specific_need",
}


def create_custom_contract(client, provider, code) -> Contract:
    """A custom contract made through the page a municipality uses (with CSRF)."""
    form = client.get("/contracten/maatwerk/nieuw")
    assert form.status_code == 200
    response = f.post(
        client,
        "/contracten/maatwerk/nieuw",
        {**CUSTOM_FORM, "provider_id": provider.id, "maatwerk_code_id": code.id},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    contract = db.session.execute(
        select(Contract).where(Contract.origin == "custom").order_by(Contract.id.desc())
    ).scalar()
    assert response.headers["Location"].endswith(f"/contracten/{contract.id}")
    return contract


def test_journey_municipality_creates_a_custom_contract_and_downloads_its_format(
    client, kompas, maatwerk_code
):
    f.login(client, f.user("municipality", municipality_name="Breda"))
    contract = create_custom_contract(client, kompas, maatwerk_code)
    detail = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    pdf_url = f"/documenten/maatwerkformat/contract/{contract.id}.pdf"
    docx_url = f"/documenten/maatwerkformat/contract/{contract.id}.docx"
    assert pdf_url in detail and docx_url in detail  # offered next to the contract

    pdf = client.get(pdf_url)
    docx = client.get(docx_url)
    assert pdf.mimetype == "application/pdf"
    assert docx.mimetype.endswith("wordprocessingml.document")
    assert Document(io.BytesIO(docx.data)).core_properties.language == "nl-NL"
    for text in (flat(pdf_text(pdf.data)), flat(docx_text(docx.data))):
        assert contract.reference in text  # the reference the register gave it
        assert "Gemeente Breda" in text and "Stichting Kompas Jeugdhulp" in text
        assert "M45A53" in text and "productcode 45A53" in text
        assert "€ 97,43" in text and "€ 11.691,60" in text  # 120 x 97,43 in Dutch notation
        assert "1 februari 2026" in text and "31 juli 2026" in text
        assert "Plaatsing buiten de regio" in text
        filled_in = text.split("Ondertekening")[0]  # the signature lines stay to be filled
        assert "…………" not in filled_in and "Gemeente Gemeente" not in filled_in


def test_the_second_format_route_leads_to_the_custom_contracts(client, wbo):
    """One route to custom contracts: the old format page sends users to the list."""
    f.login(client, f.user("municipality", municipality_name="Breda"))
    response = client.get("/documenten/maatwerkformat")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/contracten/maatwerk")
    page = client.get("/contracten/maatwerk").get_data(as_text=True)
    assert "/contracten/maatwerk/nieuw" in page and "/documenten/maatwerkformat/leeg.docx" in page
    assert f.post(client, "/documenten/maatwerkformat", {}).status_code == 303


def test_blank_format_pdf_and_docx(client, wbo):
    f.login(client, f.user("municipality", municipality_name="Breda"))
    pdf = client.get("/documenten/maatwerkformat/leeg.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    text = flat(pdf_text(pdf.data))
    assert "Maatwerkovereenkomst jeugdhulp" in text and "lege format" in text
    docx = client.get("/documenten/maatwerkformat/leeg.docx")
    assert docx.status_code == 200
    assert "…………" in docx_text(docx.data)


def test_existing_custom_contract_and_scoping(app, client, wbo, kompas, maatwerk_code):
    breda = f.municipality("Breda")
    altena = f.municipality("Altena")
    own = make_contract(
        wbo,
        kompas,
        origin="custom",
        reference="WBO-M2026-0001",
        municipality=breda,
        maatwerk_code_id=maatwerk_code.id,
        custom_unit_price=Decimal("97.43"),
        custom_units=Decimal("40"),
        justification="Wachttijd bij gecontracteerde aanbieders.",
    )
    other = make_contract(
        wbo,
        kompas,
        origin="custom",
        reference="WBO-M2026-0002",
        municipality=altena,
        maatwerk_code_id=maatwerk_code.id,
    )
    f.login(client, f.user("municipality", municipality_name="Breda"))

    response = client.get(f"/documenten/maatwerkformat/contract/{own.id}.docx")
    assert response.status_code == 200
    text = docx_text(response.data)
    assert "WBO-M2026-0001" in text and "€ 3.897,20" in text and "Gemeente Breda" in text

    assert client.get(f"/documenten/maatwerkformat/contract/{other.id}.docx").status_code == 404
    assert client.get(f"/documenten/maatwerkformat/contract/{other.id}.pdf").status_code == 404
    assert client.get(f"/documenten/contract/{other.id}").status_code == 404
    assert (
        f.post(
            client, f"/documenten/contract/{other.id}/genereren", {"kind": "custom_contract"}
        ).status_code
        == 404
    )

    # the municipality generates its own custom contract and downloads PDF and Word
    assert (
        f.post(
            client, f"/documenten/contract/{own.id}/genereren", {"kind": "custom_contract"}
        ).status_code
        == 302
    )
    page = client.get(f"/documenten/contract/{own.id}").get_data(as_text=True)
    assert "Maatwerkovereenkomst WBO-M2026-0001" in page
    from procure.documents.models import GeneratedDocument
    from procure.extensions import db

    doc = db.session.query(GeneratedDocument).one()
    assert doc.municipality_id == breda.id and doc.docx_file_id
    assert "Gemeente Breda" in docx_text(client.get(f"/documenten/bestand/{doc.id}/docx").data)

    # another municipality sees neither the document nor its files
    client = app.test_client()
    f.login(client, f.user("municipality", municipality_name="Altena", email="altena@example.org"))
    assert client.get(f"/documenten/bestand/{doc.id}/pdf").status_code == 404
    assert client.get(f"/documenten/bestand/{doc.id}/docx").status_code == 404
    assert "WBO-M2026-0001" not in client.get("/documenten/").get_data(as_text=True)


def test_provider_may_not_use_the_format(client, wbo):
    f.login(client, f.user("provider"))
    assert client.get("/documenten/maatwerkformat").status_code == 403
    assert client.get("/documenten/maatwerkformat/leeg.pdf").status_code == 403
