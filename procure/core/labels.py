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
_rendered: dict[tuple[str, str, bool], str] = {}
_CACHE_LIMIT = 20_000  # messages are template constants; a bound in case one is not


def install_template_gettext(app) -> None:
    """`_()`, `gettext()` and `ngettext()` in templates through a per-process cache.

    Flask-Babel looks the catalogue up through the request context on every call, and
    Jinja's i18n extension wraps each call in two more context calls, a Markup and a
    `%` formatting even without variables: together more than the rest of a table row.
    A message's translation in a locale never changes while the process runs, so a call
    without variables is one dictionary lookup of the finished (escaped, formatted) text.
    The result is what Jinja's newstyle gettext returns: Markup under autoescape, always
    %-formatted (so `%%` gives `%`). The locale comes from the template context (put
    there once per render); macros imported without context fall back to get_locale()."""
    from flask_babel import get_translations
    from jinja2 import pass_context
    from markupsafe import Markup

    @app.context_processor
    def _locale():
        locale = get_locale()
        return {
            "_template_locale": str(locale),
            "_template_language": locale.language if locale is not None else None,
        }

    def as_template_text(text: str, autoescape: bool):
        # A translation is trusted as the template is (what Jinja's i18n does); the
        # variables are escaped by Markup's `%`.
        return Markup(text) if autoescape else text  # noqa: S704

    def translate(locale: str, message) -> str:
        key = (locale, message)
        found = _translated.get(key)
        if found is None:
            found = get_translations().ugettext(message)
            if len(_translated) < _CACHE_LIMIT:
                _translated[key] = found
        return found

    # Parameter names as Jinja's own (`__num`, ...): a template may pass `num=` or
    # `message=` as a variable of the message.
    @pass_context
    def gettext(__context, __message, **variables):
        locale = __context.get("_template_locale") or str(get_locale())
        autoescape = __context.eval_ctx.autoescape
        if variables:
            text = translate(locale, __message)
            return as_template_text(text, autoescape) % variables
        key = (locale, __message, autoescape)
        found = _rendered.get(key)
        if found is None:
            text = translate(locale, __message)
            found = as_template_text(text, autoescape) % {}
            if len(_rendered) < _CACHE_LIMIT:
                _rendered[key] = found
        return found

    @pass_context
    def ngettext(__context, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        text = get_translations().ungettext(__singular, __plural, __num)
        return as_template_text(text, __context.eval_ctx.autoescape) % variables

    app.jinja_env.install_gettext_callables(
        gettext=lambda message: translate(str(get_locale()), message),
        ngettext=lambda singular, plural, n: get_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    # The extension's wrappers (and its `_` alias, which calls `gettext` through the
    # context once more) replaced by the direct versions above.
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


class Labels(dict):
    """Labels by code that give the code itself for a code they do not know: in a template
    `labels[code]` is one lookup where `labels.get(code, code)` is a call (per row)."""

    def __missing__(self, key):
        return key
