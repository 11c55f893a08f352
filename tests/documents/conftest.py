"""Demo-like records for the document tests (seed data: Regio WBO Jeugd, Een 10 voor de Jeugd)."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from procure.catalogue.models import MaatwerkCode, Product, Tariff, TaskArea
from procure.contracts.models import Contract
from procure.extensions import db
from tests import factories as f


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[ \t]+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def wbo(app):
    region = f.region("wbo")
    region.address = "Claudius Prinsenlaan 10, 4811 DJ Breda"
    db.session.commit()
    return region


@pytest.fixture
def kompas(app):
    provider = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    provider.address = "Ginnekenweg 12, 4818 JD Breda"
    provider.agb_code = "98000001"
    provider.contact_name = "M. de Vries"
    db.session.commit()
    return provider


@pytest.fixture
def task_area(wbo):
    area = TaskArea(
        region_id=wbo.id,
        code="specialistisch",
        name="Specialistische en/of locatiegebonden jeugdhulp",
    )
    db.session.add(area)
    db.session.commit()
    return area


@pytest.fixture
def product(wbo, task_area):
    row = Product(
        region_id=wbo.id,
        code="45A53",
        name="Ambulante jeugdhulp specialistisch",
        task_area_id=task_area.id,
        variant="effort",
        unit="uur",
        status="vastgesteld",
        valid_from=date(2025, 1, 1),
    )
    db.session.add(row)
    db.session.flush()
    db.session.add(Tariff(product_id=row.id, year=2026, price=Decimal("97.43")))
    db.session.commit()
    return row


@pytest.fixture
def maatwerk_code(wbo, product):
    code = MaatwerkCode(
        region_id=wbo.id,
        code="M45A53",
        name="Maatwerk ambulant specialistisch",
        product_id=product.id,
        unit="uur",
    )
    db.session.add(code)
    db.session.commit()
    return code


def make_contract(
    region,
    provider,
    *,
    origin="lot_award",
    variant="effort",
    task_area=None,
    reference="WBO-C2026-0001",
    municipality=None,
    **extra,
) -> Contract:
    contract = Contract(
        reference=reference,
        title="Specialistische jeugdhulp perceel 1",
        region_id=region.id,
        provider_id=provider.id,
        origin=origin,
        variant=variant,
        start_date=date(2026, 1, 1),
        end_date=date(2028, 12, 31),
        status="concept",
        task_area_id=task_area.id if task_area else None,
        municipality_id=municipality.id if municipality else None,
        estimated_value=Decimal("1250000.00"),
    )
    for key, value in extra.items():
        setattr(contract, key, value)
    db.session.add(contract)
    db.session.commit()
    return contract


@pytest.fixture
def contract(wbo, kompas, task_area):
    return make_contract(wbo, kompas, task_area=task_area)


@pytest.fixture(autouse=True)
def _request_context(app):
    """Dutch messages (lazy strings) and url_for need a request context outside requests."""
    with app.test_request_context():
        yield
