"""The custom-contract format municipalities download: pre-filled PDF and DOCX, blank
format, existing custom contracts, and municipality scoping."""

import io
from decimal import Decimal

from docx import Document

from tests import factories as f
from tests.documents.conftest import flat, make_contract, pdf_text


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _form(kompas, maatwerk_code, output):
    return {
        "provider_id": kompas.id,
        "code_id": maatwerk_code.id,
        "unit_price": "97,43",
        "units": "120",
        "start": "2026-02-01",
        "end": "2026-07-31",
        "justification": "Plaatsing buiten de regio wegens specifieke hulpvraag.",
        "output": output,
    }


def _fix_decimal(data):
    data = dict(data)
    data["unit_price"] = "97.43"
    return data


def test_municipality_downloads_prefilled_docx(client, kompas, maatwerk_code):
    f.login(client, f.user("municipality", municipality_name="Breda"))
    response = f.post(
        client, "/documenten/maatwerkformat", _fix_decimal(_form(kompas, maatwerk_code, "docx"))
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    text = docx_text(response.data)
    assert "Gemeente Breda" in text
    assert "Stichting Kompas Jeugdhulp" in text and "98000001" in text
    assert "M45A53" in text and "45A53" in text
    assert "€ 97,43" in text and "120" in text and "€ 11.691,60" in text
    assert "1 februari 2026" in text and "31 juli 2026" in text
    assert "Plaatsing buiten de regio" in text
    assert Document(io.BytesIO(response.data)).core_properties.language == "nl-NL"


def test_municipality_downloads_prefilled_pdf(client, kompas, maatwerk_code):
    f.login(client, f.user("municipality", municipality_name="Oosterhout"))
    response = f.post(
        client, "/documenten/maatwerkformat", _fix_decimal(_form(kompas, maatwerk_code, "pdf"))
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat(pdf_text(response.data))
    assert "Gemeente Oosterhout" in text and "Stichting Kompas Jeugdhulp" in text
    assert "€ 11.691,60" in text and "1 februari 2026" in text
    assert "Uniform format Regio WBO Jeugd" in text


def test_invalid_input_keeps_form_and_gives_dutch_messages(client, kompas, maatwerk_code):
    f.login(client, f.user("municipality"))
    data = _fix_decimal(_form(kompas, maatwerk_code, "pdf"))
    data.update(end="2026-01-01", units="-3")
    response = f.post(client, "/documenten/maatwerkformat", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "De einddatum moet na de ingangsdatum liggen." in html
    assert "Het aantal kan niet negatief zijn." in html
    assert "Plaatsing buiten de regio" in html  # input kept


def test_code_of_another_region_is_refused(client, kompas, maatwerk_code):
    f.region("e10")
    f.login(client, f.user("municipality", "e10", municipality_name="Helmond"))
    response = f.post(
        client, "/documenten/maatwerkformat", _fix_decimal(_form(kompas, maatwerk_code, "pdf"))
    )
    assert response.mimetype == "text/html"  # not a choice for this region: form error
    assert "Not a valid choice" in response.get_data(
        as_text=True
    ) or "geldige keuze" in response.get_data(as_text=True)


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
