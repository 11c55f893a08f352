"""The unit of work around every state-changing operation.

Operations live in each domain's operations.py and are decorated with @operation: the
outermost call commits, any exception rolls everything back, so a refused or failed
operation never half-writes data. Nested operations join the outer transaction.
`unit_of_work()` opens the same kind of transaction around a block (the API uses it to
store an idempotent response together with the write it answers).
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from procure.extensions import db

_depth: ContextVar[int] = ContextVar("operation_depth", default=0)


@contextmanager
def unit_of_work():
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        yield
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        _depth.reset(token)


def operation(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper
