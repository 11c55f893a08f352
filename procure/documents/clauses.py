"""The editable clause library: considerations and optional articles of the contract.

Every region starts from the standard texts below (version 0). A procurement officer can
save a new version per region (procure.documents.operations.save_clause); documents use the
newest version and record which versions they used. Texts are sandboxed Jinja templates
that may use the fields in procure.documents.sandbox.ALLOWED_FIELDS.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StandardClause:
    key: str
    group: str  # "consideration" or "optional"
    label: str  # what the choice is, for the editor
    title: str
    body: str


STANDARD: list[StandardClause] = [
    # -- considerations by procedure type -----------------------------------------------
    StandardClause(
        "consideration.procedure.tender",
        "consideration",
        "Procedure: aanbesteding",
        "Aanbestedingsprocedure",
        "de gemeenten van {{ regio }} op grond van de Jeugdwet verantwoordelijk zijn voor het "
        "tijdig inzetten van passende jeugdhulp en deze jeugdhulp gezamenlijk inkopen; de "
        "opdracht is verleend na een aanbestedingsprocedure volgens het verlicht regime voor "
        "sociale en andere specifieke diensten (artikel 2.38 en 2.39 van de Aanbestedingswet "
        "2012), bekendgemaakt als {{ aanbesteding }};",
    ),
    StandardClause(
        "consideration.procedure.admission",
        "consideration",
        "Procedure: toelating (open house)",
        "Toelatingsprocedure",
        "de gemeenten van {{ regio }} jeugdhulp inkopen via een toelatingsprocedure (open "
        "house), waarbij iedere aanbieder die voldoet aan de vooraf bekendgemaakte "
        "toelatingseisen en minimumeisen tot de overeenkomst kan toetreden; er is geen sprake "
        "van een overheidsopdracht in de zin van de Aanbestedingswet 2012, omdat er geen "
        "selectie tussen aanbieders plaatsvindt; {{ aanbieder }} heeft een aanvraag tot "
        "toelating ingediend in het kader van {{ aanbesteding }} en is toegelaten;",
    ),
    # -- considerations by tender procedure ----------------------------------------------
    StandardClause(
        "consideration.tender.selection",
        "consideration",
        "Aanbesteding: selectie",
        "Selectie",
        "aan de gunning een selectiefase voorafging waarin geïnteresseerde aanbieders zich "
        "per perceel hebben aangemeld en zijn getoetst aan de geschiktheidseisen en "
        "uitsluitingsgronden uit het Selectiedocument; alleen geselecteerde aanbieders zijn "
        "toegelaten tot de dialoog- en gunningsfase;",
    ),
    StandardClause(
        "consideration.tender.emvi",
        "consideration",
        "Aanbesteding: gunning op EMVI",
        "Gunning op beste prijs-kwaliteitverhouding",
        "de opdracht is gegund op basis van de economisch meest voordelige inschrijving (beste "
        "prijs-kwaliteitverhouding), beoordeeld aan de hand van de in het Inschrijfdocument "
        "bekendgemaakte gunningscriteria en wegingsfactoren, en {{ aanbieder }} op deze criteria "
        "als (een van) de beste inschrijver(s) is beoordeeld;",
    ),
    StandardClause(
        "consideration.tender.no_emvi",
        "consideration",
        "Aanbesteding: gunning zonder EMVI",
        "Gunning zonder gunningscriteria",
        "de opdracht is gegund zonder onderlinge rangschikking op gunningscriteria: iedere "
        "geselecteerde aanbieder die een geldige inschrijving heeft ingediend en aan alle "
        "eisen voldoet, komt in aanmerking voor een overeenkomst tegen de vooraf door "
        "opdrachtgever vastgestelde tarieven of budgetten;",
    ),
    # -- considerations by execution variant ---------------------------------------------
    StandardClause(
        "consideration.variant.task",
        "consideration",
        "Uitvoeringsvariant: taakgericht",
        "Taakgericht (lumpsum)",
        "partijen kiezen voor de taakgerichte uitvoeringsvariant: opdrachtnemer ontvangt per "
        "contractjaar een vast budget (lumpsum) voor de opgedragen taak in het taakgebied "
        "{{ taakgebied }}, zonder verantwoording op het niveau van de individuele jeugdige, en "
        "verantwoordt zich over de resultaten in een periodieke verantwoordingsdialoog;",
    ),
    StandardClause(
        "consideration.variant.effort",
        "consideration",
        "Uitvoeringsvariant: inspanningsgericht",
        "Inspanningsgericht",
        "partijen kiezen voor de inspanningsgerichte uitvoeringsvariant: opdrachtnemer wordt "
        "per geleverde eenheid jeugdhulp bekostigd tegen de overeengekomen tarieven, binnen "
        "een jaarlijks budgetplafond, en levert uitsluitend op basis van een geldige "
        "toewijzing;",
    ),
    StandardClause(
        "consideration.variant.output",
        "consideration",
        "Uitvoeringsvariant: outputgericht",
        "Outputgericht",
        "partijen kiezen voor de outputgerichte uitvoeringsvariant: opdrachtnemer ontvangt per "
        "toegewezen traject een vooraf vastgesteld bedrag en is verantwoordelijk voor het "
        "bereiken van het in het perspectiefplan afgesproken resultaat;",
    ),
    # -- optional articles of part 1 -----------------------------------------------------
    StandardClause(
        "optional.revision",
        "optional",
        "Facultatief artikel: revisieclausule",
        "Revisieclausule",
        "Opdrachtgever kan gedurende de looptijd van deze overeenkomst de producten, tarieven "
        "en uitvoeringsvoorwaarden wijzigen op grond van gewijzigde wet- en regelgeving, "
        "gewijzigd beleid van de gemeenten van {{ regio }} of een wezenlijke verandering in de "
        "vraag naar jeugdhulp, mits de aard van de overeenkomst niet verandert.\n\n"
        "Een wijziging wordt ten minste drie maanden voor de ingangsdatum schriftelijk "
        "aangekondigd en vooraf besproken in het regionale aanbiedersoverleg. Opdrachtnemer "
        "kan de overeenkomst binnen één maand na de aankondiging opzeggen tegen de datum "
        "waarop de wijziging ingaat.",
    ),
    StandardClause(
        "optional.spending_room",
        "optional",
        "Facultatief artikel: bestedingsruimte",
        "Bestedingsruimte",
        "Opdrachtgever stelt per kalenderjaar een bestedingsruimte vast voor de jeugdhulp die "
        "opdrachtnemer op grond van deze overeenkomst levert. Opdrachtnemer bewaakt de "
        "uitnutting en meldt het zodra 80 procent van de bestedingsruimte is benut.\n\n"
        "Opdrachtgever is niet gehouden tot betaling van jeugdhulp boven de bestedingsruimte, "
        "tenzij hij vooraf schriftelijk heeft ingestemd met een verhoging. Een verhoging wordt "
        "vastgelegd in een besluit dat als bijlage bij deze overeenkomst wordt gevoegd.",
    ),
    StandardClause(
        "optional.insufficient_effort",
        "optional",
        "Facultatief artikel: ontbinding bij onvoldoende inspanning",
        "Beëindiging bij onvoldoende inzet",
        "Indien opdrachtnemer gedurende twaalf aaneengesloten maanden geen of nagenoeg geen "
        "jeugdhulp levert op grond van deze overeenkomst, kan opdrachtgever de overeenkomst "
        "met inachtneming van een opzegtermijn van {{ opzegtermijn }} maanden beëindigen, "
        "nadat opdrachtnemer in de gelegenheid is gesteld zijn zienswijze te geven.\n\n"
        "Lopende trajecten van jeugdigen worden in dat geval zorgvuldig afgerond of "
        "overgedragen volgens de bepalingen over continuïteit van zorg in deel 3.",
    ),
    StandardClause(
        "optional.age_18",
        "optional",
        "Facultatief artikel: 18-/18+",
        "Jeugdigen van 18 jaar en ouder (18-/18+)",
        "Opdrachtnemer zet de jeugdhulp na het achttiende jaar van de jeugdige voort wanneer "
        "dat op grond van artikel 1.1 van de Jeugdwet mogelijk is en de toegang dit heeft "
        "toegewezen, tot uiterlijk het drieëntwintigste jaar.\n\n"
        "Opdrachtnemer start uiterlijk wanneer de jeugdige zeventien en een half jaar oud is "
        "met de voorbereiding van de overgang naar volwassenenzorg en betrekt daarbij de "
        "gemeente, de jeugdige en diens netwerk.",
    ),
    StandardClause(
        "optional.bibob",
        "optional",
        "Facultatief artikel: Bibob-toets",
        "Bibob-toets",
        "Opdrachtgever kan voorafgaand aan en gedurende de looptijd van deze overeenkomst een "
        "onderzoek instellen op grond van de Wet bevordering integriteitsbeoordelingen door "
        "het openbaar bestuur (Wet Bibob). Opdrachtnemer verleent daaraan volledige "
        "medewerking en verstrekt binnen de gestelde termijn alle gevraagde gegevens.\n\n"
        "Indien uit het onderzoek een ernstig gevaar blijkt als bedoeld in de Wet Bibob, kan "
        "opdrachtgever de overeenkomst met onmiddellijke ingang ontbinden, zonder tot enige "
        "schadevergoeding gehouden te zijn.",
    ),
    StandardClause(
        "optional.social_return",
        "optional",
        "Facultatief artikel: social return",
        "Social return",
        "Opdrachtnemer besteedt een deel van de waarde van deze overeenkomst aan social "
        "return: het bieden van werk, stages of leerwerkplekken aan mensen met een afstand "
        "tot de arbeidsmarkt uit de gemeenten van {{ regio }}.\n\n"
        "Opdrachtnemer legt jaarlijks voor 1 april verantwoording af over de invulling van "
        "de social return in het voorgaande jaar; opdrachtgever kan daarover nadere afspraken "
        "maken in de verantwoordingsdialoog.",
    ),
]

BY_KEY = {clause.key: clause for clause in STANDARD}

# The optional articles of part 1, in their fixed numbered order.
OPTIONAL_ARTICLES = [c.key for c in STANDARD if c.group == "optional"]
OPTIONAL_LABELS = {
    "optional.revision": "Revisieclausule",
    "optional.spending_room": "Bestedingsruimte",
    "optional.insufficient_effort": "Beëindiging bij onvoldoende inzet",
    "optional.age_18": "18-/18+",
    "optional.bibob": "Bibob-toets",
    "optional.social_return": "Social return",
}
