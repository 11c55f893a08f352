"""The custom-contract format as an editable Word document (python-docx): municipalities
edit and sign these themselves. Same data and wording as the PDF template."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from docx import Document
from docx.shared import Pt

BLANK = "…………………………"


def _v(value) -> str:
    return value if value else BLANK


def build_custom_docx(ctx: dict, *, created=None) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(10.5)
    props = doc.core_properties
    props.title = f"Maatwerkovereenkomst {ctx.get('reference') or ''}".strip()
    props.author = ctx["client"]["name"] if ctx["client"].get("plain") else ctx["region"]["name"]
    props.subject = f"Maatwerkovereenkomst jeugdhulp (uniform format {ctx['region']['name']})"
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

    code = ctx.get("code") or {}
    provider = ctx["provider"]
    client = ctx["client"]
    client_name = client["name"] if client.get("plain") else f"Gemeente {BLANK}"

    doc.add_heading("Maatwerkovereenkomst jeugdhulp", level=0)
    doc.add_paragraph(f"Uniform format {ctx['region']['name']}")
    if ctx.get("reference"):
        doc.add_paragraph(f"Kenmerk: {ctx['reference']}")

    doc.add_heading("Partijen", level=1)
    doc.add_paragraph(
        f"1. {client_name}, namens deze het college van burgemeester en "
        "wethouders, hierna te noemen: de gemeente;"
    )
    doc.add_paragraph("en")
    doc.add_paragraph(
        f"2. {_v(provider.get('name'))}, ingeschreven in het Handelsregister "
        f"onder nummer {_v(provider.get('kvk'))}, AGB-code "
        f"{_v(provider.get('agb'))}, gevestigd te {_v(provider.get('address'))}, "
        "hierna te noemen: de aanbieder;"
    )

    doc.add_heading("Overwegingen", level=1)
    for text in (
        "de gemeente op grond van de Jeugdwet verantwoordelijk is voor passende jeugdhulp en "
        f"deze in beginsel inkoopt via de regionale overeenkomsten van {ctx['region']['name']};",
        "voor de betreffende jeugdige geen passende hulp beschikbaar is bij een gecontracteerde "
        "aanbieder, vanwege een plaatsing buiten de regio, een zeer specifieke hulpvraag of "
        "wachttijden;",
        f"de gemeenten van {ctx['region']['name']} voor deze situaties een uniform format en "
        "uniforme maatwerkcodes hanteren;",
    ):
        doc.add_paragraph(text, style="List Bullet")

    doc.add_heading("Artikel 1 Opdracht", level=1)
    derived = (
        f", afgeleid van productcode {code['product_code']} “{code['product_name']}”"
        if code.get("product_code")
        else ""
    )
    doc.add_paragraph(
        f"De aanbieder levert jeugdhulp onder maatwerkcode "
        f"{_v(code.get('code'))} ({_v(code.get('name'))}){derived}, "
        "uitsluitend op basis van een toewijzing door de gemeente."
    )

    doc.add_heading("Artikel 2 Prijs, omvang en looptijd", level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (
        ("Maatwerkcode", code.get("code")),
        ("Eenheid", code.get("unit")),
        ("Prijs per eenheid", ctx.get("unit_price")),
        ("Aantal eenheden", ctx.get("units")),
        ("Totaalbedrag (maximaal)", ctx.get("total")),
        ("Ingangsdatum", ctx.get("start")),
        ("Einddatum", ctx.get("end")),
    ):
        row = table.add_row().cells
        row[0].text = label
        row[1].text = _v(value)
    doc.add_paragraph(
        "De gemeente vergoedt uitsluitend de daadwerkelijk geleverde eenheden tot "
        "ten hoogste het totaalbedrag."
    )

    doc.add_heading("Artikel 3 Motivering", level=1)
    doc.add_paragraph(_v(ctx.get("justification")))

    doc.add_heading("Artikel 4 Voorwaarden", level=1)
    doc.add_paragraph(
        "Op deze overeenkomst zijn deel 3 (algemene bepalingen) van de regionale "
        f"overeenkomst jeugdhulp van {ctx['region']['name']} en de Producten "
        "Diensten Catalogus van overeenkomstige toepassing. Deze overeenkomst "
        "eindigt van rechtswege op de einddatum of eerder wanneer de toewijzing "
        "eindigt."
    )

    doc.add_heading("Ondertekening", level=1)
    sign = doc.add_table(rows=4, cols=2)
    sign.cell(0, 0).text = f"De gemeente\n{client_name}"
    sign.cell(0, 1).text = f"De aanbieder\n{_v(provider.get('name'))}"
    for i, label in enumerate(("Naam", "Functie", "Plaats en datum"), start=1):
        sign.cell(i, 0).text = f"{label}: {BLANK}"
        sign.cell(i, 1).text = f"{label}: {BLANK}"

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
