"""URL builders compiled once per test process.

Every test builds its own app, and Werkzeug compiles Python code for each of the app's
~320 URL rules when they are added: most of create_app's time, paid again per test. The
code it generates depends only on the rule's text, its parts (the trace), the names of its
defaults and the flag; each rule still binds the function to itself (its own converters).
Rules with a default for one of their own variables are compiled as usual (the default's
converted value is part of the code). Checked against Werkzeug's own compile in
tests/test_url_builders.py.
"""

from werkzeug.routing.rules import Rule

_compile = Rule._compile_builder
_compiled: dict = {}


def _key(rule: Rule, append_unknown: bool):
    defaults = rule.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in rule._trace):
        return None
    return (rule.rule, tuple(rule._trace), tuple(defaults), append_unknown)


def _compile_once(self: Rule, append_unknown: bool = True):
    key = _key(self, append_unknown)
    if key is None:
        return _compile(self, append_unknown)
    found = _compiled.get(key)
    if found is None:
        found = _compiled[key] = _compile(self, append_unknown)
    return found


def install() -> None:
    Rule._compile_builder = _compile_once


def werkzeug_compile(rule: Rule, append_unknown: bool = True):
    """The builder as Werkzeug compiles it, for comparison."""
    return _compile(rule, append_unknown)
