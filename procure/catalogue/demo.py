"""Demo catalogue: the seed PDC in pdc/ for Regio WBO Jeugd (with its translation table) and
the same cards for Een 10 voor de Jeugd and Samen voor Jeugd (whose municipalities write
custom contracts and need custom-care codes). Idempotent."""

from sqlalchemy import func, select

from procure import PROJECT_ROOT
from procure.catalogue.models import Product
from procure.catalogue.operations import derive_maatwerk_codes
from procure.catalogue.pdcfiles import import_directory
from procure.extensions import db
from procure.organisations.models import Region

PDC_DIR = PROJECT_ROOT / "pdc"
DEMO_REGIONS = ("wbo", "e10", "svj")


def load() -> None:
    for code in DEMO_REGIONS:
        region = db.session.execute(select(Region).where(Region.short_code == code)).scalar()
        if region is None:
            continue
        has_cards = db.session.execute(
            select(func.count(Product.id)).where(Product.region_id == region.id)
        ).scalar_one()
        if not has_cards:
            import_directory(PDC_DIR, code, with_translations=code == "wbo")
        derive_maatwerk_codes(region.id)
