import pytest


@pytest.fixture(autouse=True)
def _request_context(app):
    # Operation errors render their Dutch message with str(); Flask-Babel's locale selector
    # (procure/security.py) reads the session, which needs a request context.
    with app.test_request_context():
        yield
