"""schemathesis over every operation of the OpenAPI document, on the demo data, with a
token of each role in turn (bounded examples): no 5xx, every answer as described, and
nothing the description calls invalid is accepted."""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from procure import create_app
from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.extensions import db
from tests.conftest import _empty_all_tables, make_test_config
from tests.demo_snapshot import load_demo

ROLES = ("procurement", "contract_manager", "supervisor", "municipality", "provider", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def demo_app(database_url, _schema, tmp_path_factory):
    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("fuzz")))
    with app.app_context():
        load_demo(database_url, tmp_path_factory)
        tokens = {}
        for role in ROLES:
            user = db.session.execute(
                select(User).where(User.role == role).order_by(User.id)
            ).scalar()
            tokens[role] = auth_ops.create_token(user, "fuzz")[1]
        db.session.remove()
    app.config["FUZZ_TOKENS"] = itertools.cycle(tokens.values())
    yield app  # requests run without an outer app context, each in its own as on a server
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


# The document is read once from an app without a database; the cases then run against
# the demo app of the fixture.
_document_app = create_app(
    {"PROCURE_ENV": "testing", "SECRET_KEY": "fuzz", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app)


@schema.parametrize()
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_described(case, demo_app):
    token = next(demo_app.config["FUZZ_TOKENS"])
    case.call_and_validate(
        app=demo_app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
    )
