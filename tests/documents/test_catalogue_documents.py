"""Product card and whole-catalogue PDFs."""

from datetime import date
from decimal import Decimal

from procure.catalogue.documents import catalogue_spec, product_card_spec
from procure.catalogue.models import Product, Tariff
from procure.documents import operations as ops
from procure.extensions import db
from tests.documents.conftest import flat, pdf_text


def test_product_card_pdf(product):
    product.description = "Specialistische ambulante behandeling van jeugdigen en gezinnen."
    db.session.add(Tariff(product_id=product.id, year=2027, price=Decimal("99.87")))
    db.session.commit()
    text = flat(pdf_text(ops.render_spec(product_card_spec(product)).pdf))
    assert "Productkaart 45A53" in text and "Ambulante jeugdhulp specialistisch" in text
    assert "productcategorie 45" in text and "inspanningsgericht" in text
    assert "2026 € 97,43" in text and "2027 € 99,87" in text
    assert "Specialistische en/of locatiegebonden jeugdhulp" in text
    assert "1 januari 2025" in text


def test_catalogue_pdf_lists_current_products_by_task_area(wbo, product, task_area):
    db.session.add_all(
        [
            Product(
                region_id=wbo.id,
                code="54001",
                name="Verblijf gezinshuis",
                task_area_id=task_area.id,
                variant="effort",
                unit="etmaal",
                status="vastgesteld",
                valid_from=date(2025, 1, 1),
            ),
            Product(
                region_id=wbo.id,
                code="42A05",
                name="Vervallen product",
                task_area_id=task_area.id,
                variant="effort",
                unit="uur",
                status="vervallen",
                valid_from=date(2020, 1, 1),
            ),
        ]
    )
    db.session.commit()
    spec = catalogue_spec(wbo)
    text = flat(pdf_text(ops.render_spec(spec).pdf))
    assert "Producten Diensten Catalogus" in text and "Regio WBO Jeugd" in text
    assert "45A53" in text and "54001 Verblijf gezinshuis" in text
    assert "€ 97,43" in text
    assert "Vervallen product" not in text
    assert spec.context["count"] == 2
