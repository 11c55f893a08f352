"""The documents of a contract: the agreement (overeenkomst) from its tender or admission
and the custom-contract format, registered with procure.documents.registry from
procure.contracts.init_app. Figures come from the contract's own rows."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.auth.roles import MUNICIPALITY
from procure.catalogue.models import Product
from procure.contracts.models import Contract, ContractedProduct
from procure.contracts.queries import get_visible_or_404
from procure.documents.clauses import OPTIONAL_ARTICLES, OPTIONAL_LABELS
from procure.documents.contexts import (
    CustomFormat,
    DocumentSpec,
    choices_for,
    custom_format_spec,
    party_provider,
    party_region,
)
from procure.documents.formatting import (
    PROCEDURE_WORDS,
    VARIANT_WORDS,
    euro,
    long_date,
    short_date,
)
from procure.documents.library import ClauseRenderer
from procure.documents.policy import STAFF_WRITERS
from procure.documents.registry import Kind, RecordType, register, url_or_none
from procure.extensions import db


def procedure_type(contract) -> str:
    return {"lot_award": "tender", "open_house": "admission"}.get(contract.origin, "custom")


def tender_choices(contract, tender, choices) -> tuple[bool, str]:
    """(selection phase held?, "emvi" / "no_emvi") from the choices, else the tender."""
    selection = (
        choices.tender_selection
        if choices and choices.tender_selection is not None
        else (tender is None or tender.procedure == "sas_dialogue")
    )
    basis = choices.award_basis if choices and choices.award_basis else None
    if basis is None and tender is not None:  # named criteria with weights = EMVI
        basis = "emvi" if tender.criteria else "no_emvi"
    return selection, basis or "emvi"


def _clause_fields(contract, tender, notice_months) -> dict:
    region = contract.region
    task_area = contract.task_area
    municipality = contract.municipality
    if tender is not None:
        tender_text = f"{tender.reference} “{tender.title}”"
    else:
        # A contract from an earlier tender that is not in the app: name the procedure.
        tender_text = (
            "de toelatingsprocedure jeugdhulp"
            if contract.origin == "open_house"
            else f"de aanbesteding {task_area.name}"
            if task_area
            else "de aanbesteding"
        )
    return {
        "regio": region.name,
        "aanbieder": contract.provider.name,
        "gemeente": municipality.name if municipality else region.name,
        "contractnummer": contract.reference,
        "ingangsdatum": short_date(contract.start_date),
        "einddatum": short_date(contract.end_date),
        "uitvoeringsvariant": VARIANT_WORDS.get(contract.variant, contract.variant),
        "taakgebied": task_area.name if task_area else "jeugdhulp",
        "aanbesteding": tender_text,
        "opzegtermijn": str(notice_months),
    }


def _contracted_lines(contract) -> list:
    """The contract's product lines in three queries (no N+1 on products, tariffs, prices)."""
    return list(
        db.session.execute(
            select(ContractedProduct)
            .where(ContractedProduct.contract_id == contract.id)
            .options(
                selectinload(ContractedProduct.product).selectinload(Product.tariffs),
                selectinload(ContractedProduct.prices),
            )
        ).scalars()
    )


def _products(contract) -> list[dict]:
    rows = []
    year = contract.start_date.year
    for line in _contracted_lines(contract):
        product = line.product
        price = line.price_for(year)
        if price is None:
            tariff = next((t for t in product.tariffs if t.year == year), None)
            price = tariff.price if tariff else None
        rows.append(
            {
                "code": product.code,
                "name": product.name,
                "unit": product.unit or "—",
                "price": euro(price) if price is not None else "—",
            }
        )
    rows.sort(key=lambda r: r["code"])
    return rows


def _years(contract) -> list[dict]:
    return [
        {"year": y.year, "budget": euro(y.value), "reserve": euro(y.reserve) if y.reserve else "—"}
        for y in contract.years
    ]


def _options(contract) -> list[dict]:
    rows = [
        {"sequence": o.sequence, "months": o.months, "deadline": long_date(o.decision_deadline)}
        for o in contract.options
    ]
    if not rows and contract.tender is not None:
        tender = contract.tender
        for i in range(tender.extension_count or 0):
            rows.append(
                {
                    "sequence": i + 1,
                    "months": tender.extension_months,
                    "deadline": "uiterlijk zes maanden voor het einde van de looptijd",
                }
            )
    return rows


def _addenda(contract) -> list[dict]:
    """The addenda agreed so far: each one makes a new version of the document."""
    from procure.contracts.changes.operations import addenda_of

    return [
        {
            "number": a.number,
            "agreed_on": long_date(a.agreed_on),
            "effective_on": long_date(a.effective_on),
            "subject": a.subject,
            "body": a.body,
        }
        for a in addenda_of(contract.id)
    ]


def contract_spec(contract) -> DocumentSpec:
    if contract.origin == "custom":
        return custom_contract_spec(contract)
    region = contract.region
    tender, lot = contract.tender, contract.lot
    choices = choices_for("contract", contract.id)
    notice = (
        choices.notice_months if choices and choices.notice_months else contract.notice_months or 3
    )
    fields = _clause_fields(contract, tender, notice)
    clause = ClauseRenderer(region.id, fields)
    procedure = procedure_type(contract)
    selection, basis = tender_choices(contract, tender, choices)

    considerations = []
    if procedure == "tender":
        considerations.append(clause("consideration.procedure.tender"))
        if selection:
            considerations.append(clause("consideration.tender.selection"))
        considerations.append(clause(f"consideration.tender.{basis}"))
    else:
        considerations.append(clause("consideration.procedure.admission"))
    if f"consideration.variant.{contract.variant}" in clause.clauses:
        considerations.append(clause(f"consideration.variant.{contract.variant}"))

    chosen = set(choices.optional_articles if choices else [])
    optional = []
    for key in OPTIONAL_ARTICLES:
        if key in chosen:
            entry = clause(key)
            entry["applicable"] = True
        else:
            entry = {
                "key": key,
                "title": clause.clauses[key].title,
                "html": "",
                "applicable": False,
            }
        entry["label"] = OPTIONAL_LABELS[key]
        optional.append(entry)

    task_area = contract.task_area
    value = next(
        (v for v in (getattr(contract, "contract_value", None), contract.estimated_value) if v),
        None,
    )
    context = {
        "contract": {
            "reference": contract.reference,
            "title": contract.title or "Overeenkomst jeugdhulp",
            "start": long_date(contract.start_date),
            "end": long_date(contract.end_date),
            "start_short": short_date(contract.start_date),
            "variant": contract.variant,
            "variant_words": VARIANT_WORDS.get(contract.variant, contract.variant),
            "task_area": task_area.name if task_area else "jeugdhulp",
            "value": euro(value) if value else None,
            "notice_months": notice,
            "notes": contract.notes or "",
            "status": contract.status,
        },
        "procedure": procedure,
        "selection": selection,
        "award_basis": basis,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "procedure": PROCEDURE_WORDS.get(tender.procedure, tender.procedure),
        }
        if tender
        else None,
        "lot": {"number": lot.number, "name": lot.name} if lot else None,
        "client": party_region(region),
        "provider": party_provider(contract.provider),
        "considerations": considerations,
        "optional_articles": optional,
        "products": _products(contract),
        "years": _years(contract),
        "options": _options(contract),
        "addenda": _addenda(contract),
    }
    return DocumentSpec(
        kind="contract",
        template="documents/contract.html",
        record_type="contract",
        record_id=contract.id,
        region_id=region.id,
        municipality_id=contract.municipality_id,
        provider_id=contract.provider_id,
        title=f"Overeenkomst {contract.reference}",
        reference=contract.reference,
        author=region.name,
        subject=f"Overeenkomst jeugdhulp tussen {region.name} en {contract.provider.name}",
        created=contract.start_date,
        context=context,
        clause_versions=clause.used,
        filename=f"overeenkomst-{contract.reference}",
    )


def custom_format_from_contract(contract) -> CustomFormat:
    return CustomFormat(
        region=contract.region,
        municipality=contract.municipality,
        provider=contract.provider,
        code=contract.maatwerk_code,
        unit_price=contract.custom_unit_price,
        units=contract.custom_units,
        start=contract.start_date,
        end=contract.end_date,
        justification=contract.justification or "",
        reference=contract.reference,
        created=contract.start_date,
    )


def custom_contract_spec(contract) -> DocumentSpec:
    return custom_format_spec(custom_format_from_contract(contract), record_id=contract.id)


# -- the record type ---------------------------------------------------------------------


def _contract_kinds(contract) -> list[Kind]:
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


register(
    RecordType(
        "contract",
        _l("Contract"),
        lambda: Contract,
        _contract_kinds,
        loader=get_visible_or_404,
        title=lambda c: f"{c.reference} {c.title}".strip(),
        back=lambda c: (
            url_or_none("contracts.detail", contract_id=c.id) or url_or_none("contracts.index")
        ),
        writers=_contract_writers,
    )
)
