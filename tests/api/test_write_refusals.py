"""Refusals and retries on every write operation of the OpenAPI document, on the demo data.

The operations come from the document itself, so a new write endpoint is covered as soon
as it exists: it must be declared in WRITERS below (the test of the declaration fails
until it is). For each operation, every role outside its writers sends a request with a
schema-valid body, and must get 403 (or 404 for an object outside its scope) with nothing
written: the row count of every table, audit log included, is the same before and after.
Declared writers are not refused with 403. Then one writer sends the same request twice
with one Idempotency-Key: the second answer equals the first, and a replayed success
writes nothing more.
"""

import io
import zlib

import pytest
from sqlalchemy import select

from procure import create_app
from procure.api.views import openapi_document
from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.contracts.models import Contract, ExtensionOption, Payment
from procure.extensions import db
from procure.finance.models import Indicator
from procure.reminders.models import Notification
from procure.supervision.models import Measure, Signal
from procure.tenders.models import Bid, Registration
from procure.tenders.open_house.models import Admission, Application
from tests.conftest import IsolatedClient, _empty_all_tables, make_test_config
from tests.demo_snapshot import load_demo
from tests.factories import row_counts

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WRITE_METHODS = ("post", "put", "patch", "delete")

ADMIN, PROCUREMENT, MANAGER, SUPERVISOR, MUNICIPALITY, PROVIDER = (
    "admin",
    "procurement",
    "contract_manager",
    "supervisor",
    "municipality",
    "provider",
)
# A provider other than the object's own, and procurement of another region: outside the
# scope of any object in the path. ANY_PROVIDER: every provider may write (a new
# registration, bid or application on a published procedure).
OTHER_PROVIDER, OTHER_REGION, ANY_PROVIDER = "other_provider", "other_region", "any_provider"
ROLES = (ADMIN, PROCUREMENT, MANAGER, SUPERVISOR, MUNICIPALITY, PROVIDER)
CATALOGUE = {ADMIN, PROCUREMENT}
TENDERING = {ADMIN, PROCUREMENT}
CONTRACTING = {ADMIN, MANAGER}
ASSESSORS = {ADMIN, PROCUREMENT, MANAGER}
SUPERVISION = {SUPERVISOR}
EVERYONE = set(ROLES)  # each for itself only (own notifications, own calendar feed)

# Who may write, as the pages and policies say (read from each domain's policy and views).
WRITERS = {
    "POST /products": CATALOGUE,
    "PATCH /products/{code}": CATALOGUE,
    "POST /products/{code}/tariffs": CATALOGUE,
    "POST /products/indexation": CATALOGUE,
    "PUT /products/translations": CATALOGUE,
    "POST /contracts/{reference}/realisations": CONTRACTING,
    "POST /contracts/{reference}/transitions": CONTRACTING,
    "POST /contracts/{reference}/options": CONTRACTING,
    "POST /contracts/{reference}/options/{sequence}/decision": CONTRACTING,
    "POST /contracts/{reference}/termination": CONTRACTING,
    "POST /contracts/{reference}/budgets": CONTRACTING,
    "POST /contracts/{reference}/payments/{payment_id}": CONTRACTING,
    "POST /contracts/{reference}/realisations/batch": CONTRACTING,
    "POST /contracts/{reference}/realisations/csv": CONTRACTING,
    "POST /contracts/custom": {*CONTRACTING, MUNICIPALITY},
    "PUT /contracts/{reference}/transition": CONTRACTING,
    "POST /contracts/{reference}/addenda": CONTRACTING,
    # the contract's own provider keeps its register, as region's contract managers do
    "POST /contracts/{reference}/subcontractors": {*CONTRACTING, PROVIDER},
    "DELETE /contracts/{reference}/subcontractors/{sub_id}": {*CONTRACTING, PROVIDER},
    "POST /tenders": TENDERING,
    "POST /tenders/{reference}/registrations": {PROVIDER, ANY_PROVIDER},
    "POST /tenders/{reference}/bids": {PROVIDER, ANY_PROVIDER},
    "POST /tenders/{reference}/transitions": TENDERING,
    "POST /tenders/{reference}/go-decisions": TENDERING,
    "POST /tenders/{reference}/registrations/{registration_id}/assessment": TENDERING,
    "POST /tenders/{reference}/selection": TENDERING,
    "POST /tenders/{reference}/sessions": TENDERING,
    "POST /tenders/{reference}/agreements": TENDERING,
    "POST /tenders/{reference}/bids/{bid_id}/scores": TENDERING,
    "POST /tenders/{reference}/award/provisional": TENDERING,
    "POST /tenders/{reference}/objections": TENDERING,
    "POST /tenders/{reference}/objections/{objection_id}/resolution": TENDERING,
    "POST /tenders/{reference}/award/revision": TENDERING,
    "POST /tenders/{reference}/award/definitive": TENDERING,
    "POST /tenders/{reference}/rectifications": TENDERING,
    "POST /open-houses/{reference}/applications": {PROVIDER, ANY_PROVIDER},
    "POST /open-houses/{reference}/applications/{application_id}/withdrawal": {PROVIDER},
    "POST /open-houses/{reference}/applications/{application_id}/scores": ASSESSORS,
    "POST /open-houses/{reference}/applications/{application_id}/info-requests": ASSESSORS,
    "POST /open-houses/{reference}/applications/{application_id}/info-responses": {PROVIDER},
    "POST /open-houses/{reference}/applications/{application_id}/decision": ASSESSORS,
    "POST /open-houses/{reference}/admissions/{admission_id}/ending": {
        ADMIN,
        PROCUREMENT,
        PROVIDER,
    },
    "POST /signals": {SUPERVISOR, MANAGER, MUNICIPALITY},
    "POST /signals/{signal_id}/triage": SUPERVISION,
    "POST /signals/{signal_id}/start-investigation": SUPERVISION,
    "POST /signals/{signal_id}/hand-over": SUPERVISION,
    "POST /signals/{signal_id}/set-follow-up": SUPERVISION,
    "POST /signals/{signal_id}/close": SUPERVISION,
    "POST /signals/{signal_id}/reopen": SUPERVISION,
    "POST /signals/{signal_id}/merge": SUPERVISION,
    "POST /signals/{signal_id}/notes": SUPERVISION,
    "POST /signals/{signal_id}/assignment": SUPERVISION,
    "POST /signals/{signal_id}/measures": SUPERVISION,
    "POST /signals/{signal_id}/measures/{measure_id}/completion": SUPERVISION,
    "POST /signals/{signal_id}/measures/{measure_id}/drop": SUPERVISION,
    "POST /notifications/{notification_id}/read": {ADMIN},  # the notification's owner
    "POST /notifications/read": EVERYONE,
    "POST /calendar-feed": EVERYONE,
    "POST /calendar-feed/revocation": EVERYONE,
    "POST /finance/indicators/{code}/values": {ADMIN, PROCUREMENT, MANAGER},
}

# The realisation endpoint kept its own idempotency (it predates the decorator): a retry
# answers 200 "recorded before" with the same record instead of replaying the 201.
RETRY_STATUS = {"POST /contracts/{reference}/realisations": {201: 200}}

_document_app = create_app(
    {"PROCURE_ENV": "testing", "SECRET_KEY": "refusals", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
)
with _document_app.test_request_context():
    DOCUMENT = openapi_document()
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    if method in WRITE_METHODS
]


# -- schema-valid example bodies ------------------------------------------------------------


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(schema: dict):
    """The smallest value the schema accepts: required fields only, first enum values."""
    schema = _resolve(schema)
    enum = [v for v in schema.get("enum", []) if v is not None]
    if enum:
        return enum[0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: example(props[name]) for name in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}))] * max(1, schema.get("minItems", 0))
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        pattern = schema.get("pattern", "")
        return {
            "date": "2027-01-01",
            "date-time": "2027-01-01T12:00:00+01:00",
            "binary": "<file>",
        }.get(schema.get("format"), "2027-01" if "(0[1-9]|1[0-2])" in pattern else "1")
    return "1"


def _request_kwargs(operation: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return {"json": example(content["application/json"]["schema"])}
    if "multipart/form-data" in content:
        form = example(content["multipart/form-data"]["schema"])
        data = {
            name: [_file() if v == "<file>" else str(v) for v in value]
            if isinstance(value, list)
            else (_file() if value == "<file>" else str(value).lower())
            for name, value in form.items()
        }
        return {"data": data, "content_type": "multipart/form-data"}
    return {}


def _file():
    return (io.BytesIO(PDF), "document.pdf")


# -- the demo, its objects and tokens ------------------------------------------------------


def _first(stmt):
    return db.session.execute(stmt.limit(1)).scalar()


def _path_values(path: str) -> tuple[dict, int | None, int | None]:
    """(path parameters naming a real demo object, its region, its provider)."""
    if path.startswith("/tenders/"):
        if "{registration_id}" in path:
            row = _first(select(Registration).order_by(Registration.id))
            return {"reference": row.tender.reference, "registration_id": row.id}, *_owner(row)
        bid = _first(select(Bid).order_by(Bid.id))
        values = {"reference": bid.tender.reference, "bid_id": bid.id, "objection_id": 1}
        return values, bid.region_id, None
    if path.startswith("/open-houses/"):
        if "{admission_id}" in path:
            row = _first(select(Admission).where(Admission.status == "active"))
            return {"reference": row.tender.reference, "admission_id": row.id}, *_owner(row)
        row = _first(select(Application).order_by(Application.id))
        return {"reference": row.tender.reference, "application_id": row.id}, *_owner(row)
    if path.startswith("/contracts/{reference}/subcontractors"):
        from procure.contracts.changes.models import Subcontractor

        row = _first(select(Subcontractor).where(Subcontractor.removed_at.is_(None)))
        contract = db.session.get(Contract, row.contract_id)
        values = {"reference": contract.reference, "sub_id": row.id}
        return values, contract.region_id, contract.provider_id
    if path.startswith("/contracts/{reference}"):
        if "{payment_id}" in path:
            payment = _first(select(Payment).order_by(Payment.id))
            contract = db.session.get(Contract, payment.contract_id)
            values = {"reference": contract.reference, "payment_id": payment.id}
            return values, contract.region_id, None
        option = _first(select(ExtensionOption).order_by(ExtensionOption.id))
        contract = db.session.get(Contract, option.contract_id)
        values = {"reference": contract.reference, "sequence": option.sequence}
        return values, contract.region_id, None
    if path.startswith("/products/{code}"):
        from procure.catalogue.models import Product

        product = _first(select(Product).where(Product.is_current.is_(True)))
        return {"code": product.code}, product.region_id, None
    if path.startswith("/signals/{signal_id}"):
        measure = _first(select(Measure).order_by(Measure.id))
        signal = db.session.get(Signal, measure.signal_id)
        return {"signal_id": signal.id, "measure_id": measure.id}, signal.region_id, None
    if path.startswith("/notifications/{notification_id}"):
        return {"notification_id": _notification_of_admin().id}, 1, None
    if path.startswith("/finance/indicators/{code}"):
        indicator = _first(select(Indicator).order_by(Indicator.id))
        return {"code": indicator.code}, indicator.region_id, None
    if "{" in path:
        raise AssertionError(f"{path}: say here which demo object its parameters name")
    return {}, None, None


def _owner(row):
    return row.region_id, row.provider_id


def _notification_of_admin() -> Notification:
    admin = _first(select(User).where(User.role == ADMIN, User.region_id == 1))
    notification = _first(select(Notification).where(Notification.user_id == admin.id))
    if notification is None:
        notification = Notification(user_id=admin.id, title="Optie verloopt")
        db.session.add(notification)
        db.session.commit()
    return notification


def _token(user: User) -> str:
    return auth_ops.create_token(user, "refusals")[1]


def _tokens(region_id: int | None, provider_id: int | None) -> dict[str, str]:
    region_id = region_id or 1
    users = {}
    for role in ROLES[:-1]:
        users[role] = _first(
            select(User).where(User.role == role, User.region_id == region_id).order_by(User.id)
        )
    providers = select(User).where(User.role == PROVIDER).order_by(User.id)
    own = _first(providers.where(User.provider_id == provider_id)) if provider_id else None
    users[PROVIDER] = own or _first(providers)
    users[OTHER_PROVIDER] = _first(providers.where(User.id != users[PROVIDER].id))
    users[OTHER_REGION] = _first(
        select(User).where(User.role == PROCUREMENT, User.region_id != region_id)
    )
    return {name: _token(user) for name, user in users.items()}


@pytest.fixture(scope="module")
def demo_app(database_url, _schema, tmp_path_factory):
    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("refusals")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        load_demo(database_url, tmp_path_factory)
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


# -- the tests -----------------------------------------------------------------------------


def test_every_write_operation_declares_its_writers():
    names = {name for name, _operation in OPERATIONS}
    assert names - WRITERS.keys() == set(), "declare the writers of these new operations"
    assert WRITERS.keys() - names == set(), "these operations are gone from the document"


def test_every_write_operation_documents_the_idempotency_key():
    for name, operation in OPERATIONS:
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in headers, name


def _call(client, method, path, values, token, key, kwargs):
    url = "/api/v1" + path.format(**values)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    fresh = {k: _fresh(v) for k, v in kwargs.items()}  # file objects are read once
    return client.open(url, method=method, headers=headers, **fresh)


def _fresh(value):
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, tuple) and isinstance(value[0], io.BytesIO):
        return (io.BytesIO(PDF), value[1])
    return value


@pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
def test_write_is_refused_for_other_roles_and_retried_once(demo_app, name, operation):
    method, path = name.split(" ", 1)
    client = demo_app.test_client()
    values, region_id, provider_id = _path_values(path)
    tokens = _tokens(region_id, provider_id)
    writers = set(WRITERS[name])
    if ANY_PROVIDER in writers:
        writers.add(OTHER_PROVIDER)
    if "{" not in path or path.startswith("/products/"):
        # No object in the path, or a product code, which names the card of the caller's
        # own region: another region's officer acts on its own region then.
        del tokens[OTHER_REGION]
    if "{" not in path:
        del tokens[OTHER_PROVIDER]
    kwargs = _request_kwargs(operation)
    statuses = {}
    for role, token in tokens.items():
        if role in writers:
            continue
        before = row_counts()
        key = f"refusal-{zlib.crc32(name.encode())}-{role}"
        response = _call(client, method, path, values, token, key, kwargs)
        statuses[role] = response.status_code
        assert response.status_code in (403, 404), (role, response.get_json())
        assert response.get_json()["error"]["message"]
        changed = {t: n for t, n in (row_counts() - before).items() if n}
        assert changed == {}, (role, changed)
    assert 403 in statuses.values() or name in _SCOPE_ONLY, statuses

    # The first writer sends the request twice with one key: the same answer twice.
    order = (PROCUREMENT, MANAGER, SUPERVISOR, PROVIDER, MUNICIPALITY, ADMIN)
    writer = next(role for role in order if role in writers)
    key = f"retry-{zlib.crc32(name.encode())}"
    first = _call(client, method, path, values, tokens[writer], key, kwargs)
    assert first.status_code < 500, first.get_json()
    after_first = row_counts()
    again = _call(client, method, path, values, tokens[writer], key, kwargs)
    expected = RETRY_STATUS.get(name, {}).get(first.status_code, first.status_code)
    assert again.status_code == expected and again.get_json() == first.get_json()
    if 200 <= first.status_code < 300:
        assert row_counts() == after_first
        if name not in RETRY_STATUS:
            assert again.headers["Idempotent-Replayed"] == "true"
    # The other declared writers are not refused for their role (the state may be).
    for role in writers & tokens.keys() - {writer}:
        response = _call(client, method, path, values, tokens[role], f"{key}-{role}", kwargs)
        # a resolved objection or a removed row is not found for the next writer
        gone = "{objection_id}" in path or method == "DELETE"
        assert response.status_code not in (403, 404) or gone, (
            role,
            response.get_json(),
        )


# Operations where every refused caller is outside the object's scope (404), none a role
# that sees the object but may not act.
_SCOPE_ONLY = {
    "POST /notifications/{notification_id}/read",
    "POST /notifications/read",
    "POST /calendar-feed",
    "POST /calendar-feed/revocation",
}
