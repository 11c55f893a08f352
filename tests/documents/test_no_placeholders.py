"""No generated document holds a placeholder: every document kind of the demo (found
through the documents registry), read back as its reader gets it (PDF with pypdf, Word
with python-docx), names its parties from the records; where a record lacks a detail the
document says so in words; a lumpsum contract says nothing of invoicing per young person.
"""

import re

from sqlalchemy import select

from procure.contracts.models import Contract
from procure.core.timeutil import today_local
from procure.documents import operations as ops
from procure.documents.custom_model import BLANK
from procure.extensions import db
from procure.finance import reports
from procure.organisations.models import Region
from tests.documents.demo_kinds import demo_renders
from tests.documents.extract import docx_text, pdf_text

# pattern -> what it means; each was once printed in a generated document
PLACEHOLDERS = {
    r"Contactpersoon[^.]{0,160}\bis Contactpersoon": "a contact person that is a label",
    r"gevestigd te [^,;]*\d": "a street where the place of business belongs",
    r"gevestigd te [A-Z][a-z]+(straat|weg|laan|plein|singel)\b": "a street as the place",
    r"AGB-code\s*[—–,-]": "an AGB code without a number",
    r"KvK-nummer\s*[—–,-]": "a KvK number without a number",
    r"\bNone\b|\bnan\b|\bundefined\b": "a missing value printed as a word",
    r"\{\{|\}\}|\{%|%\}": "an unrendered template",
    r"(Kenmerk|kenmerk|Maatwerkovereenkomst)\s*:?\s*maatwerk\b": "'maatwerk' as a reference",
    r"Gemeente Gemeente": "a doubled 'Gemeente'",
    r"\b\d+\.\s*[,;]": "a party without a name",
}
# what a lumpsum (task-oriented) contract must not say
PER_YOUNG_PERSON = r"gemeente van de jeugdige|factureert per maand de geleverde jeugdhulp"


def problems(label: str, text: str, *, blank: bool = False, lumpsum: bool = False) -> list:
    found = [
        f"{label}: {meaning}: …{text[max(0, m.start() - 60) : m.end() + 30]}…"
        for pattern, meaning in PLACEHOLDERS.items()
        for m in re.finditer(pattern, text)
    ]
    # the parties of a contract, the addressee of a letter
    parties = re.search(r"Partijen(.*?)Overwegingen", text) or re.search(r"^(.*?)Onderwerp:", text)
    party_text = parties.group(1) if parties else ""
    if "—" in party_text or (BLANK in party_text and not blank):
        found.append(f"{label}: a dash or dots in the parties: {party_text[:300]}")
    if lumpsum and re.search(PER_YOUNG_PERSON, text):
        found.append(f"{label}: invoicing per young person in a lumpsum contract")
    return found


def _read_back(spec) -> list[tuple[str, str]]:
    texts = [("pdf", pdf_text(ops.render_spec(spec).pdf))]
    if (word := ops.docx_for(spec)) is not None:
        texts.append(("docx", docx_text(word)))
    return texts


def test_no_document_kind_of_the_demo_holds_a_placeholder(demo):
    found, kinds = [], set()
    for label, spec, pdf, word in demo_renders():
        lumpsum = spec.kind == "contract" and spec.context["contract"]["variant"] == "task"
        blank = spec.kind == "custom_contract" and spec.context.get("blank")
        texts = [("pdf", pdf_text(pdf))] + ([("docx", docx_text(word))] if word else [])
        for output, text in texts:
            found += problems(f"{label} ({output})", text, blank=blank, lumpsum=lumpsum)
        kinds.add(spec.kind)
    # the council report (finance) is generated outside the registry
    region = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar_one()
    period = reports.recent_periods(today_local())["raad"][0]
    start, end = reports.period_bounds("raad", period)
    report = reports.report_pdf(reports.build(region, "raad", period, start, end, None))
    found += problems("raadsrapportage", pdf_text(report.pdf))

    assert {"contract", "custom_contract", "product_card", "catalogue", "award_letter"} <= kinds
    assert not found, "\n".join(found)


def test_a_provider_without_details_is_named_in_words(demo):
    """A record that lacks a contact person, address, AGB code and KvK number: the contract
    and the custom contract say so in words chosen for it."""
    for origin in ("lot_award", "custom"):
        contract = db.session.execute(
            select(Contract).where(Contract.origin == origin).order_by(Contract.id)
        ).scalar()
        provider = contract.provider
        provider.contact_name = provider.address = provider.agb_code = None
        provider.kvk_number = ""
        db.session.flush()
        from procure.documents.registry import REGISTRY

        spec = REGISTRY["contract"].kinds(contract)[0].build(contract)
        for output, text in _read_back(spec):
            assert not problems(f"{origin} ({output})", text), text[:2000]
            assert "(KvK-nummer nog niet vastgelegd)" in text
            assert "nog niet vastgelegd adres" in text
            if origin != "custom":
                assert "de door opdrachtnemer aan te wijzen contactpersoon" in text
        db.session.rollback()


def test_the_check_catches_what_it_is_for():
    bad = (
        "Partijen 1. Regio, gevestigd te Hoofdstraat 1, Breda; 2. , AGB-code —, "
        "Overwegingen Contactpersoon van opdrachtnemer is Contactpersoon. Kenmerk: maatwerk "
        "None {{ x }} factureert per maand de geleverde jeugdhulp aan de gemeente van de jeugdige"
    )
    found = " ".join(problems("x", bad, lumpsum=True))
    for meaning in (
        "contact person",
        "a street where",
        "AGB code",
        "printed as a word",
        "unrendered",
        "as a reference",
        "without a name",
        "dash or dots",
        "lumpsum",
    ):
        assert meaning in found, meaning
    good = (
        "Partijen 1. Regio WBO Jeugd, gevestigd te Breda, Claudius Prinsenlaan 10 (4811 DJ "
        "Breda), ingeschreven onder nummer 76543210; 2. Kompas, AGB-code 98000001, "
        "Overwegingen opdrachtnemer factureert niet per jeugdige"
    )
    assert problems("y", good, lumpsum=True) == []
