"""Demo of the missing-care survey of Een 10 voor de Jeugd (seed 001): twice a year the 11
access teams are asked which care they miss; in 2024 hoogbegaafdheid, echtscheiding,
gezinshuizen, moeder-kindhuizen, genderzorg and orthopsychiatrie were missed. The seed
names the themes, not the counts, so reports carry no number of youngsters. Gezinshuizen
and moeder-kindhuizen fed the market consultation of 2025 (procure.consultations.demo)."""

from datetime import datetime

from sqlalchemy import select

from procure.auth.models import User
from procure.consultations.models import MarketConsultation
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.missing_care import operations as ops
from procure.missing_care.models import MissingCareEntry
from procure.organisations.models import Municipality, Region

# Which access team reported which theme in which half-year of 2024 (a spread over the
# region's municipalities; each theme the seed names is reported in both half-years).
REPORTS = {
    (2024, 1): {
        "hoogbegaafdheid": ["Helmond", "Veldhoven", "Nuenen"],
        "echtscheiding": ["Helmond", "Geldrop-Mierlo"],
        "gezinshuizen": ["Helmond", "Deurne", "Gemert-Bakel", "Asten"],
        "moeder_kindhuizen": ["Helmond", "Veldhoven"],
        "genderzorg": ["Veldhoven", "Waalre"],
        "orthopsychiatrie": ["Helmond", "Someren"],
    },
    (2024, 2): {
        "hoogbegaafdheid": ["Son en Breugel", "Laarbeek"],
        "echtscheiding": ["Veldhoven", "Deurne", "Nuenen"],
        "gezinshuizen": ["Laarbeek", "Someren"],
        "moeder_kindhuizen": ["Geldrop-Mierlo"],
        "genderzorg": ["Helmond"],
        "orthopsychiatrie": ["Gemert-Bakel", "Asten"],
    },
}
DESCRIPTIONS = {
    "hoogbegaafdheid": "Geen passend aanbod voor hoogbegaafde jeugdigen die vastlopen op school.",
    "echtscheiding": "Geen aanbod voor kinderen in complexe echtscheidingen.",
    "gezinshuizen": "Geen vrije plek in een gezinshuis in of nabij de regio.",
    "moeder_kindhuizen": "Geen moeder-kindhuis voor een jonge moeder met haar baby.",
    "genderzorg": "Lange wachttijd voor genderzorg; geen alternatief in de regio.",
    "orthopsychiatrie": "Geen orthopsychiatrisch aanbod voor jeugdigen met een "
    "verstandelijke beperking en psychiatrische problematiek.",
}
# Reported in the month after each half-year, while that survey is gathered.
REPORTED_AT = {(2024, 1): datetime(2024, 7, 8, 10, 0), (2024, 2): datetime(2025, 1, 13, 10, 0)}
FED = ("gezinshuizen", "moeder_kindhuizen")
CONSULTATION_TITLE = "Marktconsultatie gezinshuizen en moeder-kindhuizen"


def load() -> None:
    region = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar()
    if region is None or db.session.execute(select(MissingCareEntry.id)).first():
        return
    users = {
        m.name: u
        for m, u in db.session.execute(
            select(Municipality, User)
            .join(User, User.municipality_id == Municipality.id)
            .where(Municipality.region_id == region.id, User.role == "municipality")
        ).all()
    }
    for (year, half), themes in REPORTS.items():
        moment = REPORTED_AT[(year, half)].replace(tzinfo=AMSTERDAM)
        for theme, names in themes.items():
            for name in names:
                if name in users:
                    ops.record_entry(
                        actor=users[name],
                        year=year,
                        half=half,
                        theme=theme,
                        description=DESCRIPTIONS[theme],
                        at=moment,
                    )
    _feed(region)


def _feed(region) -> None:
    consultation = db.session.execute(
        select(MarketConsultation).where(
            MarketConsultation.region_id == region.id,
            MarketConsultation.title == CONSULTATION_TITLE,
        )
    ).scalar()
    officer = db.session.execute(
        select(User).where(User.email == "procurement.e10@example.org")
    ).scalar()
    if consultation is None or officer is None:
        return
    for year, half in REPORTS:
        for theme in FED:
            ops.feed_consultation(
                region_id=region.id,
                year=year,
                half=half,
                theme=theme,
                consultation=consultation,
                actor=officer,
            )
