"""The custom contract (maatwerkovereenkomst) as one content model, written out twice:
as HTML for the PDF (templates/documents/custom_contract.html) and as Word
(docx_format.py). Both read only this model, so a municipality that signs the Word
version signs the same articles, members, considerations and table as the PDF.

The model is plain data (dicts, lists, strings) like every document context, so it
hashes and serialises like the rest of the context.
"""

BLANK = "…………………………"  # a field to fill in by hand, the same in PDF and Word


def _v(value) -> str:
    return str(value) if value not in (None, "") else BLANK


def custom_contract_model(ctx: dict) -> dict:
    region = ctx["region"]["name"]
    code = ctx.get("code") or {}
    provider = ctx["provider"]
    client = ctx["client"]
    client_name = client["name"] if client.get("plain") else f"Gemeente {BLANK}"
    derived = (
        f", afgeleid van productcode {code['product_code']} “{code['product_name']}”"
        if code.get("product_code")
        else ""
    )
    agb = f", AGB-code {provider['agb']}" if provider.get("agb") else f", AGB-code {BLANK}"
    if provider.get("name") and not provider.get("agb"):
        agb = ""  # a provider without an AGB code: the phrase is left out, not dashed
    provider_seat = provider.get("seat") or f"gevestigd te {BLANK}"
    meta = [
        ("Kenmerk", ctx.get("reference") or ""),
        ("Gemeente", client.get("plain") or ""),
        ("Aanbieder", provider.get("name") or ""),
        ("Maatwerkcode", f"{code['code']} {code['name']}" if code else ""),
    ]
    return {
        "title": "Maatwerkovereenkomst jeugdhulp",
        "subtitle": f"Uniform format {region}",
        "header": f"{region} · Maatwerkovereenkomst {ctx.get('reference') or ''}".strip(),
        "meta": [[label, value] for label, value in meta if value],
        "note": (
            "Dit is het lege format. Vul alle velden in; de gemeente ondertekent na akkoord "
            "van de aanbieder."
        )
        if ctx.get("blank")
        else "",
        "parties": [
            [
                f"1. {client_name}",
                ", namens deze het college van burgemeester en wethouders, hierna te "
                "noemen: de gemeente;",
            ],
            [
                f"2. {_v(provider.get('name'))}",
                f", ingeschreven in het Handelsregister onder nummer "
                f"{_v(provider.get('kvk'))}{agb}, {provider_seat}, hierna te noemen: "
                "de aanbieder;",
            ],
        ],
        "considerations": [
            "de gemeente op grond van de Jeugdwet verantwoordelijk is voor passende jeugdhulp "
            f"en deze in beginsel inkoopt via de regionale overeenkomsten van {region};",
            "voor de betreffende jeugdige geen passende hulp beschikbaar is bij een "
            "gecontracteerde aanbieder, vanwege een plaatsing buiten de regio, een zeer "
            "specifieke hulpvraag of wachttijden;",
            f"de gemeenten van {region} voor deze situaties een uniform format en uniforme "
            "maatwerkcodes hanteren, afgeleid van de productcodes uit de Producten Diensten "
            "Catalogus;",
            "partijen hun afspraken over deze individuele inzet in deze "
            "maatwerkovereenkomst vastleggen,",
        ],
        "agreed": "en komen het volgende overeen:",
        "articles": [
            {
                "id": "art-opdracht",
                "title": "Opdracht",
                "members": [
                    f"De aanbieder levert jeugdhulp onder maatwerkcode {_v(code.get('code'))} "
                    f"({_v(code.get('name'))}){derived}.",
                    "De jeugdhulp wordt alleen geleverd op basis van een toewijzing door de "
                    "gemeente.",
                ],
            },
            {
                "id": "art-prijs",
                "title": "Prijs, omvang en looptijd",
                "table": [
                    ["Eenheid", _v(code.get("unit"))],
                    ["Prijs per eenheid", _v(ctx.get("unit_price"))],
                    ["Aantal eenheden", _v(ctx.get("units"))],
                    ["Totaalbedrag (maximaal)", _v(ctx.get("total"))],
                    ["Ingangsdatum", _v(ctx.get("start"))],
                    ["Einddatum", _v(ctx.get("end"))],
                ],
                "members": [
                    "De gemeente vergoedt uitsluitend de daadwerkelijk geleverde eenheden tot "
                    "ten hoogste het totaalbedrag. Een overschrijding vergt vooraf een "
                    "schriftelijke aanvulling op deze overeenkomst.",
                    "De prijs is inclusief alle kosten en, voor zover van toepassing, "
                    "vrijgesteld van btw.",
                ],
            },
            {
                "id": "art-motivering",
                "title": "Motivering",
                "text": _v(ctx.get("justification")),
            },
            {
                "id": "art-voorwaarden",
                "title": "Voorwaarden",
                "members": [
                    "Op deze overeenkomst zijn deel 3 (algemene bepalingen) van de regionale "
                    f"overeenkomst jeugdhulp van {region} en de Producten Diensten Catalogus "
                    "van overeenkomstige toepassing.",
                    "De aanbieder factureert maandelijks via het iJw-berichtenverkeer onder "
                    "vermelding van de maatwerkcode.",
                    "De aanbieder beschikt over een Verklaring Omtrent het Gedrag voor iedere "
                    "medewerker die met de jeugdige werkt en meldt calamiteiten onverwijld aan "
                    "de gemeente en de Inspectie Gezondheidszorg en Jeugd.",
                    "Deze overeenkomst eindigt van rechtswege op de einddatum of eerder wanneer "
                    "de toewijzing eindigt.",
                ],
            },
        ],
        "signatures": [
            ["De gemeente", client["name"] if client.get("plain") else ""],
            ["De aanbieder", provider.get("name") or ""],
        ],
        "signature_lines": ["Naam", "Functie", "Plaats en datum"],
    }


def article_heading(number: int, article: dict) -> str:
    return f"Artikel {number} {article['title']}"


def member_number(article_number: int, member_number: int) -> str:
    return f"{article_number}.{member_number}"
