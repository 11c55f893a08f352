"""Builders for open-house tests: the seed 003 open house for wonen met begeleiding (Regio WBO
Jeugd): contract from 1 January 2027, five years plus 2 x 1 year, four entry moments a year."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from procure.catalogue.models import Product, Tariff, TaskArea
from procure.extensions import db
from procure.tenders.open_house import operations as ops
from tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

PRODUCTS = [
    ("44A06", "Gezinshuis", "etmaal", Decimal("187.45")),
    ("44A07", "Kleinschalige woonvorm", "etmaal", Decimal("212.10")),
    ("44A08", "Kamertraining", "etmaal", Decimal("158.30")),
    ("45A46", "Begeleiding bij zelfstandig wonen", "uur", Decimal("78.96")),
]


def build_open_house(*, regime: str = "moments", publish: bool = True, officer=None):
    region = f.region("wbo")
    area = TaskArea(region_id=region.id, code="WMB", name="Wonen met begeleiding")
    db.session.add(area)
    db.session.flush()
    products = {}
    for code, name, unit, price in PRODUCTS:
        product = Product(
            region_id=region.id,
            code=code,
            name=name,
            task_area_id=area.id,
            variant="effort",
            unit=unit,
            status="vastgesteld",
            valid_from=date(2027, 1, 1),
        )
        db.session.add(product)
        db.session.flush()
        db.session.add(Tariff(product_id=product.id, year=2027, price=price))
        products[code] = product
    db.session.commit()
    tender = ops.create_open_house(
        region=region,
        reference="WBO-OH-2027",
        title="Wonen met begeleiding",
        contract_start=date(2027, 1, 1),
        duration_months=60,
        extension_count=2,
        extension_months=12,
        variant="effort",
        task_area_id=area.id,
        entry_regime=regime,
        entry_months="1,4,7,10",
        officer_id=officer.id if officer else None,
    )
    gezinshuis = ops.add_category(
        tender, code="GH", name="Gezinshuiszorg", product_ids=[products["44A06"].id]
    )
    wonen = ops.add_category(
        tender,
        code="KW",
        name="Kleinschalig wonen en kamertraining",
        product_ids=[products["44A07"].id, products["44A08"].id, products["45A46"].id],
    )
    req1 = ops.add_requirement(
        tender,
        text="Ingeschreven in het Landelijk Register Kinderopvang / KvK en AGB-code aanwezig.",
    )
    req2 = ops.add_requirement(
        tender, text="Kwaliteitskeurmerk (HKZ of gelijkwaardig).", requires_document=True
    )
    if publish:
        ops.publish(tender, actor=officer)
    return SimpleNamespace(
        region=region,
        area=area,
        products=products,
        tender=tender,
        gezinshuis=gezinshuis,
        wonen=wonen,
        req1=req1,
        req2=req2,
    )


class Upload:
    """A minimal FileStorage look-alike for operations called directly."""

    def __init__(self, data: bytes = PDF, filename: str = "keurmerk.pdf"):
        self.data, self.filename = data, filename

    def read(self) -> bytes:
        return self.data


def answers_for(oh):
    return {oh.req1.id: "KvK 41098765, AGB 98000001"}, {oh.req2.id: Upload()}


def apply(oh, provider, user=None, categories=None, now=None, **kwargs):
    answers, files = answers_for(oh)
    municipality_ids = kwargs.pop("municipality_ids", None) or [f.municipality("Breda").id]
    return ops.submit_application(
        oh.tender,
        provider=provider,
        user=user,
        category_ids=[c.id for c in (categories or [oh.gezinshuis])],
        municipality_ids=municipality_ids,
        answers=answers,
        files=files,
        now=now,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _request_context(request):
    """Operations called directly run inside a request context, as they do in the app (the
    locale selector of the foundation reads the session, which needs one)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.test_request_context():
        yield


@pytest.fixture
def oh(app):
    return build_open_house()
