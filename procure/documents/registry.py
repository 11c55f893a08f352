"""Which documents exist for which record, and who may generate them.

A RecordType loads its record through the scope checks (404 outside the user's scope) and
offers document kinds, each with a builder turning the record into a DocumentSpec
(procure.documents.contexts and procure.documents.tender_contexts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import lazy_gettext as _l

from procure.auth.permissions import get_scoped_or_404
from procure.auth.roles import ADMIN, MUNICIPALITY, PROCUREMENT, REGION_STAFF
from procure.documents.policy import STAFF_WRITERS


@dataclass
class Kind:
    kind: str
    label: str
    build: Callable  # (record, **params) -> DocumentSpec
    params: list[dict] = field(default_factory=list)  # e.g. letters per provider
    staff_only: bool = False  # letters: only region staff preview and generate them


@dataclass
class RecordType:
    name: str
    label: str
    model: Callable  # () -> model class (imported lazily)
    kinds: Callable  # (record) -> list[Kind]
    title: Callable  # (record) -> str
    back: Callable | None = None  # (record) -> url
    writers: Callable | None = None  # (record, user) -> bool
    # (record_id) -> record or 404, when the domain adds rules on top of the model's Scope.
    loader: Callable | None = None

    def kinds_for(self, record, user) -> list[Kind]:
        return [k for k in self.kinds(record) if not k.staff_only or user.role in REGION_STAFF]

    def load(self, record_id: int):
        if self.loader is not None:
            return self.loader(record_id)
        return get_scoped_or_404(self.model(), record_id)

    def can_generate(self, record, user) -> bool:
        if self.writers is not None:
            return self.writers(record, user)
        return user.role in STAFF_WRITERS


REGISTRY: dict[str, RecordType] = {}


def register(rt: RecordType) -> RecordType:
    REGISTRY[rt.name] = rt
    return rt


def _url(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except Exception:  # the other domain's page may not exist (yet)
        return None


# -- contract ------------------------------------------------------------------------------


def _contract_model():
    from procure.contracts.models import Contract

    return Contract


def _contract_kinds(contract) -> list[Kind]:
    from procure.documents.contexts import contract_spec

    if contract.origin == "custom":
        return [
            Kind(
                "custom_contract",
                _l("Maatwerkovereenkomst (PDF en Word)"),
                lambda c, **_: contract_spec(c),
            )
        ]
    return [Kind("contract", _l("Overeenkomst"), lambda c, **_: contract_spec(c))]


def _contract_writers(contract, user) -> bool:
    if user.role in STAFF_WRITERS:
        return True
    # a municipality generates its own custom contracts (scope already checked)
    return (
        user.role == MUNICIPALITY
        and contract.origin == "custom"
        and contract.municipality_id == user.municipality_id
    )


def _load_contract(record_id: int):
    from procure.contracts.queries import get_visible_or_404

    return get_visible_or_404(record_id)


register(
    RecordType(
        "contract",
        _l("Contract"),
        _contract_model,
        _contract_kinds,
        loader=_load_contract,
        title=lambda c: f"{c.reference} {c.title}".strip(),
        back=lambda c: _url("contracts.detail", contract_id=c.id) or _url("contracts.index"),
        writers=_contract_writers,
    )
)


# -- catalogue -----------------------------------------------------------------------------


def _product_model():
    from procure.catalogue.models import Product

    return Product


def _product_kinds(product) -> list[Kind]:
    from procure.documents.catalogue_contexts import product_card_spec

    return [Kind("product_card", _l("Productkaart"), lambda p, **_: product_card_spec(p))]


def _load_product(record_id: int):
    from flask import abort
    from flask_login import current_user
    from sqlalchemy import select

    from procure.catalogue.models import Product
    from procure.catalogue.queries import visible
    from procure.extensions import db

    product = db.session.execute(
        visible(select(Product).where(Product.id == record_id), current_user)
    ).scalar()
    if product is None:
        abort(404)
    return product


register(
    RecordType(
        "product",
        _l("Productkaart"),
        _product_model,
        _product_kinds,
        loader=_load_product,
        title=lambda p: f"{p.code} {p.name} (versie {p.version})",
        back=lambda p: _url("catalogue.product", product_id=p.id) or _url("catalogue.index"),
        writers=lambda p, u: u.role in (ADMIN, PROCUREMENT),
    )
)


def _region_model():
    from procure.organisations.models import Region

    return Region


def _catalogue_kinds(region) -> list[Kind]:
    from procure.documents.catalogue_contexts import catalogue_spec

    return [Kind("catalogue", _l("Volledige productencatalogus"), lambda r, **_: catalogue_spec(r))]


register(
    RecordType(
        "catalogue",
        _l("Productencatalogus"),
        _region_model,
        _catalogue_kinds,
        title=lambda r: f"Productencatalogus {r.name}",
        back=lambda r: _url("catalogue.index"),
        writers=lambda r, u: u.role in (ADMIN, PROCUREMENT),
    )
)


# -- tenders and the open house ----------------------------------------------------------------


def _tender_model():
    from procure.tenders.models import Tender

    return Tender


def _tender_kinds(tender) -> list[Kind]:
    from procure.documents import tender_contexts as tc

    def doc(kind, label):
        return Kind(kind, label, lambda t, **_: tc.tender_document_spec(t, kind))

    def letters(kind, label, builder, recipients):
        return (
            [Kind(kind, label, builder, params=recipients, staff_only=True)] if recipients else []
        )

    if tender.procedure == "open_house":
        return [
            doc("admission_document", _l("Toelatingsdocument")),
            *letters(
                "admission_letter",
                _l("Toelatingsbrief"),
                tc.admission_letter_spec,
                tc.application_recipients(tender, "admitted"),
            ),
            *letters(
                "admission_rejection_letter",
                _l("Afwijzingsbrief aanvraag"),
                tc.admission_rejection_letter_spec,
                tc.application_recipients(tender, "rejected"),
            ),
        ]
    kinds = []
    if tender.procedure == "sas_dialogue":
        kinds += [
            doc("selection_document", _l("Selectiedocument")),
            doc("dialogue_document", _l("Dialoogdocument")),
        ]
    kinds.append(doc("bid_document", _l("Inschrijfdocument")))
    kinds += letters(
        "award_letter",
        _l("Gunningsbrief"),
        tc.award_letter_spec,
        tc.letter_recipients(tender, "award_letter"),
    )
    kinds += letters(
        "rejection_letter",
        _l("Afwijzingsbrief"),
        tc.rejection_letter_spec,
        tc.letter_recipients(tender, "rejection_letter"),
    )
    return kinds


def _tender_back(tender):
    if tender.procedure == "open_house":
        return _url("open_house.detail", tender_id=tender.id) or _url("tenders.index")
    return _url("tenders.detail", tender_id=tender.id) or _url("tenders.index")


def _load_tender(record_id: int):
    """Providers never see a tender (or open house) that is still in concept."""
    from flask import abort
    from flask_login import current_user

    from procure.auth.roles import PROVIDER

    tender = get_scoped_or_404(_tender_model(), record_id)
    if current_user.role == PROVIDER and tender.status == "concept":
        abort(404)
    return tender


register(
    RecordType(
        "tender",
        _l("Aanbesteding"),
        _tender_model,
        _tender_kinds,
        loader=_load_tender,
        title=lambda t: f"{t.reference} {t.title}",
        back=_tender_back,
        writers=lambda t, u: u.role in (ADMIN, PROCUREMENT),
    )
)
