"""WTForms' widgets with a cheaper attribute writer.

WTForms builds every attribute of every field through `Markup.format`, which runs the
string formatter's escaping machinery once per attribute: about half of the calls of a
rendered field. `html_params` here writes the same attributes (same order, same escaping,
same handling of True and False) with an f-string on escaped values.
tests/core/test_widgets.py checks it against WTForms' own on thousands of random
attribute sets, so an upgrade of WTForms that changes the output fails there.
"""

from collections.abc import Iterable, Mapping

import wtforms.widgets
from markupsafe import Markup, escape
from wtforms.widgets import core

WTFORMS_HTML_PARAMS = core.html_params


def html_params(**kwargs) -> Markup:
    params = []
    for key, value in sorted(kwargs.items()):
        if value is False:
            continue
        key = escape(core.clean_key(key))
        params.append(key if value is True else f'{key}="{escape(value)}"')
    return Markup(" ".join(params))  # noqa: S704 (every key and value escaped above)


def options(choices: Mapping | Iterable, chosen=None) -> Markup:
    """The <option>s of a filter's select: (value, label) pairs or a mapping of them, the
    one equal to `chosen` selected. One pass in Python: a select of a few hundred task
    areas (a national admin's) costs a Jinja loop thousands of calls."""
    pairs = choices.items() if isinstance(choices, Mapping) else choices
    return Markup(  # noqa: S704 (every value and label escaped)
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in pairs
        )
    )


def install() -> None:
    """Use html_params in every WTForms widget: the module function (Select, TextArea, the
    list and table widgets), its re-export (field labels) and the static method of the
    input and button widgets."""
    core.html_params = wtforms.widgets.html_params = html_params
    core.Input.html_params = staticmethod(html_params)
    core.Button.html_params = staticmethod(html_params)
