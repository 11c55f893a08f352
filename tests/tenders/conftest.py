import pytest


@pytest.fixture(autouse=True)
def _request_context(request):
    """Operations called directly run inside a request context, as they do in the app (the
    locale selector reads the session, which needs one)."""
    if "app" not in request.fixturenames or "test_demo.py" in request.node.nodeid:
        # the demo runs from the CLI, without a request: test it that way
        yield
        return
    app = request.getfixturevalue("app")
    with app.test_request_context():
        yield
