"""Demo catalogue: every demo region its own PDC, from its own seed. Idempotent.

- Regio WBO Jeugd: the cards in pdc/ (the product codes of seed 003's translation table, with
  the table itself).
- Een 10 voor de Jeugd: the cards in pdc/e10/ (seed 001), grouped in the region's segments
  "1 verblijf" and "2 wonen" (named by the seed), "3" and "4" (the seed names segment 4 as
  the segment with the most providers and much custom care, not segment 3; their names here
  are invented), each with an account holder (seed 001: "accounthouders van de verschillende
  segmenten"). Seed-given: the verblijfsvoorkomende products MST, MDFT, IGT and IAG of
  segment 1, pleegzorg and gezinshuis in segment 2, the group product 41A03 "opgroeiproblematiek
  jonge kind", the two new SNO products from October 2025 with a parental contribution (the
  old SNO card ends on 30 September 2025), kleinschalig verblijf (a concept for 2026), vervoer
  and the FACT card developed in 2024. JeugdzorgPlus is outside the segments (bought through
  the DVO). Invented where the seed is silent: every tariff, the product codes other than
  41A03 (in the iJw style of the WBO cards: two digits for the category, three characters),
  the cards 40A01, 41A08, 44A05, 45A01, 45A02, 45A10 and 54010, and the account holders.
- Samen voor Jeugd: the seed (Meerjarenplan 2026-2029) has no product catalogue and no
  segments; pdc/svj/ is a small catalogue derived from what it says (kleinschalig verblijf,
  logeren and ambulante begeleiding/behandeling against out-of-home placement, Multi as one
  integrated package, the consultation function still being studied: a concept), from 2026,
  the first year of the plan. Codes, units and tariffs are invented.

Each region gets custom-care codes (MW + code) for its fixed cards.
"""

from sqlalchemy import func, select

from procure import PROJECT_ROOT
from procure.auth.models import User
from procure.catalogue import operations as ops
from procure.catalogue.models import Product, Segment
from procure.catalogue.operations import derive_maatwerk_codes
from procure.catalogue.pdcfiles import import_directory
from procure.extensions import db
from procure.organisations.models import Region

PDC_DIR = PROJECT_ROOT / "pdc"
# region -> (directory, with the translation table)
CATALOGUES = {
    "wbo": (PDC_DIR, True),
    "e10": (PDC_DIR / "e10", False),
    "svj": (PDC_DIR / "svj", False),
}
DEMO_REGIONS = tuple(CATALOGUES)
# Een 10 voor de Jeugd: segment -> account holder (users of procure.organisations.demo).
ACCOUNT_HOLDERS = {
    "1": "accounthouder-s1.e10@example.org",
    "2": "accounthouder-s2.e10@example.org",
    "3": "accounthouder-s3.e10@example.org",
    "4": "accounthouder-s4.e10@example.org",
}


def load() -> None:
    for code, (directory, with_translations) in CATALOGUES.items():
        region = db.session.execute(select(Region).where(Region.short_code == code)).scalar()
        if region is None:
            continue
        has_cards = db.session.execute(
            select(func.count(Product.id)).where(Product.region_id == region.id)
        ).scalar_one()
        if not has_cards:
            import_directory(directory, code, with_translations=with_translations)
        derive_maatwerk_codes(region.id)
        if code == "e10":
            _account_holders(region)


def _account_holders(region: Region) -> None:
    segments = db.session.execute(select(Segment).where(Segment.region_id == region.id))
    for segment in segments.scalars():
        email = ACCOUNT_HOLDERS.get(segment.code)
        user = db.session.execute(select(User).where(User.email == email)).scalar()
        if user is not None and segment.account_holder_id is None:
            ops.set_account_holder(segment, user_id=user.id)
