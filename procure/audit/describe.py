"""Audit events as sentences a civil servant reads: who did what to which object, and which
field went from what to what. The stored codes and JSON stay as they are (the log is
append-only); only their presentation changes."""

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.core import formatting as fmt

# The first part of an action code ("product" in "product.created"): what was changed.
SUBJECTS = {
    "api_token": _l("een API-token"),
    "clause": _l("een clausule"),
    "code_translations": _l("de vertaaltabel"),
    "consultation": _l("een marktconsultatie"),
    "contract": _l("een contract"),
    "document": _l("een document"),
    "maatwerk_code": _l("een maatwerkcode"),
    "measure": _l("een maatregel"),
    "missing_care": _l("een melding van ontbrekend zorgaanbod"),
    "municipality": _l("een gemeente"),
    "open_house": _l("een open house"),
    "pdc": _l("de productcatalogus"),
    "product": _l("een product"),
    "provider": _l("een aanbieder"),
    "region": _l("de regio"),
    "reminders": _l("herinneringen"),
    "signal": _l("een signaal"),
    "tariff": _l("een tarief"),
    "tariffs": _l("tarieven"),
    "task_area": _l("een taakgebied"),
    "tender": _l("een aanbesteding"),
    "user": _l("een gebruiker"),
}

# The second part: what happened. Verbs for the common endings, sentences for the rest.
VERBS = {
    "created": _l("maakte %(subject)s aan"),
    "updated": _l("wijzigde %(subject)s"),
    "changed": _l("wijzigde %(subject)s"),
    "removed": _l("verwijderde %(subject)s"),
    "deactivated": _l("zette %(subject)s op inactief"),
    "activated": _l("activeerde %(subject)s"),
    "status": _l("wijzigde de status van %(subject)s"),
    "state": _l("wijzigde de status van %(subject)s"),
    "generated": _l("genereerde %(subject)s"),
    "imported": _l("importeerde %(subject)s"),
    "indexed": _l("indexeerde %(subject)s"),
    "versioned": _l("maakte een nieuwe versie van %(subject)s"),
    "fixed": _l("stelde %(subject)s vast"),
    "expired": _l("liet %(subject)s vervallen"),
    "published": _l("publiceerde %(subject)s"),
    "closed": _l("sloot %(subject)s"),
    "saved": _l("sloeg %(subject)s op"),
    "revoked": _l("trok %(subject)s in"),
}
SENTENCES = {
    "user.logged_in": _l("logde in"),
    "user.role_changed": _l("wijzigde de rol van een gebruiker"),
    "user.password_reset": _l("stelde een nieuw wachtwoord in voor een gebruiker"),
    "document.choices_changed": _l("wijzigde de keuzes van een document"),
    "document.signed_uploaded": _l("uploadde een ondertekend document"),
    "signal.logged": _l("registreerde een signaal"),
    "signal.triaged": _l("beoordeelde een signaal (triage)"),
    "signal.assigned": _l("wees een signaal toe"),
    "signal.handed_over": _l("droeg een signaal over"),
    "signal.reopened": _l("heropende een signaal"),
    "signal.note_added": _l("voegde een notitie toe aan een signaal"),
    "signal.follow_up": _l("legde een vervolgactie vast bij een signaal"),
    "measure.imposed": _l("legde een maatregel op"),
    "measure.completed": _l("rondde een maatregel af"),
    "measure.dropped": _l("liet een maatregel vallen"),
    "tender.registered": _l("schreef zich in op een aanbesteding"),
    "tender.bid_submitted": _l("diende een inschrijving in"),
    "tender.bid_replaced": _l("verving een inschrijving"),
    "tender.bid_scored": _l("beoordeelde een inschrijving"),
    "tender.decision": _l("legde een gunningsbeslissing vast"),
    "tender.question_asked": _l("stelde een vraag in de nota van inlichtingen"),
    "tender.question_answered": _l("beantwoordde een vraag in de nota van inlichtingen"),
    "open_house.application_submitted": _l("diende een aanvraag in voor een open house"),
    "open_house.application_decided": _l("besliste over een aanvraag in een open house"),
    "open_house.application_scored": _l("beoordeelde een aanvraag in een open house"),
    "open_house.application_withdrawn": _l("trok een aanvraag in een open house in"),
    "open_house.contract_created": _l("maakte een contract aan vanuit een open house"),
    "contract.realisation": _l("legde realisatie vast bij een contract"),
    "contract.realisation_import": _l("importeerde realisatie bij een contract"),
    "finance.report_generated": _l("maakte een rapportage voor raad of management"),
    "contract.payment": _l("legde een betaling vast bij een contract"),
    "contract.reserve_drawn": _l("deed een onttrekking uit het ventiel van een contract"),
    "contract.budget": _l("wijzigde het budget van een contract"),
    "contract.meeting": _l("legde een contractgesprek vast"),
    "contract.product_added": _l("voegde een product toe aan een contract"),
    "contract.transition_set": _l("legde de overgangstermijn van een contract vast"),
    "contract.addendum_added": _l("legde een addendum bij een contract vast"),
    "contract.subcontractor_added": _l("voegde een onderaannemer toe aan een contract"),
    "contract.subcontractor_removed": _l("haalde een onderaannemer uit het register"),
    "consultation.question_added": _l("stelde een vraag in een marktconsultatie"),
    "consultation.document_added": _l("voegde een document toe aan een marktconsultatie"),
    "consultation.open": _l("opende een marktconsultatie voor de markt"),
    "consultation.answered": _l("beantwoordde een vraag in een marktconsultatie"),
    "consultation.outcome": _l("legde de uitkomst van een marktconsultatie vast"),
    "missing_care.reported": _l("meldde ontbrekend zorgaanbod"),
    "missing_care.withdrawn": _l("trok een melding van ontbrekend zorgaanbod in"),
    "missing_care.fed_consultation": _l(
        "nam meldingen van ontbrekend zorgaanbod mee in een marktconsultatie"
    ),
    "provider.heightened_supervision_started": _l("stelde verscherpt toezicht in"),
    "provider.heightened_supervision_ended": _l("beëindigde verscherpt toezicht"),
}

# Field names as the forms call them.
FIELDS = {
    "status": _l("status"),
    "state": _l("status"),
    "title": _l("titel"),
    "name": _l("naam"),
    "code": _l("code"),
    "price": _l("prijs"),
    "amount": _l("bedrag"),
    "value": _l("waarde"),
    "year": _l("jaar"),
    "role": _l("rol"),
    "email": _l("e-mailadres"),
    "active": _l("actief"),
    "unit": _l("eenheid"),
    "variant": _l("uitvoeringsvariant"),
    "valid_from": _l("geldig vanaf"),
    "valid_to": _l("geldig tot en met"),
    "start_date": _l("startdatum"),
    "end_date": _l("einddatum"),
    "version": _l("versie"),
    "description": _l("omschrijving"),
    "criteria": _l("criteria"),
    "task_area_id": _l("taakgebied"),
    "provider_id": _l("aanbieder"),
    "manager_id": _l("contractmanager"),
    "notice_months": _l("opzegtermijn (maanden)"),
    "optional_articles": _l("facultatieve artikelen"),
    "award_basis": _l("gunningsgrondslag"),
    "percentage": _l("percentage"),
    "reason": _l("reden"),
    "reference": _l("kenmerk"),
    "bid_deadline": _l("sluitingstermijn inschrijving"),
    "estimated_value": _l("geraamde waarde"),
    "locale": _l("taal"),
    "origin": _l("herkomst"),
    "municipality": _l("gemeente"),
    "municipality_id": _l("gemeente"),
    "provider": _l("aanbieder"),
    "contract": _l("contract"),
    "contract_id": _l("contract"),
    "kind": _l("soort"),
    "source": _l("bron"),
    "record_type": _l("soort record"),
    "tender_selection": _l("selectie in de aanbesteding"),
    "transition_until": _l("overgangstermijn tot en met"),
    "note": _l("toelichting"),
    "number": _l("nummer"),
    "subject": _l("onderwerp"),
    "agreed_on": _l("overeengekomen op"),
    "effective_on": _l("van kracht vanaf"),
    "document_id": _l("document"),
    "kvk_number": _l("KvK-nummer"),
    "work": _l("deel van de zorg"),
    "subcontractor_id": _l("onderaannemer"),
    "segment": _l("segment"),
    "file": _l("bestand"),
    "text": _l("tekst"),
    "question": _l("vraag"),
    "outcome": _l("uitkomst"),
    "tender_id": _l("aanbesteding"),
    "period": _l("periode"),
    "theme": _l("thema"),
    "youngsters": _l("aantal jeugdigen"),
    "entries": _l("meldingen"),
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _value_labels() -> dict[str, str]:
    """Every stored code's label (the domains' mappings of codes to translated labels)."""
    import procure

    labels: dict[str, str] = {}
    for info in pkgutil.walk_packages(procure.__path__, "procure."):
        if not info.name.endswith(
            (".models", ".forms", ".states", ".policy", ".roles", ".clauses")
        ):
            continue
        module = importlib.import_module(info.name)
        for mapping in vars(module).values():
            if isinstance(mapping, dict) and mapping and all(map(_is_label, mapping.values())):
                labels.update({k: v for k, v in mapping.items() if isinstance(k, str)})
    return labels


def _is_label(value) -> bool:
    return isinstance(value, str) or type(value).__name__ == "LazyString"


_LABELS: dict | None = None


def _label_of(code: str):
    global _LABELS
    if _LABELS is None:
        _LABELS = _value_labels()
    return _LABELS.get(code)


def show_value(value) -> str:
    """A stored JSON value as the user reads it: labels for codes, Dutch numbers and dates."""
    if value is None or value == "" or value == []:
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, int | float | Decimal):
        return fmt.value(value)
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {show_value(v)}" for k, v in value.items())
    text = str(value)
    label = _label_of(text)
    if label is not None:
        return str(label)
    return _parsed(text)


def _parsed(text: str) -> str:
    """ISO dates and decimal strings (how the log stores them) in the reader's notation."""
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        return fmt.day(moment) if len(text) == 10 else fmt.moment(moment)
    if text.replace(".", "", 1).lstrip("-").isdigit():
        try:
            return fmt.number(Decimal(text))
        except InvalidOperation:
            return text
    return text


def field_label(key: str) -> str:
    label = FIELDS.get(key)
    if label is not None:
        return str(label)
    return key.removesuffix("_id").replace("_", " ")


_summaries: dict[tuple[str, str], str] = {}
_SUMMARIES_LIMIT = 5_000  # action codes are constants of the code; a bound in case


def summary(action: str, locale: str | None = None) -> str:
    """'maakte een product aan' for product.created (worked out once per locale and action:
    a list of audit events repeats the same few actions on every row). `locale`: the
    current one's name, when the caller has it already."""
    key = (locale or str(get_locale()), action)
    found = _summaries.get(key)
    if found is None:
        found = _summary(action)
        if len(_summaries) >= _SUMMARIES_LIMIT:
            _summaries.clear()
        _summaries[key] = found
    return found


def _summary(action: str) -> str:
    if action in SENTENCES:
        return str(SENTENCES[action])
    subject_code, _dot, verb_code = action.partition(".")
    subject = str(SUBJECTS.get(subject_code, _("een gegeven")))
    for ending, sentence in VERBS.items():
        if verb_code == ending or verb_code.endswith("_" + ending):
            return str(sentence) % {"subject": subject}
    return _("wijzigde %(subject)s", subject=subject)


def changes(event) -> list[Change]:
    """Field by field: what a value was and what it became (new fields: old is empty)."""
    old = event.old_values if isinstance(event.old_values, dict) else {}
    new = event.new_values if isinstance(event.new_values, dict) else {}
    result = []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) == new.get(key) and key in old and key in new:
            continue
        result.append(
            Change(
                field_label(key),
                show_value(old.get(key)) if key in old else "",
                show_value(new.get(key)) if key in new else "",
            )
        )
    return result


def describe(event, locale: str | None = None) -> str:
    """'Jan de Vries maakte een product aan (41A14, versie 1) op 01-12-2026 14:30.'"""
    who = event.actor_label or _("het systeem")
    if who == "systeem":
        who = _("het systeem")
    return f"{who} {summary(event.action, locale)}"


def init_app(app) -> None:
    app.jinja_env.globals.update(audit_sentence=describe, audit_changes=changes)
