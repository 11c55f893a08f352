"""The custom-contract format as an editable Word document (python-docx): municipalities
edit and sign these themselves. Written from the same content model as the PDF
(documents/custom_model.py): same articles, members, numbering, table and parties, on
A4 with the PDF's running header and page-numbered footer."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from procure.documents.custom_model import (
    BLANK,
    article_heading,
    custom_contract_model,
    member_number,
)


def _page_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) so the footer counts pages as the PDF does."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _a4_with_header_and_footer(doc, header_text: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    header = section.header.paragraphs[0]
    header.text = header_text
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("pagina ")
    _page_field(footer, "PAGE")
    footer.add_run(" van ")
    _page_field(footer, "NUMPAGES")


def _properties(doc, ctx: dict, model: dict, created) -> None:
    props = doc.core_properties
    props.title = f"Maatwerkovereenkomst {ctx.get('reference') or ''}".strip()
    props.author = ctx["client"]["name"] if ctx["client"].get("plain") else ctx["region"]["name"]
    props.subject = f"Maatwerkovereenkomst jeugdhulp ({model['subtitle'].lower()})"
    props.language = "nl-NL"
    if created:
        moment = (
            created
            if isinstance(created, datetime)
            else datetime.combine(
                created if isinstance(created, date) else date(2025, 1, 1), time(12, 0)
            )
        )
        props.created = moment.replace(tzinfo=None)
        props.modified = moment.replace(tzinfo=None)


def build_custom_docx(ctx: dict, *, created=None) -> bytes:
    model = ctx.get("model") or custom_contract_model(ctx)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(10.5)
    _properties(doc, ctx, model, created)
    _a4_with_header_and_footer(doc, model["header"])

    doc.add_heading(model["title"], level=0)
    doc.add_paragraph(model["subtitle"])
    if model["meta"]:
        meta = doc.add_table(rows=0, cols=2)
        for label, value in model["meta"]:
            cells = meta.add_row().cells
            cells[0].text, cells[1].text = label, value
    if model["note"]:
        doc.add_paragraph(model["note"])

    doc.add_heading("Partijen", level=1)
    for i, (lead, rest) in enumerate(model["parties"]):
        if i:
            doc.add_paragraph("en")
        paragraph = doc.add_paragraph()
        paragraph.add_run(lead).bold = True
        paragraph.add_run(rest)

    doc.add_heading("Overwegingen", level=1)
    for letter, text in zip("abcdefghij", model["considerations"], strict=False):
        doc.add_paragraph(f"{letter}. {text}")
    doc.add_paragraph(model["agreed"])

    for number, article in enumerate(model["articles"], start=1):
        doc.add_heading(article_heading(number, article), level=2)
        if article.get("table"):
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in article["table"]:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        for index, text in enumerate(article.get("members") or [], start=1):
            doc.add_paragraph(f"{member_number(number, index)} {text}")
        if article.get("text"):
            doc.add_paragraph(article["text"])

    doc.add_heading("Ondertekening", level=1)
    lines = model["signature_lines"]
    sign = doc.add_table(rows=1 + len(lines), cols=len(model["signatures"]))
    for column, (title, name) in enumerate(model["signatures"]):
        sign.cell(0, column).text = f"{title}\n{name}".strip()
        for row, label in enumerate(lines, start=1):
            sign.cell(row, column).text = f"{label}: {BLANK}"

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
