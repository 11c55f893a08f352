"""Sandboxed rendering of the texts users edit (the clause library).

Clause texts are Jinja templates written by procurement officers. They render in an
ImmutableSandboxedEnvironment with only an explicit allow-list of fields, each a plain
string: no objects, no config, no request, no attribute tricks (`__class__` and friends
raise a SecurityError in the sandbox). Every failure becomes a ClauseError with a Dutch
message; nothing reaches the user as a 500.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from procure.core.errors import ValidationFailed

# The only fields a clause text may use, with the Dutch explanation shown in the editor.
ALLOWED_FIELDS: dict[str, str] = {
    "regio": "naam van de inkoopregio (opdrachtgever)",
    "aanbieder": "naam van de aanbieder (opdrachtnemer)",
    "gemeente": "naam van de gemeente (bij maatwerk), anders de regio",
    "contractnummer": "kenmerk van de overeenkomst",
    "ingangsdatum": "ingangsdatum van de overeenkomst (dd-mm-jjjj)",
    "einddatum": "einddatum van de overeenkomst (dd-mm-jjjj)",
    "uitvoeringsvariant": "uitvoeringsvariant in woorden",
    "taakgebied": "naam van het taakgebied",
    "aanbesteding": "kenmerk en titel van de aanbesteding of toelatingsprocedure",
    "opzegtermijn": "opzegtermijn in maanden",
}

MAX_OUTPUT = 20_000


class ClauseError(ValidationFailed):
    """A clause text that cannot be used; the message says why, in Dutch."""


class _Environment(ImmutableSandboxedEnvironment):
    def is_safe_attribute(self, obj, attr, value):
        # Fields are plain strings; nothing needs attributes beyond the sandbox defaults,
        # and dunder/private names are always refused.
        if attr.startswith("_"):
            return False
        return super().is_safe_attribute(obj, attr, value)


# Clause texts are plain text: the whole output is escaped afterwards, literal text included.
_env = _Environment(
    autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
# No globals (range, dict, lipsum, cycler, joiner, namespace) are needed in a clause.
_env.globals.clear()


# Statements a clause never needs: no macros, imports, includes or template inheritance.
FORBIDDEN_NODES = (
    nodes.Macro,
    nodes.CallBlock,
    nodes.Import,
    nodes.FromImport,
    nodes.Include,
    nodes.Extends,
    nodes.Block,
)
SPECIAL_NAMES = {"self", "caller", "varargs", "kwargs"}


def _private(node) -> bool:
    if isinstance(node, nodes.Getattr):
        return node.attr.startswith("_")
    if isinstance(node, nodes.Getitem):
        return isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_")
    return node.name in SPECIAL_NAMES


def check_clause(text: str) -> None:
    """Refuse a clause text that does not parse or uses a field outside the allow-list."""
    try:
        parsed = _env.parse(text)
    except TemplateSyntaxError as exc:
        raise ClauseError(
            _l(
                "De tekst bevat een opmaakfout op regel %(line)s: %(error)s.",
                line=exc.lineno,
                error=exc.message,
            ),
            field="body",
        ) from exc
    for node in parsed.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, *FORBIDDEN_NODES)):
        if isinstance(node, FORBIDDEN_NODES) or _private(node):
            raise ClauseError(
                _l("De tekst vraagt iets op wat niet toegestaan is en is daarom niet gebruikt."),
                field="body",
            )
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(ALLOWED_FIELDS))
    if unknown:
        raise ClauseError(
            _l(
                "De tekst gebruikt velden die niet zijn toegestaan: %(names)s. Toegestaan "
                "zijn: %(allowed)s.",
                names=", ".join(unknown),
                allowed=", ".join(ALLOWED_FIELDS),
            ),
            field="body",
        )


def render_clause(text: str, fields: dict) -> Markup:
    """Render one clause text with only the allowed fields (as strings). Paragraphs are
    separated by blank lines; the result is escaped HTML."""
    check_clause(text)
    values = {name: str(fields.get(name, "") or "") for name in ALLOWED_FIELDS}
    try:
        output = _env.from_string(text).render(**values)
    except SecurityError as exc:
        raise ClauseError(
            _l("De tekst vraagt iets op wat niet toegestaan is en is daarom niet gebruikt."),
            field="body",
        ) from exc
    except UndefinedError as exc:
        raise ClauseError(
            _l("De tekst gebruikt een onbekend veld (%(error)s).", error=exc.message), field="body"
        ) from exc
    except TemplateError as exc:
        raise ClauseError(
            _l("De tekst kon niet worden opgemaakt: %(error)s.", error=str(exc)), field="body"
        ) from exc
    except Exception as exc:  # e.g. a TypeError from a filter on a string
        raise ClauseError(_l("De tekst kon niet worden opgemaakt."), field="body") from exc
    if len(output) > MAX_OUTPUT:
        raise ClauseError(
            _l("De tekst is te lang (maximaal %(n)s tekens).", n=MAX_OUTPUT), field="body"
        )
    return paragraphs(escape(output))


def paragraphs(text: str) -> Markup:
    """Blank-line separated paragraphs as <p> elements (the text is already escaped)."""
    text = escape(text)  # a no-op for Markup: escaped once, never twice
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in parts)
