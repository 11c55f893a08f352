"""A long contract (page numbers, running header, table of contents) and deterministic output."""

import io
import re

from pypdf import PdfReader

from procure.contracts.documents import contract_spec
from procure.documents import operations as ops
from procure.documents.models import ClauseVersion
from procure.extensions import db
from tests import factories as f


def test_long_contract_has_page_x_of_y_header_and_toc_page_numbers(contract):
    ops.set_choices(
        "contract",
        contract.id,
        region_id=contract.region_id,
        optional_articles=["optional.revision"],
    )
    spec = contract_spec(contract)
    spec.context["products"] = [
        {
            "code": f"{40 + i % 15}A{i:02d}"[:5],
            "name": f"Jeugdhulpproduct nummer {i}",
            "unit": "uur",
            "price": f"€ {80 + i},00",
        }
        for i in range(220)
    ]
    rendered = ops.render_spec(spec)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    total = len(reader.pages)
    assert total == rendered.pages and total >= 12
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"pagina {number} van {total}" in text
        assert "Regio WBO Jeugd" in text and "WBO-C2026-0001" in text
    # the table of contents points at the real page of each part
    toc = re.sub(r"\s+", " ", reader.pages[0].extract_text() + reader.pages[1].extract_text())
    part3 = int(re.search(r"Deel 3 Algemene bepalingen \.+ (\d+)", toc).group(1))
    assert "Deel 3 Algemene bepalingen" in reader.pages[part3 - 1].extract_text()
    assert part3 > 8  # after the long product table
    assert re.search(r"Artikel 5 Revisieclausule \.+ \d+", toc)


def test_same_record_gives_identical_bytes_and_changes_are_traced(contract):
    user = f.user("contract_manager")
    first = ops.generate(contract_spec(contract), actor=user)
    second = ops.generate(contract_spec(contract), actor=user)
    assert first.sha256 == second.sha256
    assert first.file.read() == second.file.read()
    assert first.record_version == second.record_version

    # a new clause version changes the document and is recorded
    ops.save_clause(
        contract.region,
        "consideration.procedure.tender",
        title="Aanbesteding",
        body="de opdracht na een aanbesteding aan {{ aanbieder }} is gegund;",
        actor=user,
    )
    changed = contract_spec(contract)
    assert changed.clause_versions["consideration.procedure.tender"] == 1
    assert first.clause_versions["consideration.procedure.tender"] == 0
    assert changed.record_version != first.record_version
    assert "aanbesteding aan Stichting Kompas Jeugdhulp is gegund" in ops.render_html_for(changed)

    # a changed record changes the record fingerprint
    contract.end_date = contract.end_date.replace(year=2029)
    db.session.commit()
    assert contract_spec(contract).record_version != changed.record_version
    assert db.session.query(ClauseVersion).count() == 1
