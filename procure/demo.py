"""Demo data from the seed documents: three regions, their municipalities, thirteen providers
(fictional names) and one user per role per region. Idempotent: rerunning adds nothing twice.

Domain packages add their own demo data in procure/<domain>/demo.py with a `load()`
function; they run after the organisations, in the order of DEMO_DOMAINS (a domain's data
may use the data of those before it).
"""

import importlib
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.auth.passwords import PUBLIC_DEMO_PASSWORD
from procure.extensions import db
from procure.organisations.models import ConsortiumMember, Municipality, Provider, Region

DEMO_PASSWORD = PUBLIC_DEMO_PASSWORD  # the public demo log-in, see README
# While loading, demo users get a one-round placeholder hash; at the end they all receive
# one real hash of the shared password (a real hash per user made up half of `flask demo`).
_PLACEHOLDER_METHOD = "pbkdf2:sha256:1"

REGIONS = [
    {
        "short_code": "wbo",
        "name": "Regio West-Brabant-Oost Jeugd (Regio WBO Jeugd)",
        "kvk_number": "76543210",
        "address": "Claudius Prinsenlaan 10, 4811 DJ Breda",
        "municipalities": [
            ("Altena", "1959"),
            ("Breda", "0758"),
            ("Drimmelen", "1719"),
            ("Geertruidenberg", "0779"),
            ("Oosterhout", "0826"),
        ],
    },
    {
        "short_code": "e10",
        "name": "Een 10 voor de Jeugd",
        "kvk_number": "71234567",
        "address": "Markt 2, 5701 RK Helmond",
        "municipalities": [
            ("Helmond", "0794"),
            ("Veldhoven", "0861"),
            ("Asten", "0743"),
            ("Deurne", "0762"),
            ("Gemert-Bakel", "1652"),
            ("Laarbeek", "1659"),
            ("Someren", "0847"),
            ("Geldrop-Mierlo", "1771"),
            ("Nuenen", "0820"),
            ("Son en Breugel", "0848"),
            ("Waalre", "0866"),
        ],
    },
    {
        "short_code": "svj",
        "name": "Samen voor Jeugd",
        "kvk_number": "73456789",
        "address": "Stadhuisplein 10, 5611 EM Eindhoven",
        "municipalities": [
            ("Bergeijk", "1724"),
            ("Best", "0753"),
            ("Bladel", "1728"),
            ("Cranendonck", "1706"),
            ("Eersel", "0770"),
            ("Eindhoven", "0772"),
            ("Heeze-Leende", "1658"),
            ("Oirschot", "0823"),
            ("Reusel-De Mierden", "1667"),
            ("Valkenswaard", "0858"),
        ],
    },
]

# Fictional providers with valid-format KvK (8 digits) and AGB codes.
# A contact person per provider (fictional), so letters and contracts name someone.
CONTACTS = (
    "Anouk de Vries",
    "Bram Jansen",
    "Carla Peeters",
    "Daan van Dijk",
    "Eva Bakker",
    "Fleur Visser",
    "Gijs Smits",
    "Hanna Mulder",
    "Ivo de Bruijn",
    "Julia Hendriks",
    "Koen van den Berg",
    "Lotte Willems",
    "Mila Kuipers",
)
# Where each demo provider is established (street, postcode and place, as a contract names
# a party); invented like the providers themselves, in the places the seeds name.
ADDRESSES = {
    "kompas": "Ginnekenweg 12, 4818 JD Breda",
    "linde": "Arendshof 5, 4901 KE Oosterhout",
    "baken": "Kerkstraat 20, 5701 PM Helmond",
    "vlinder": "Kastanjelaan 40, 5616 LZ Eindhoven",
    "horizon": "Ringbaan-Oost 102, 5013 CD Tilburg",
    "stapsteen": "Stationsstraat 8, 5751 HB Deurne",
    "brug": "Meiveld 15, 5501 KB Veldhoven",
    "kinderkracht": "De Dijk 4, 5683 CP Best",
    "zonnehoek": "Hof 6, 5571 CA Bergeijk",
    "wegwijzer": "Havenkade 2, 4924 AA Drimmelen",
    "gezinsplein": "Markt 10, 4901 EP Oosterhout",
    "samenwest": "Stationsplein 1, 4811 BB Breda",
    "stadswijk": "Haagweg 45, 4814 GA Breda",
}

PROVIDERS = [
    ("kompas", "Stichting Kompas Jeugdhulp", "41098765", "98000001", "Breda"),
    ("linde", "De Linde Jeugd en Gezin", "52345671", "98000002", "Oosterhout"),
    ("baken", "Het Baken Ambulante Zorg", "60012345", "98000003", "Helmond"),
    ("vlinder", "Vlindertuin Dagbehandeling B.V.", "61234509", "98000004", "Eindhoven"),
    ("horizon", "Horizon Verblijf en Crisis", "39876543", "98000005", "Tilburg"),
    ("stapsteen", "Stapsteen Begeleid Wonen", "70123456", "98000006", "Deurne"),
    ("brug", "De Brug Specialistische GGZ", "58765432", "98000007", "Veldhoven"),
    ("kinderkracht", "KinderKracht Praktijk", "80011223", "98000008", "Best"),
    ("zonnehoek", "Zorgboerderij De Zonnehoek", "81234567", "98000009", "Bergeijk"),
    ("wegwijzer", "Wegwijzer Vervoer en Zorg", "69012345", None, "Drimmelen"),
    ("gezinsplein", "Gezinsplein Oosterhout", "74561230", "98000011", "Oosterhout"),
    ("samenwest", "Samenwerkingsverband Jeugd West-Brabant", "85432109", None, "Breda"),
    ("stadswijk", "Stichting Stadswijk Jeugd Breda", "86754321", "98000013", "Breda"),
]
CONSORTIUM = ("samenwest", "kompas", ["linde", "gezinsplein"])

STAFF_ROLES = ("admin", "procurement", "contract_manager", "supervisor")
ROLE_NAMES = {
    "admin": "Beheerder",
    "procurement": "Inkoper",
    "contract_manager": "Contractmanager",
    "supervisor": "Toezichthouder",
}


def _get_or_create(model, lookup: dict, **values):
    obj = db.session.execute(select(model).filter_by(**lookup)).scalar()
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def _ensure_user(email, name, role, **affiliation) -> None:
    if db.session.execute(select(User.id).where(User.email == email)).first():
        return
    auth_ops.create_user(
        email=email,
        name=name,
        role=role,
        password=DEMO_PASSWORD,
        trusted_password=True,
        **affiliation,
    )


def load_organisations() -> None:
    for spec in REGIONS:
        region = _get_or_create(
            Region,
            {"short_code": spec["short_code"]},
            name=spec["name"],
            kvk_number=spec["kvk_number"],
            address=spec["address"],
        )
        for name, cbs in spec["municipalities"]:
            _get_or_create(Municipality, {"cbs_code": cbs}, name=name, region_id=region.id)
    for (short, name, kvk, agb, city), contact in zip(PROVIDERS, CONTACTS, strict=True):
        _get_or_create(
            Provider,
            {"short_code": short},
            name=name,
            kvk_number=kvk,
            agb_code=agb,
            address=ADDRESSES.get(short, city),
            contact_name=contact,
            contact_email=f"info@{short}.example.org",
            is_consortium=short == CONSORTIUM[0],
        )
    consortium_code, lead_code, member_codes = CONSORTIUM
    by_code = {p.short_code: p for p in db.session.execute(select(Provider)).scalars()}
    consortium = by_code[consortium_code]
    for code in [lead_code, *member_codes]:
        _get_or_create(
            ConsortiumMember,
            {"consortium_id": consortium.id, "member_id": by_code[code].id},
            is_lead=code == lead_code,
        )
    db.session.commit()


def load_users() -> None:
    for region in db.session.execute(select(Region).order_by(Region.id)).scalars():
        code = region.short_code
        for role in STAFF_ROLES:
            _ensure_user(
                f"{role}.{code}@example.org",
                f"{ROLE_NAMES[role]} {code.upper()}",
                role,
                region_id=region.id,
            )
        for municipality in region.municipalities:
            _ensure_user(
                f"municipality-{municipality.slug}.{code}@example.org",
                f"Gemeente {municipality.name}",
                "municipality",
                region_id=region.id,
                municipality_id=municipality.id,
            )
    for provider in db.session.execute(select(Provider).order_by(Provider.id)).scalars():
        _ensure_user(
            f"provider.{provider.short_code}@example.org",
            provider.name,
            "provider",
            provider_id=provider.id,
        )


@contextmanager
def _demo_password_hashed_once():
    config = current_app.config
    missing = object()
    method = config.get("PASSWORD_HASH_METHOD", missing)
    config["PASSWORD_HASH_METHOD"] = _PLACEHOLDER_METHOD
    try:
        yield
    finally:
        if method is missing:
            config.pop("PASSWORD_HASH_METHOD")
        else:
            config["PASSWORD_HASH_METHOD"] = method
    placeholders = db.session.execute(
        select(User.id, User.password_hash).where(
            User.password_hash.startswith(_PLACEHOLDER_METHOD + "$")
        )
    ).all()
    ids = [id_ for id_, hashed in placeholders if check_password_hash(hashed, DEMO_PASSWORD)]
    if ids:
        shared = User()
        shared.set_password(DEMO_PASSWORD)
        db.session.execute(
            update(User).where(User.id.in_(ids)).values(password_hash=shared.password_hash)
        )
        db.session.commit()


def load_all() -> list[str]:
    """Load everything; returns the names of the domain steps that ran."""
    with _demo_password_hashed_once():
        return _load_all()


DEMO_DOMAINS = (
    "organisations",  # the sample of Een 10 voor de Jeugd's providers, segment account holders
    # adds Noordoost-Brabant (seed 004): before the steps that do something per region
    "finance",
    "catalogue",
    "contracts",
    "tenders",
    "tenders.open_house",
    "supervision",
    "reminders",
    "documents",
    # these look up the tender demo's contracts and tenders by reference
    "contracts.changes",
    "consultations",
    "missing_care",
)


def _load_all() -> list[str]:
    load_organisations()
    load_users()
    for domain in DEMO_DOMAINS:
        importlib.import_module(f"procure.{domain}.demo").load()
        db.session.commit()
    return list(DEMO_DOMAINS)
