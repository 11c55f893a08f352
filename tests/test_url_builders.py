"""The URL builders compiled once per test process (tests/url_builders.py) are the code
Werkzeug compiles for each rule, and the app builds the same URLs with them."""

from flask import url_for

from tests.url_builders import werkzeug_compile


def _code(fn):
    code = fn.__code__
    return code.co_code, code.co_consts, code.co_varnames, code.co_names, fn.__defaults__


def test_every_rule_builds_with_the_code_werkzeug_compiles(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 300
    for rule in rules:
        for append_unknown in (False, True):
            shared = rule._compile_builder(append_unknown)
            assert _code(shared) == _code(werkzeug_compile(rule, append_unknown)), rule.rule


def test_urls_with_converters_defaults_and_query_arguments(app):
    with app.test_request_context("/"):
        assert url_for("contracts.detail", contract_id=12) == "/contracten/12"
        assert url_for("contracts.detail", contract_id=12, pagina=2) == "/contracten/12?pagina=2"
        assert url_for("static", filename="css/contracts.css") == "/static/css/contracts.css"
