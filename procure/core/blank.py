"""Forms nobody has typed into yet, rendered once and reused.

WTForms builds and renders a field in hundreds of calls, and the `field` macro adds its
own; a blank form's HTML is a pure function of its class, language, choices and initial
data. Only the CSRF token is the session's: it is put in on every request.
"""

from flask import current_app, render_template
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from procure.core.kept import Store

# Apart from the kept statements: a region's many contracts, each with its own choices,
# must not push the statements out.
_html = Store(1_000)


def blank_fields(template_name: str, form_class, *, prefix: str = "", choices=None) -> Markup:
    """The HTML `template_name` renders of a blank `form_class(prefix=prefix)` (its one
    variable: form) with `choices` ({field name: [(value, label)]}) set, rendered once
    per template, language, prefix and choices: the form is built only then. For forms
    without callable defaults; a submitted or refused form is rendered as usual. The
    template must leave out the CSRF token: BlankForm(form_class, prefix).hidden_tag()."""
    choices = choices or {}
    shown = tuple(
        (name, tuple((str(value), str(label)) for value, label in pairs))
        for name, pairs in sorted(choices.items())
    )

    def render():
        form = form_class(formdata=None, prefix=prefix)
        for name, pairs in choices.items():
            form[name].choices = list(pairs)
        return Markup(render_template(template_name, form=form))  # noqa: S704 (autoescaped)

    return _html.get(
        ("blank fields", template_name, str(get_locale()), form_class, prefix, shown), render
    )


class _BlankLabel:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class _BlankField:
    """A field of a BlankForm: its label's text and its HTML for given attributes."""

    __slots__ = ("_form", "_name", "label")

    def __init__(self, form: "BlankForm", name: str, label: str):
        self._form, self._name, self.label = form, name, _BlankLabel(label)

    def __call__(self, **attributes):
        return self._form.render(self._name, attributes)


class BlankForm:
    """What a page shows of a form nobody has typed into yet, rendered once per form class,
    prefix, locale and field attributes and reused. For forms whose blank fields do not depend on
    the request: no callable defaults, no choices set per page (those: `blank_fields`).
    In a template it reads like the form: `form.hidden_tag()`, `form.name.label.text`,
    `form.name(size=3)`; the hidden tag carries this session's CSRF token."""

    def __init__(self, form_class, prefix: str = ""):
        self._class, self._prefix = form_class, prefix
        self._key = (
            form_class,
            prefix,
            str(get_locale()),
            bool(current_app.config.get("WTF_CSRF_ENABLED", True)),
        )

    def _cached(self, part, make):
        return _html.get(
            ("blank form", *self._key, part),
            lambda: make(self._class(formdata=None, prefix=self._prefix)),
        )

    def render(self, name: str, attributes: dict):
        return self._cached(
            (name, tuple(sorted(attributes.items()))), lambda form: form[name](**attributes)
        )

    def __getattr__(self, name: str) -> _BlankField:
        if name.startswith("_"):
            raise AttributeError(name)
        label = self._cached((name, "label"), lambda form: str(form[name].label.text))
        return _BlankField(self, name, label)

    def hidden_tag(self):
        """The form's hidden fields (its CSRF token) as WTForms renders them, with the token
        of this session in place of the one of the request that rendered them first."""

        def hidden(form):
            token = form.csrf_token.current_token if "csrf_token" in form else None
            return form.hidden_tag(), token

        html, token = self._cached("hidden", hidden)
        if token is None:
            return html
        return Markup(str(html).replace(token, generate_csrf()))  # noqa: S704 (WTForms' HTML)
