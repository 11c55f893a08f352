"""Reading generated documents back as a reader sees them: PDF with pypdf, Word with
python-docx, both as one text without the running header and footer."""

import io
import re

from docx import Document
from pypdf import PdfReader

PAGE_NUMBER = re.compile(r"pagina \d+ van \d+")


def _running(line: str, running: list[str]) -> bool:
    """A running header or footer line: only the region, reference, title, page number."""
    rest = PAGE_NUMBER.sub(" ", line)
    for text in sorted(filter(None, running), key=len, reverse=True):
        rest = rest.replace(text, " ")
    return not rest.strip()


def pdf_text(data: bytes, running: list[str] = ()) -> str:
    """The PDF's words in reading order (layout mode: generated article and member numbers
    stand before their text), without the lines that repeat on every page."""
    reader = PdfReader(io.BytesIO(data))
    lines = [
        line
        for page in reader.pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
        if line.strip() and not _running(line, list(running))
    ]
    # a line broken after a hyphen ("GGZ-" / "behandeling") is one word
    return words(re.sub(r"(?<=\w-)\n\s*", "", "\n".join(lines)))


def docx_text(data: bytes) -> str:
    """The Word body in document order: paragraphs, and tables row by row."""
    doc = Document(io.BytesIO(data))
    parts = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(_node_text(block))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    parts.extend(_node_text(cell) for cell in row if cell.tag.endswith("}tc"))
    return words(" ".join(parts))


def _node_text(node) -> str:
    """A paragraph's runs joined as they print; a cell's paragraphs one after another."""
    paragraphs = (
        [node] if node.tag.endswith("}p") else [p for p in node.iter() if p.tag.endswith("}p")]
    )
    return " ".join("".join(_run_text(node) for node in p.iter()) for p in paragraphs)


def _run_text(node) -> str:
    tag = node.tag.rsplit("}", 1)[-1]
    if tag == "t":
        return node.text or ""
    return " " if tag in ("br", "tab", "cr") else ""


def words(text: str) -> str:
    """Whitespace as one space, none before punctuation (extractors differ there)."""
    return re.sub(r"\s+([,.;:)])", r"\1", re.sub(r"\s+", " ", text)).strip()


def docx_section(data: bytes):
    return Document(io.BytesIO(data)).sections[0]
