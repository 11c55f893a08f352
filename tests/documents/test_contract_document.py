"""The contract document: parties, amounts, dates, considerations per choice, optional
articles present or "n.v.t.", storage with fingerprints and clause versions."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts.documents import contract_spec
from procure.documents import operations as ops
from procure.documents.models import GeneratedDocument
from procure.extensions import db
from procure.tenders.models import Tender
from tests import factories as f
from tests.documents.conftest import flat, make_contract, pdf_text


def body_text(pdf: bytes) -> str:
    """The text after the table of contents (which repeats the article titles)."""
    text = flat(pdf_text(pdf))
    return text[text.index("Partijen 1.") :]


def test_contract_pdf_contains_parties_amounts_dates_and_optional_articles(contract):
    ops.set_choices(
        "contract",
        contract.id,
        region_id=contract.region_id,
        optional_articles=["optional.bibob", "optional.social_return"],
    )
    rendered = ops.render_spec(contract_spec(contract))
    text = body_text(rendered.pdf)
    assert "Regio WBO Jeugd" in text and "Stichting Kompas Jeugdhulp" in text
    assert "Altena, Breda, Drimmelen, Geertruidenberg en Oosterhout" in text
    assert "AGB-code 98000001" in text
    assert "€ 1.250.000,00" in text
    assert "1 januari 2026" in text and "31 december 2028" in text
    assert "Specialistische en/of locatiegebonden jeugdhulp" in text
    # chosen optional articles carry their text, the others keep their place with n.v.t.
    assert "Wet Bibob" in text and "social return" in text
    assert re.search(r"Artikel 5 Revisieclausule n\.v\.t\.", text)
    assert re.search(r"Artikel 6 Bestedingsruimte n\.v\.t\.", text)
    assert re.search(r"Artikel 9 Bibob-toets Opdrachtgever kan", text)
    assert re.search(r"Artikel 10 Social return Opdrachtnemer besteedt", text)
    assert "Artikel 11 Wijziging van de overeenkomst" in text  # numbering unchanged
    assert len(re.findall(r"n\.v\.t\.", text)) == 4  # the four articles not chosen
    assert "Deel 3 Algemene bepalingen" in text and "Ondertekening" in text
    # PDF metadata: title, author, subject, language, creation date from the record
    reader = PdfReader(BytesIO(rendered.pdf))
    info = reader.metadata
    assert info.title == "Overeenkomst WBO-C2026-0001"
    assert info.author == "Regio WBO Jeugd"
    assert "Stichting Kompas Jeugdhulp" in info.subject
    assert info["/CreationDate"].startswith("D:20260101")
    assert reader.trailer["/Root"]["/Lang"] == "nl"


def _considerations(contract) -> str:
    """The considerations as rendered into the document's HTML (the same HTML WeasyPrint
    turns into the PDF; read from HTML to keep these per-choice tests fast)."""
    html = ops.render_html_for(contract_spec(contract))
    text = flat(re.sub(r"<[^>]+>", " ", html))
    start = text.index("Partijen nemen het volgende in aanmerking")
    return text[start : text.index("Begripsbepalingen", start)]


def test_consideration_for_tender_procedure_with_selection_and_emvi(wbo, kompas, task_area):
    from procure.tenders.models import AwardCriterion

    tender = Tender(
        reference="WBO-2025-01",
        title="Specialistische jeugdhulp",
        region_id=wbo.id,
        procedure="sas_dialogue",
        variant="effort",
    )
    db.session.add(tender)
    db.session.flush()
    db.session.add(
        AwardCriterion(tender_id=tender.id, position=1, name="Kwaliteit", weight=Decimal("70"))
    )
    db.session.commit()
    contract = make_contract(wbo, kompas, task_area=task_area, tender_id=tender.id)
    text = _considerations(contract)
    assert "verlicht regime" in text and "WBO-2025-01" in text
    assert "selectiefase" in text
    assert "economisch meest voordelige inschrijving" in text
    assert "toelatingsprocedure" not in text


def test_consideration_for_tender_without_selection_and_without_emvi(wbo, kompas, task_area):
    tender = Tender(
        reference="WBO-2025-02",
        title="Zware zorg",
        region_id=wbo.id,
        procedure="sas_open",
        variant="task",
    )
    db.session.add(tender)
    db.session.commit()
    contract = make_contract(wbo, kompas, task_area=task_area, tender_id=tender.id, variant="task")
    # no award criteria on the tender: no EMVI (seed 004, heavy care)
    text = _considerations(contract)
    assert "zonder onderlinge rangschikking" in text
    assert "selectiefase" not in text
    assert "economisch meest voordelige" not in text
    assert "taakgerichte uitvoeringsvariant" in text


def test_consideration_for_admission_procedure(wbo, kompas, task_area):
    contract = make_contract(
        wbo, kompas, task_area=task_area, origin="open_house", variant="output"
    )
    text = _considerations(contract)
    assert "toelatingsprocedure (open house)" in text
    assert "verlicht regime" not in text and "gunningscriteria" not in text
    assert "outputgerichte uitvoeringsvariant" in text


@pytest.mark.parametrize(
    "variant,phrase",
    [
        ("effort", "inspanningsgerichte uitvoeringsvariant"),
        ("task", "taakgerichte uitvoeringsvariant"),
        ("output", "outputgerichte uitvoeringsvariant"),
    ],
)
def test_consideration_follows_execution_variant(wbo, kompas, task_area, variant, phrase):
    contract = make_contract(wbo, kompas, task_area=task_area, origin="open_house", variant=variant)
    spec = contract_spec(contract)
    keys = [c["key"] for c in spec.context["considerations"]]
    assert keys == ["consideration.procedure.admission", f"consideration.variant.{variant}"]
    assert phrase in spec.context["considerations"][-1]["html"]


def test_no_optional_article_chosen_gives_six_nvt(contract):
    text = flat(re.sub(r"<[^>]+>", " ", ops.render_html_for(contract_spec(contract))))
    body = text[text.index("Deel 1 Bepalingen voor alle aanbieders", text.index("Partijen 1.")) :]
    assert len(re.findall(r"n\.v\.t\.", body)) == 6
    assert "Wet Bibob" not in body and "Artikel" not in body  # numbers come from CSS


def test_generate_stores_document_with_fingerprints_and_audit(contract):
    user = f.user("procurement")
    doc = ops.generate(contract_spec(contract), actor=user)
    stored = db.session.get(GeneratedDocument, doc.id)
    assert stored.file.read()[:5] == b"%PDF-"
    import hashlib

    assert hashlib.sha256(stored.file.read()).hexdigest() == stored.sha256
    assert stored.kind == "contract" and stored.record_id == contract.id
    assert stored.generated_by_id == user.id and stored.pages >= 5
    assert stored.template_name == "documents/contract.html"
    assert stored.clause_versions["consideration.procedure.tender"] == 0
    assert len(stored.template_version) == 16 and len(stored.record_version) == 16
    event = db.session.execute(
        select(AuditEvent).filter_by(action="document.generated")
    ).scalar_one()
    assert event.new_values["sha256"] == stored.sha256
