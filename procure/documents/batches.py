"""Document batches as background jobs: every document of one award (a tender and the
contracts it produced), of a region's contracts (optionally those running in a year), and
a year's letters. Each item generates one document through the registry, as the user who
started the batch: the same scope checks and rules as the "Genereren" button."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.core.errors import NotAllowed, ValidationFailed
from procure.documents import operations as doc_ops
from procure.documents.policy import (
    can_generate_award_batch,
    can_generate_region_contracts,
    can_generate_year_letters,
)
from procure.documents.registry import REGISTRY
from procure.jobs import operations as job_ops
from procure.jobs.kinds import JobKind, register

# -- the items -----------------------------------------------------------------------------


def _items_for(record_type: str, obj, user, *, only=None) -> list[dict]:
    rt = REGISTRY[record_type]
    items = []
    for kind in rt.kinds_for(obj, user):
        if only is not None and not only(kind.kind):
            continue
        for param in kind.params or [None]:
            label = f"{rt.title(obj)}: {kind.label}"
            if param:
                label += f" ({param['label']})"
            items.append(
                {
                    "record_type": record_type,
                    "record_id": obj.id,
                    "kind": kind.kind,
                    "param": param["value"] if param else None,
                    "label": label[:300],
                }
            )
    return items


def award_items(tender, user) -> list[dict]:
    from procure.contracts.queries import visible_contracts

    items = _items_for("tender", tender, user)
    for contract in visible_contracts(user, tender_id=tender.id):
        items += _items_for("contract", contract, user)
    return items


def region_contract_items(user, year: int | None = None) -> list[dict]:
    from procure.contracts.queries import visible_contracts

    items = []
    for contract in visible_contracts(user, running_in=year):
        items += _items_for("contract", contract, user)
    return items


def year_letter_items(user, year: int) -> list[dict]:
    from procure.tenders.queries import tenders_of_year

    items = []
    for tender in tenders_of_year(user, year):
        items += _items_for("tender", tender, user, only=lambda kind: kind.endswith("_letter"))
    return items


# -- one item --------------------------------------------------------------------------------


def run_item(item: dict, user) -> None:
    rt = REGISTRY[item["record_type"]]
    obj = rt.load(item["record_id"])  # 404 outside the user's scope
    if not rt.can_generate(obj, user):
        raise NotAllowed(_l("U mag dit document niet (meer) maken."))
    kind = next((k for k in rt.kinds_for(obj, user) if k.kind == item["kind"]), None)
    if kind is None:
        raise ValidationFailed(_l("Dit document hoort niet (meer) bij dit record."))
    params = {"param": item["param"]} if item.get("param") else {}
    doc_ops.generate(kind.build(obj, **params), actor=user)


def _documents_page(job) -> str:
    return url_for("documents.index")


for _name, _label in (
    ("award_documents", _l("Documenten van een gunning")),
    ("region_contract_documents", _l("Overeenkomsten van de regio")),
    ("year_letters", _l("Brieven van een jaar")),
):
    register(JobKind(_name, _label, run_item, result_url=_documents_page))


# -- starting a batch ------------------------------------------------------------------------


def start_award_batch(tender, user):
    if not can_generate_award_batch(user, tender):
        raise NotAllowed(_l("U mag de documenten van deze aanbesteding niet maken."))
    title = _("Documenten van %(tender)s", tender=f"{tender.reference} {tender.title}")
    return job_ops.submit(
        "award_documents",
        title[:300],
        award_items(tender, user),
        actor=user,
        region_id=tender.region_id,
    )


def start_region_contracts_batch(user, year: int | None):
    if not can_generate_region_contracts(user):
        raise NotAllowed(_l("U mag de overeenkomsten van de regio niet in één keer maken."))
    title = (
        _("Overeenkomsten van de regio, lopend in %(year)s", year=year)
        if year
        else _("Alle overeenkomsten van de regio")
    )
    return job_ops.submit(
        "region_contract_documents", title, region_contract_items(user, year), actor=user
    )


def start_year_letters_batch(user, year: int):
    if not can_generate_year_letters(user):
        raise NotAllowed(_l("U mag de brieven van de regio niet in één keer maken."))
    title = _("Brieven van %(year)s", year=year)
    return job_ops.submit("year_letters", title, year_letter_items(user, year), actor=user)
