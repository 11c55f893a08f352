"""The Word version of the custom contract is the PDF's contract: the same articles in the
same order with the same members and text, on A4 with a header and a page-numbered
footer (both are written from one content model)."""

import io
import re

from docx import Document
from pypdf import PdfReader

from tests import factories as f
from tests.documents.conftest import flat


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order (layout mode: by position on the page, so the
    generated article and member numbers stand before their text), without the running
    header and footer."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    running = r"^\s*(?:Regio WBO Jeugd|Maatwerkovereenkomst)?\s*(?:pagina \d+ van \d+)?\s*$"
    return "\n".join(line for line in text.splitlines() if not re.match(running, line))


def _download(client, kompas, maatwerk_code, output):
    form = {
        "provider_id": kompas.id,
        "code_id": maatwerk_code.id,
        "unit_price": "97.43",
        "units": "120",
        "start": "2026-02-01",
        "end": "2026-07-31",
        "justification": "Plaatsing buiten de regio wegens specifieke hulpvraag.",
        "output": output,
    }
    response = f.post(client, "/documenten/maatwerkformat", form)
    assert response.status_code == 200, response.status_code
    return response.data


def _word_articles(doc) -> list[str]:
    """Each article as one text: its heading, table cells and numbered members."""
    articles, current = [], None
    body = doc.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            if re.match(r"Artikel \d+ ", text):
                current = [text]
                articles.append(current)
            elif text.startswith("Ondertekening"):
                current = None
            elif current is not None and text:
                current.append(text)
        elif tag == "tbl" and current is not None:
            cells = [
                "".join(node.text or "" for node in cell.iter() if node.tag.endswith("}t"))
                for cell in block.iter()
                if cell.tag.endswith("}tc")
            ]
            current.extend(cells)
    return [flat(" ".join(parts)) for parts in articles]


def test_word_and_pdf_hold_the_same_articles_in_the_same_order(client, kompas, maatwerk_code):
    f.login(client, f.user("municipality", municipality_name="Breda"))
    word = Document(io.BytesIO(_download(client, kompas, maatwerk_code, "docx")))
    pdf = flat(pdf_text(_download(client, kompas, maatwerk_code, "pdf")))

    articles = _word_articles(word)
    assert [a.split(" ")[1] for a in articles] == ["1", "2", "3", "4"]
    assert len(re.findall(r"Artikel \d+ [A-Z]", pdf)) == len(articles)
    position = 0
    for article in articles:
        # every word of the article, in order, as the PDF prints it
        pattern = r"\s*".join(re.escape(word) for word in article.split(" "))
        found = re.compile(pattern).search(pdf, position)
        assert found, (article, pdf)
        position = found.end()
    assert "4.2 De aanbieder factureert maandelijks via het iJw-berichtenverkeer" in pdf
    assert "2.2 De prijs is inclusief alle kosten" in flat(" ".join(articles))

    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert "Maatwerkovereenkomst" in section.header.paragraphs[0].text
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    considerations = [p.text for p in word.paragraphs if re.match(r"[a-d]\. ", p.text)]
    assert len(considerations) == 4 and all(flat(c[3:])[:40] in pdf for c in considerations)


def test_parties_come_from_the_records_in_both_versions(client, kompas, maatwerk_code):
    f.login(client, f.user("municipality", municipality_name="Breda"))
    word = "\n".join(
        p.text
        for p in Document(io.BytesIO(_download(client, kompas, maatwerk_code, "docx"))).paragraphs
    )
    pdf = flat(pdf_text(_download(client, kompas, maatwerk_code, "pdf")))
    for text in (flat(word), pdf):
        assert "gevestigd te Breda, Ginnekenweg 12 (4818 JD Breda)" in text
        assert "AGB-code 98000001" in text and "—" not in text
