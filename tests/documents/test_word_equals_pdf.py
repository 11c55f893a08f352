"""Every document offered as Word is its PDF: the same parties, considerations, articles
with their members and tables, in the same order with the same text, on A4 with a
running header and a page-numbered footer (both are written from one content model).

The kinds come from the documents registry over the demo, so a kind that starts to offer
a Word version is compared without touching this test."""

import difflib
import re

from procure.documents import operations as ops
from procure.documents.custom_model import BLANK
from tests.documents.demo_kinds import demo_renders
from tests.documents.extract import docx_section, docx_text, pdf_text

SIGNATURES = "Ondertekening"


def _difference(word: str, pdf: str) -> str:
    diff = difflib.unified_diff(word.split(" "), pdf.split(" "), "word", "pdf", n=4, lineterm="")
    return " ".join(list(diff)[:60])


def test_every_document_offered_as_word_equals_its_pdf(demo):
    compared = []
    for label, spec, pdf_bytes, docx in demo_renders():
        if docx is None:
            continue
        meta = ops.meta_for(spec)
        pdf = pdf_text(pdf_bytes, [meta.region_name, meta.reference, meta.title])
        word = docx_text(docx)

        # the body up to the signatures word for word; the signature table holds the
        # same words (Word reads it per cell, the PDF per line)
        word_body, _sep, word_signatures = word.partition(SIGNATURES)
        pdf_body, _sep, pdf_signatures = pdf.partition(SIGNATURES)
        assert word_body == pdf_body, (label, _difference(word_body, pdf_body))
        # (Word marks the lines to fill in with dots, the PDF draws them)
        word_signatures = word_signatures.replace(BLANK, " ")
        assert sorted(word_signatures.split()) == sorted(pdf_signatures.split()), (
            label,
            word_signatures,
            pdf_signatures,
        )
        articles = re.findall(r"Artikel (\d+) ", word_body)
        assert articles == [str(n) for n in range(1, len(articles) + 1)] and len(articles) >= 4
        assert re.search(r"\b4\.2 De aanbieder factureert", word_body), label
        assert re.search(r"\bd\. partijen", word_body), label  # consideration d

        section = docx_section(docx)
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert spec.reference in section.header.paragraphs[0].text
        footer = section.footer.paragraphs[0]._p.xml
        assert "PAGE" in footer and "NUMPAGES" in footer
        compared.append(label)
    kinds = " ".join(compared)
    assert "contract:" in kinds and "blank format" in kinds, compared
