"""Searchable pickers for tables that grow with the data (providers, products, contracts).

A `PickerField` offers at most `LIMIT` matches of a server-side search plus the current
choice, never every row, so no page's size grows with the provider register or the
catalogue. Without JavaScript the search field and its "Zoeken" button submit the form
with `picker-search` set; the view re-renders it with the matches and the input kept
(`searching()`). With JavaScript, static/js/app.js fetches the matches from
`/kiezen/<kind>` while the user types.

A domain registers a source: a function (text, **context) -> select(id, label) in display
order, already limited to what the current user may pick. `context` holds the few named
parameters a source needs (e.g. the contract a product is added to).
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select
from wtforms import SelectField, ValidationError

from procure.core.listing import like_pattern
from procure.extensions import db

LIMIT = 20
SEARCH_BUTTON = "picker-search"
MAX_QUERY = 100


@dataclass(frozen=True)
class Source:
    kind: str
    options: Callable[..., Select]
    params: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {}


def source(kind: str, params: tuple[str, ...] = ()):
    """Register a picker source under `kind` (the URL part of /kiezen/<kind>)."""

    def decorator(fn):
        SOURCES[kind] = Source(kind, fn, params)
        return fn

    return decorator


def pattern(text: str) -> str | None:
    """The ILIKE pattern for a search text, None for an empty search."""
    text = (text or "").strip()[:MAX_QUERY]
    return like_pattern(text) if text else None


def matches(kind: str, text: str, limit: int = LIMIT, **context) -> tuple[list, bool]:
    """At most `limit` (id, label) pairs and whether there are more."""
    stmt = SOURCES[kind].options(text, **context)
    rows = db.session.execute(stmt.limit(limit + 1)).all()
    return [(r[0], r[1]) for r in rows[:limit]], len(rows) > limit


def label_of(kind: str, ident, **context) -> str | None:
    """The label of one pickable id, None when the user may not pick it."""
    stmt = SOURCES[kind].options("", **context)
    row = db.session.execute(stmt.where(stmt.selected_columns[0] == ident).limit(1)).first()
    return None if row is None else row[1]


def searching() -> bool:
    """The form was submitted by a picker's search button: show matches, change nothing."""
    return request.method == "POST" and bool(request.form.get(SEARCH_BUTTON))


def _to_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class PickerField(SelectField):
    """A select of at most LIMIT search results; validated by looking the chosen id up in
    its source (so a value outside the shown matches, or outside the scope, is refused).
    Context names in `narrowing` only narrow the matches offered; the operation checks
    them itself, with its own message."""

    def __init__(
        self, label=None, validators=None, *, kind: str, empty=None, narrowing=(), **kwargs
    ):
        super().__init__(label, validators, coerce=_to_int, validate_choice=False, **kwargs)
        self.kind = kind
        self.narrowing = tuple(narrowing)
        self.empty = empty if empty is not None else _l("— kies —")
        self.context: dict = {}
        self.query = ""
        self.more = False
        self.limit = LIMIT

    @property
    def search_name(self) -> str:
        return f"{self.name}-q"

    def configure(self, selected: int | None = None, **context) -> "PickerField":
        """Fill the choices: the current (or given) value and the matches of the search."""
        self.context = context
        self.query = (request.values.get(self.search_name) or "").strip()[:MAX_QUERY]
        found, self.more = matches(self.kind, self.query, **context)
        current = self.data or selected or 0
        if current and self.data is None:
            self.data = current
        if current and all(ident != current for ident, _label in found):
            label = label_of(self.kind, current, **self._allowing())
            if label is not None:
                found = [(current, label), *found]
        self.choices = [(0, str(self.empty)), *found]
        return self

    def _allowing(self) -> dict:
        """The context that decides what may be picked (without the narrowing names)."""
        return {k: v for k, v in self.context.items() if k not in self.narrowing}

    def pre_validate(self, form):
        if self.data and label_of(self.kind, self.data, **self._allowing()) is None:
            raise ValidationError(str(_l("Kies een waarde uit de zoekresultaten.")))
