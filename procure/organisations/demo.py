"""Demo organisations beyond the thirteen providers of procure.demo: a representative sample
of the more than 180 providers of Een 10 voor de Jeugd's agreement (seed 001), and the
account holders of its segments. Idempotent.

Invented where the seed is silent: the seed gives no provider names, so every name here is
fictional (not a real organisation); their KvK numbers lie in the range 9020 0001 - 9020 0099
and their AGB codes in 9820 0001 - 9820 0099, which no real registration uses in this demo.
The account holders are fictional staff of the region. Which segment each provider works in
follows the seed's picture: segment 4 (ambulant) has the most providers, segment 1
(verblijf) few and large ones (its strategic partners).
"""

from sqlalchemy import select

from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.auth.roles import CONTRACT_MANAGER, PROVIDER
from procure.demo import DEMO_PASSWORD
from procure.extensions import db
from procure.organisations.models import Provider, Region

KVK_BASE, AGB_BASE = 90200000, 98200000
# (short code, name, place, segments). Places are municipalities of Een 10 voor de Jeugd.
E10_PROVIDERS = [
    ("e10-eikenhof", "Stichting Jeugdzorg Eikenhof", "Helmond", ("1",)),
    ("e10-veldkamp", "Behandelcentrum Veldkamp", "Deurne", ("1",)),
    ("e10-kempenrand", "Kempenrand Jeugd en Gezin", "Veldhoven", ("1", "2")),
    ("e10-dommeldal", "Dommeldal Jeugdhulp", "Son en Breugel", ("1",)),
    ("e10-peelzicht", "Peelzicht Gezinshuizen", "Gemert-Bakel", ("2",)),
    ("e10-lindeboom", "Pleegzorg Lindeboom Zuidoost", "Helmond", ("2",)),
    ("e10-wilgenhoeve", "Gezinshuis De Wilgenhoeve", "Asten", ("2",)),
    ("e10-klimop", "Kamertraining Klimop", "Geldrop-Mierlo", ("2",)),
    ("e10-uilenest", "Woongroep Het Uilennest", "Someren", ("2",)),
    ("e10-speelhuis", "Dagbehandeling Het Speelhuis", "Helmond", ("3",)),
    ("e10-boomgaard", "Zorgboerderij De Boomgaard", "Laarbeek", ("3",)),
    ("e10-kwetternest", "SNO Het Kwetternest", "Nuenen", ("3",)),
    ("e10-zandloper", "Naschoolse Zorg De Zandloper", "Waalre", ("3",)),
    ("e10-rolstoelrit", "Zorgvervoer Rolstoelrit", "Deurne", ("3",)),
    ("e10-mozaiek", "Kinderdagcentrum Mozaïek", "Veldhoven", ("3", "4")),
    ("e10-kompasroos", "Praktijk Kompasroos", "Geldrop-Mierlo", ("4",)),
    ("e10-vlasakker", "Jeugdpraktijk Vlasakker", "Someren", ("4",)),
    ("e10-oeverloop", "GGZ-praktijk Oeverloop", "Nuenen", ("4",)),
    ("e10-zwaluw", "Gezinsbegeleiding De Zwaluw", "Asten", ("4",)),
    ("e10-heidebloem", "Jeugdhulp Heidebloem", "Laarbeek", ("4",)),
    ("e10-waterlelie", "Praktijk voor Kind en Gezin Waterlelie", "Waalre", ("4",)),
    ("e10-stroomopwaarts", "Stroomopwaarts Ambulante Hulp", "Helmond", ("4",)),
    ("e10-kiezel", "Orthopedagogenpraktijk Kiezel", "Son en Breugel", ("4",)),
    ("e10-duinroos", "FACT-team Duinroos", "Helmond", ("4",)),
    ("e10-weidegang", "Jeugd-GGZ Weidegang", "Gemert-Bakel", ("4",)),
    ("e10-dwarsdal", "Ambulant Team Dwarsdal", "Deurne", ("4",)),
    ("e10-zonnewijzer", "Gezinscoaching Zonnewijzer", "Veldhoven", ("4",)),
    ("e10-toekomstpad", "Stichting Toekomstpad", "Geldrop-Mierlo", ("1", "4")),
]
CONTACTS = (
    "Noor Aarts",
    "Pim van Asten",
    "Roos Coolen",
    "Sem Donkers",
    "Tess van Eijk",
    "Luuk Fransen",
    "Yara Geerts",
    "Mees Hurkmans",
    "Isa van Kessel",
    "Jens Leenders",
)
# Een 10 voor de Jeugd: the account holders of the segments (fictional region staff).
ACCOUNT_HOLDERS = [
    ("accounthouder-s1.e10@example.org", "Inge Verhoeven (accounthouder segment 1)"),
    ("accounthouder-s2.e10@example.org", "Ruud Smulders (accounthouder segment 2)"),
    ("accounthouder-s3.e10@example.org", "Sanne van Gils (accounthouder segment 3)"),
    ("accounthouder-s4.e10@example.org", "Tom Hermans (accounthouder segment 4)"),
]


def e10_sample() -> dict[str, tuple[str, ...]]:
    """Provider short code -> the segments it works in (Een 10 voor de Jeugd)."""
    return {short: segments for short, _name, _place, segments in E10_PROVIDERS}


def load() -> None:
    existing = set(db.session.execute(select(Provider.short_code)).scalars())
    for index, (short, name, place, _segments) in enumerate(E10_PROVIDERS, start=1):
        if short in existing:
            continue
        db.session.add(
            Provider(
                short_code=short,
                name=name,
                kvk_number=str(KVK_BASE + index),
                agb_code=str(AGB_BASE + index),
                address=place,
                contact_name=CONTACTS[index % len(CONTACTS)],
                contact_email=f"info@{short}.example.org",
            )
        )
    db.session.flush()
    region = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar()
    emails = set(db.session.execute(select(User.email)).scalars())
    if region is not None:
        for email, name in ACCOUNT_HOLDERS:
            if email not in emails:
                auth_ops.create_user(
                    email=email,
                    name=name,
                    role=CONTRACT_MANAGER,
                    password=DEMO_PASSWORD,
                    trusted_password=True,
                    region_id=region.id,
                )
    for provider in db.session.execute(
        select(Provider).where(Provider.short_code.in_(list(e10_sample())))
    ).scalars():
        email = f"provider.{provider.short_code}@example.org"
        if email not in emails:
            auth_ops.create_user(
                email=email,
                name=provider.name,
                role=PROVIDER,
                password=DEMO_PASSWORD,
                trusted_password=True,
                provider_id=provider.id,
            )
    db.session.commit()
