"""Labels and URLs computed once, not once per row of a list.

A lazy gettext label costs a translation lookup each time it is turned into text, and
url_for a routing build each time it is called: on a list of 50 rows with five labels and
two links that is hundreds of calls per page. `resolved()` turns a dict of lazy labels
into plain strings once per locale and process; `url_pattern()` builds a URL once with a
placeholder so the template only joins strings per row.
"""

from flask import url_for
from flask_babel import get_locale

_cache: dict[tuple[int, str], dict] = {}
_PLACEHOLDER = 987654321987


def resolved(labels: dict) -> dict:
    """`labels` with every value as text in the current locale (cached per locale)."""
    try:
        key = (id(labels), str(get_locale()))
    except RuntimeError:  # no app context (e.g. a model printed in a script)
        return {k: str(v) for k, v in labels.items()}
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = {k: str(v) for k, v in labels.items()}
    return found


class UrlPattern:
    """A URL of `endpoint` with one integer argument left open: pattern(42) -> '/x/42'."""

    def __init__(self, endpoint: str, argument: str, **values):
        built = url_for(endpoint, **{argument: _PLACEHOLDER}, **values)
        self.head, _sep, self.tail = built.partition(str(_PLACEHOLDER))

    def __call__(self, value) -> str:
        return f"{self.head}{value}{self.tail}"


def url_pattern(endpoint: str, argument: str, **values) -> UrlPattern:
    return UrlPattern(endpoint, argument, **values)


# -- template gettext --------------------------------------------------------------------------

_translated: dict[tuple[str, str], str] = {}


def install_template_gettext(app) -> None:
    """`_()` in templates through a per-process cache of (locale, message) -> text.

    Flask-Babel looks the catalogue up through the request context on every call, which
    costs more than the rest of a table row; a message's translation in a locale never
    changes while the process runs. The locale comes from the template context (put there
    once per render); macros imported without context fall back to get_locale()."""
    from flask_babel import get_translations
    from jinja2 import pass_context

    @app.context_processor
    def _locale():
        return {"_template_locale": str(get_locale())}

    @pass_context
    def gettext(context, message):
        locale = context.get("_template_locale") or str(get_locale())
        key = (locale, message)
        found = _translated.get(key)
        if found is None:
            found = _translated[key] = get_translations().ugettext(message)
        return found

    def ngettext(singular, plural, n):
        return get_translations().ungettext(singular, plural, n)

    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
