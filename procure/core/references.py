"""Reference numbers ("WBO-S2026-0042") without the "max + 1" race.

Two requests that both read the highest number and add one collide on the unique key;
instead, each prefix has a counter row that is incremented inside the caller's
transaction. The UPDATE locks that row (PostgreSQL) or takes SQLite's write lock, so a
concurrent request waits for the first to commit and then reads the next number; a
rolled-back transaction gives its number back. The highest existing reference is the
floor, so rows made without the counter (demo data, imports) are never numbered twice.
"""

from sqlalchemy import String, case, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from procure.extensions import db


class ReferenceCounter(db.Model):
    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def _floor(prefix: str, column) -> int:
    """The highest number in use under the prefix (references are prefix + digits)."""
    width = func.length(column)
    last = db.session.execute(
        select(column)
        .where(column.like(prefix.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\"))
        .order_by(width.desc(), column.desc())
        .limit(1)
    ).scalar()
    try:
        return int(last[len(prefix) :]) if last else 0
    except ValueError:
        return 0


def next_number(prefix: str, column) -> int:
    """The next number under `prefix`, reserved until the caller's transaction ends."""
    floor = _floor(prefix, column)
    # The dialect's INSERT loads on first use: SQLite processes never import PostgreSQL's.
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(ReferenceCounter)
        .values(prefix=prefix, value=floor)
        .on_conflict_do_nothing(index_elements=["prefix"])
    )
    current = ReferenceCounter.value
    db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix)
        .values(value=case((current > floor, current), else_=floor) + 1)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(
        select(ReferenceCounter.value).where(ReferenceCounter.prefix == prefix)
    ).scalar_one()


def next_reference(prefix: str, column, *, width: int = 4) -> str:
    return f"{prefix}{next_number(prefix, column):0{width}d}"
