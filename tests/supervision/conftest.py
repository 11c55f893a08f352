import pytest

from tests.supervision.helpers import World


@pytest.fixture(autouse=True)
def _request_context(request):
    """Operations called directly run inside a request context, as in the app: the Dutch
    messages of refused operations are rendered with str(), and Flask-Babel's locale
    selector reads the session."""
    if "app" not in request.fixturenames and "w" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.test_request_context():
        yield


@pytest.fixture
def w(app):
    return World()
