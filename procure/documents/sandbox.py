"""Sandboxed rendering of the texts users edit (the clause library).

Clause texts are Jinja templates written by procurement officers. They render in an
ImmutableSandboxedEnvironment with only an explicit allow-list of fields, each a plain
string: no objects, no config, no request, no attribute tricks (`__class__` and friends
raise a SecurityError in the sandbox). Every failure becomes a ClauseError with a Dutch
message; nothing reaches the user as a 500.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes, pass_context
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.filters import FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg
from jinja2.visitor import NodeTransformer
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


NOT_ALLOWED = _l("De tekst vraagt iets op wat niet toegestaan is en is daarom niet gebruikt.")
TOO_HEAVY = _l(
    "De tekst vraagt te veel rekenwerk of levert een te lange tekst op en is daarom niet "
    "gebruikt. Vereenvoudig de tekst (minder herhalingen, kleinere getallen)."
)


def _refuse(message=TOO_HEAVY):
    raise ClauseError(message, field="body")


# -- limits --------------------------------------------------------------------------------
# A clause is a paragraph of contract text: these bounds are far above any real clause and
# far below what could slow the server. Every value the template produces is checked, and
# operations whose cost is not bounded by their inputs are estimated before they run.


@dataclass(frozen=True)
class Limits:
    text: int = MAX_OUTPUT  # characters in any string, and in the whole output
    items: int = 10_000  # elements in any list, tuple or dict
    int_bits: int = 256  # integers up to about 77 digits
    iterations: int = 10_000  # loop iterations in one render, all loops together
    seconds: float = 0.5  # wall-clock time of one render
    nesting: int = 32  # nested blocks or brackets (the parser recurses on each)


LIMITS = Limits()


class _Budget:
    """What one render may still spend."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.iterations = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            _refuse()

    def iterate(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.iterations:
            _refuse()
        self.tick()


_budget: ContextVar[_Budget | None] = ContextVar("clause_budget", default=None)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


def _checked(value):
    """Refuse a value larger than the limits allow; return it otherwise."""
    if isinstance(value, str):
        if len(value) > LIMITS.text:
            _refuse()
    elif isinstance(value, list | tuple | dict | set | frozenset):
        if len(value) > LIMITS.items:
            _refuse()
    elif isinstance(value, int) and value.bit_length() > LIMITS.int_bits:
        _refuse()
    return value


def _check_arguments(args, kwargs) -> None:
    """Widths, counts and lengths given to a method or filter stay below the text limit
    (``ljust(10**9)``, ``center(10**9)``, ``truncate(10**9)``)."""
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and abs(arg) > LIMITS.text:
            _refuse()
        _checked(arg)


def _check_replace(text, old, new, count=-1) -> None:
    """The length of ``text.replace(old, new)``, estimated before it is built."""
    if not isinstance(text, str):
        return
    old, new = str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * (len(new) - len(old)) > LIMITS.text:
        _refuse()


def _check_join(items, separator="") -> None:
    if len(items) > LIMITS.items:
        _refuse()
    total = sum(len(str(item)) for item in items) + len(str(separator)) * len(items)
    if total > LIMITS.text:
        _refuse()


def _check_bits(bits: int) -> None:
    # twice the limit: the estimate may be generous, the result is checked exactly
    if bits > LIMITS.int_bits * 2:
        _refuse()


def _check_binop(operator: str, left, right) -> None:
    sized = (str, list, tuple)
    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0:
            _check_bits(max(left.bit_length(), 1) * right)
    elif operator == "*":
        if isinstance(left, int) and isinstance(right, sized):
            left, right = right, left
        if isinstance(left, sized) and isinstance(right, int):
            limit = LIMITS.text if isinstance(left, str) else LIMITS.items
            if len(left) * right > limit:
                _refuse()
        elif isinstance(left, int) and isinstance(right, int):
            _check_bits(left.bit_length() + right.bit_length())
    elif operator == "+":
        if isinstance(left, sized) and isinstance(right, sized):
            limit = LIMITS.text if isinstance(left, str) else LIMITS.items
            if len(left) + len(right) > limit:
                _refuse()
    elif operator == "%" and isinstance(left, str):
        _refuse(NOT_ALLOWED)  # printf-style formatting: widths like %0500000000d


# String methods a clause may call; everything else (format, join, expandtabs, encode,
# ...) is refused: they either build strings whose size the arguments do not bound, or
# format with widths hidden inside the text.
STRING_METHODS = frozenset(
    [
        "capitalize",
        "casefold",
        "center",
        "count",
        "endswith",
        "find",
        "index",
        "isalnum",
        "isalpha",
        "isdigit",
        "islower",
        "isnumeric",
        "isspace",
        "istitle",
        "isupper",
        "ljust",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rjust",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "upper",
        "zfill",
    ]
)


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def is_safe_attribute(self, obj, attr, value):
        # Fields are plain strings; nothing needs attributes beyond the sandbox defaults,
        # and dunder/private names are always refused.
        if attr.startswith("_"):
            return False
        if isinstance(obj, str) and callable(value) and attr not in STRING_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value):
        # str.format and format_map are refused (not in STRING_METHODS) instead of being
        # routed to Jinja's sandboxed formatter: widths inside the text ({:>999999999})
        # would allocate before any limit could apply.
        return None

    def getattr(self, obj, attribute):
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        _tick()
        return super().getitem(obj, argument)

    def call_binop(self, context, operator, left, right):
        _tick()
        _check_binop(operator, left, right)
        return _checked(super().call_binop(context, operator, left, right))

    def call(self, context, obj, /, *args, **kwargs):
        _tick()
        _check_arguments(args, kwargs)
        if getattr(obj, "__name__", "") == "replace":
            _check_replace(getattr(obj, "__self__", None), *args, **kwargs)
        return _checked(super().call(context, obj, *args, **kwargs))


def _bounded_concat(parts) -> str:
    """The output, joined as it streams: refused as soon as it grows past the limit."""
    out, size = [], 0
    for part in parts:
        size += len(part)
        if size > LIMITS.text:
            _refuse(_l("De tekst is te lang (maximaal %(n)s tekens).", n=LIMITS.text))
        out.append(part)
    return "".join(out)


def _limited_filter(func):
    """A built-in filter behind the limits. pass_context also keeps Jinja from running it
    at compile time (constant folding), where no limit would apply."""
    pass_arg = _PassArg.from_obj(func)

    @pass_context
    def wrapper(context, value, *args, **kwargs):
        _tick()
        _check_arguments(args, kwargs)
        if func is FILTERS["replace"]:
            _check_replace(value, *args, **kwargs)
        if func is FILTERS["join"]:
            value = list(value)
            _check_join(value, args[0] if args else kwargs.get("d", ""))
        if pass_arg is _PassArg.context:
            result = func(context, value, *args, **kwargs)
        elif pass_arg is _PassArg.eval_context:
            result = func(context.eval_ctx, value, *args, **kwargs)
        elif pass_arg is _PassArg.environment:
            result = func(context.environment, value, *args, **kwargs)
        else:
            result = func(value, *args, **kwargs)
        return _checked(result)

    return wrapper


@pass_context
def _guard_loop(context, iterable):
    """Wraps the iterable of every {% for %}: counts iterations against the budget."""
    budget = _budget.get()
    for item in iterable:
        if budget is not None:
            budget.iterate()
        yield item


@pass_context
def _guard_value(context, value):
    _tick()
    return _checked(value)


# Filters a clause may use (text, numbers, simple lists), each behind the limits.
ALLOWED_FILTERS = [
    "abs",
    "capitalize",
    "center",
    "count",
    "d",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "max",
    "min",
    "replace",
    "reverse",
    "round",
    "sort",
    "string",
    "striptags",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
    "wordwrap",
]
GUARD_LOOP = "_guard_loop"
GUARD_VALUE = "_guard_value"

# Clause texts are plain text: the whole output is escaped afterwards, literal text included.
_env = _Environment(
    autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
# No globals (range, dict, lipsum, cycler, joiner, namespace) are needed in a clause.
_env.globals.clear()
_env.filters = {name: _limited_filter(FILTERS[name]) for name in ALLOWED_FILTERS}
_env.filters[GUARD_LOOP] = _guard_loop
_env.filters[GUARD_VALUE] = _guard_value
_env.concat = _bounded_concat


class _Guards(NodeTransformer):
    """Rewrites the parsed clause so every loop runs through _guard_loop and every ``~``
    concatenation through _guard_value (neither has a hook in the sandbox)."""

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, GUARD_LOOP, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        return nodes.Filter(node, GUARD_VALUE, [], [], None, None, lineno=node.lineno)


# Statements a clause never needs: no macros, imports, includes or template inheritance,
# and no blocks that collect output outside the bounded stream ({% set %}...{% endset %},
# {% filter %}).
FORBIDDEN_NODES = (
    nodes.Macro,
    nodes.CallBlock,
    nodes.Import,
    nodes.FromImport,
    nodes.Include,
    nodes.Extends,
    nodes.Block,
    nodes.AssignBlock,
    nodes.FilterBlock,
)
SPECIAL_NAMES = {"self", "caller", "varargs", "kwargs"}


def _private(node) -> bool:
    if isinstance(node, nodes.Getattr):
        return node.attr.startswith("_")
    if isinstance(node, nodes.Getitem):
        return isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_")
    return node.name in SPECIAL_NAMES


def _forbidden(node) -> bool:
    if isinstance(node, FORBIDDEN_NODES):
        return True
    if isinstance(node, nodes.For):
        return node.recursive  # loop(...) re-enters without passing the guard
    if isinstance(node, nodes.Filter):
        return node.name not in ALLOWED_FILTERS
    return _private(node)


BLOCK_TAGS = frozenset({"for", "if", "with", "filter", "macro", "call", "block", "set"})
OPENING = frozenset({"lparen", "lbracket", "lbrace"})
CLOSING = frozenset({"rparen", "rbracket", "rbrace"})


def _check_nesting(text: str) -> None:
    """Refuse deep nesting before parsing: one linear pass over the tokens. (A
    ``{% set x = ... %}`` counts as a block here too; harmless at this limit.)"""
    depth = 0
    after_block_begin = False
    for _line, kind, value in _env.lex(text):
        if kind == "whitespace":
            continue
        if after_block_begin and kind == "name":
            if value in BLOCK_TAGS:
                depth += 1
            elif value.startswith("end"):
                depth -= 1
        elif kind in OPENING:
            depth += 1
        elif kind in CLOSING:
            depth -= 1
        after_block_begin = kind == "block_begin"
        if depth > LIMITS.nesting:
            _refuse()


def _parse(text: str) -> nodes.Template:
    try:
        _check_nesting(text)
        return _env.parse(text)
    except TemplateSyntaxError as exc:
        raise ClauseError(
            _l(
                "De tekst bevat een opmaakfout op regel %(line)s: %(error)s.",
                line=exc.lineno,
                error=exc.message,
            ),
            field="body",
        ) from exc
    except ClauseError:
        raise
    except Exception as exc:  # a 5,000-digit number, ...
        raise ClauseError(TOO_HEAVY, field="body") from exc


def check_clause(text: str) -> nodes.Template:
    """Refuse a clause text that does not parse or uses a field, filter or statement
    outside the allow-list. Returns the parsed text."""
    parsed = _parse(text)
    checked = (nodes.Getattr, nodes.Getitem, nodes.Name, nodes.For, nodes.Filter)
    for node in parsed.find_all((*checked, *FORBIDDEN_NODES)):
        if _forbidden(node):
            if isinstance(node, nodes.Filter):
                raise ClauseError(
                    _l(
                        "De tekst gebruikt een bewerking die niet bestaat of niet is "
                        "toegestaan: %(name)s. Toegestaan zijn: %(allowed)s.",
                        name=node.name,
                        allowed=", ".join(ALLOWED_FILTERS),
                    ),
                    field="body",
                )
            raise ClauseError(NOT_ALLOWED, field="body")
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
    return parsed


@lru_cache(maxsize=256)
def _compiled(text: str):
    """The checked, guarded and compiled clause (documents render the same texts often)."""
    parsed = _Guards().visit(check_clause(text))
    parsed.set_environment(_env)
    return _env.from_string(parsed)


def render_clause(text: str, fields: dict) -> Markup:
    """Render one clause text with only the allowed fields (as strings), within the limits.
    Paragraphs are separated by blank lines; the result is escaped HTML. Every failure,
    also of a text stored long ago, is a ClauseError with a Dutch message."""
    values = {name: str(fields.get(name, "") or "")[: LIMITS.text] for name in ALLOWED_FIELDS}
    token = _budget.set(_Budget(LIMITS))
    try:
        output = _compiled(text).render(**values)
    except ClauseError:
        raise
    except SecurityError as exc:
        raise ClauseError(NOT_ALLOWED, field="body") from exc
    except UndefinedError as exc:
        raise ClauseError(
            _l("De tekst gebruikt een onbekend veld (%(error)s).", error=exc.message), field="body"
        ) from exc
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise ClauseError(TOO_HEAVY, field="body") from exc
    except TemplateError as exc:
        raise ClauseError(
            _l("De tekst kon niet worden opgemaakt: %(error)s.", error=str(exc)), field="body"
        ) from exc
    except Exception as exc:  # e.g. a TypeError from a filter on a string
        raise ClauseError(_l("De tekst kon niet worden opgemaakt."), field="body") from exc
    finally:
        _budget.reset(token)
    return paragraphs(escape(output))


def paragraphs(text: str) -> Markup:
    """Blank-line separated paragraphs as <p> elements (the text is already escaped)."""
    text = escape(text)  # a no-op for Markup: escaped once, never twice
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in parts)
