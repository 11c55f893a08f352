"""Small builders for test data, committed so that requests in the test client see them."""

import re
from collections import Counter

from sqlalchemy import select, text

from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

PASSWORD = "correct-horse-battery"

_REGIONS = {
    "wbo": (
        "Regio WBO Jeugd",
        [
            ("Altena", "1959"),
            ("Breda", "0758"),
            ("Drimmelen", "1719"),
            ("Geertruidenberg", "0779"),
            ("Oosterhout", "0826"),
        ],
    ),
    "e10": (
        "Een 10 voor de Jeugd",
        [("Helmond", "0794"), ("Veldhoven", "0861"), ("Deurne", "0762")],
    ),
    "svj": ("Samen voor Jeugd", [("Eindhoven", "0772"), ("Best", "0753")]),
}


def region(short_code: str = "wbo") -> Region:
    existing = db.session.execute(select(Region).filter_by(short_code=short_code)).scalar()
    if existing:
        return existing
    name, municipalities = _REGIONS[short_code]
    row = Region(name=name, short_code=short_code, kvk_number="76543210")
    db.session.add(row)
    db.session.flush()
    for m_name, cbs in municipalities:
        db.session.add(Municipality(name=m_name, cbs_code=cbs, region_id=row.id))
    db.session.commit()
    return row


def municipality(name: str) -> Municipality:
    return db.session.execute(select(Municipality).filter_by(name=name)).scalar_one()


_provider_seq = iter(range(10_000_000, 99_999_999, 7919))


def provider(short_code: str = "kompas", name: str | None = None) -> Provider:
    existing = db.session.execute(select(Provider).filter_by(short_code=short_code)).scalar()
    if existing:
        return existing
    row = Provider(
        short_code=short_code,
        name=name or f"Aanbieder {short_code.title()}",
        kvk_number=str(next(_provider_seq)),
    )
    db.session.add(row)
    db.session.commit()
    return row


def user(
    role: str,
    region_code: str = "wbo",
    *,
    email: str | None = None,
    municipality_name: str | None = None,
    provider_code: str | None = None,
) -> User:
    kwargs = {}
    if role == "provider":
        kwargs["provider_id"] = provider(provider_code or "kompas").id
    else:
        kwargs["region_id"] = region(region_code).id
    if role == "municipality":
        kwargs["municipality_id"] = municipality(municipality_name or "Breda").id
    email = email or f"{role}.{(provider_code or region_code)}.{len(kwargs)}@example.org"
    created = auth_ops.create_user(
        email=email, name=role.title(), role=role, password=PASSWORD, **kwargs
    )
    return created


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path: str = "/inloggen") -> str:
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def login(client, user_or_email, password: str = PASSWORD):
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    token = csrf_token(client, "/inloggen")
    return client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": token}
    )


def post(client, path: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as a browser would."""
    payload = {"csrf_token": csrf_token(client, "/"), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def api_token(u: User) -> str:
    _token, raw = auth_ops.create_token(u, "test")
    return raw


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def row_counts() -> Counter:
    """Rows per table (the audit log included), in one statement: what a refusal must
    leave as it was."""
    tables = [t.name for t in db.metadata.sorted_tables]
    columns = ", ".join(f'(SELECT COUNT(*) FROM "{name}") AS "{name}"' for name in tables)
    row = db.session.execute(text(f"SELECT {columns}")).one()
    return Counter(dict(zip(tables, row, strict=True)))
