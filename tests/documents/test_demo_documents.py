"""Every document type renders for the demo data of all domains (integration with the
catalogue, contract, tender and open-house models as they really are)."""

import re

from sqlalchemy import select

from procure.auth.models import User
from procure.contracts.models import Contract
from procure.documents import operations as ops
from procure.documents.registry import REGISTRY
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.tenders.models import Tender
from tests.documents.conftest import flat, pdf_text


def _text(html: str) -> str:
    return flat(re.sub(r"<[^>]+>", " ", html))


def test_every_document_type_renders_for_demo_data(demo):
    officer = db.session.execute(select(User).where(User.role == "procurement")).scalars().first()
    seen = set()
    records = []
    for origin in ("lot_award", "open_house", "custom"):
        contract = (
            db.session.execute(
                select(Contract).where(Contract.origin == origin).order_by(Contract.id)
            )
            .scalars()
            .first()
        )
        if contract is not None:
            records.append(("contract", contract))
    from procure.catalogue.models import Product

    product = db.session.execute(select(Product).order_by(Product.id)).scalars().first()
    records.append(("product", product))
    records.append(("catalogue", product and db.session.get(Region, product.region_id)))
    records += [("tender", t) for t in db.session.execute(select(Tender)).scalars()]

    for record_type, obj in records:
        assert obj is not None, record_type
        rt = REGISTRY[record_type]
        for kind in rt.kinds_for(obj, officer):
            for param in kind.params or [{"value": None}]:
                extra = {"param": param["value"]} if param["value"] else {}
                spec = kind.build(obj, **extra)
                text = _text(ops.render_html_for(spec))
                assert spec.title.split(" ")[0] in text or kind.kind.endswith("letter"), spec
                if spec.provider_id and kind.kind != "custom_contract":
                    name = db.session.get(Provider, spec.provider_id).name
                    assert name.replace("&", "&amp;") in text or name in text
                seen.add(kind.kind)
    assert {
        "contract",
        "custom_contract",
        "product_card",
        "catalogue",
        "selection_document",
        "dialogue_document",
        "bid_document",
        "admission_document",
        "award_letter",
        "rejection_letter",
        "admission_letter",
    } <= seen

    # and a real PDF of the demo custom contract (the format municipalities download)
    custom = next(obj for t, obj in records if t == "contract" and obj.origin == "custom")
    spec = REGISTRY["contract"].kinds_for(custom, officer)[0].build(custom)
    text = flat(pdf_text(ops.render_spec(spec).pdf))
    assert custom.reference in text and custom.provider.name in text
    assert f"Gemeente {custom.municipality.name}" in text
