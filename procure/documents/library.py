"""Reading the clause library: the newest version of each clause for a region."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from procure.documents.clauses import BY_KEY
from procure.documents.models import ClauseVersion
from procure.documents.sandbox import render_clause
from procure.extensions import db


@dataclass(frozen=True)
class ResolvedClause:
    key: str
    version: int  # 0 = the standard text
    title: str
    body: str


def current_clauses(region_id: int) -> dict[str, ResolvedClause]:
    """All clause keys with the region's newest text (one query)."""
    rows = db.session.execute(
        select(ClauseVersion)
        .where(ClauseVersion.region_id == region_id)
        .order_by(ClauseVersion.key, ClauseVersion.version)
    ).scalars()
    result = {key: ResolvedClause(key, 0, c.title, c.body) for key, c in BY_KEY.items()}
    for row in rows:  # ordered by version: the last one wins
        result[row.key] = ResolvedClause(row.key, row.version, row.title, row.body)
    return result


class ClauseRenderer:
    """Renders clauses for one document and remembers which versions it used."""

    def __init__(self, region_id: int, fields: dict):
        self.clauses = current_clauses(region_id)
        self.fields = fields
        self.used: dict[str, int] = {}

    def __call__(self, key: str) -> dict:
        clause = self.clauses[key]
        self.used[key] = clause.version
        return {
            "key": key,
            "title": clause.title,
            "html": str(render_clause(clause.body, self.fields)),
        }
