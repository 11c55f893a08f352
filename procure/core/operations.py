"""The unit of work around every state-changing operation.

Operations live in each domain's operations.py and are decorated with @operation: the
outermost call commits, any exception rolls everything back, so a refused or failed
operation never half-writes data. Nested operations join the outer transaction.
"""

import functools
from contextvars import ContextVar

from procure.extensions import db

_depth: ContextVar[int] = ContextVar("operation_depth", default=0)


def operation(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        depth = _depth.get()
        token = _depth.set(depth + 1)
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                db.session.commit()
            return result
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)

    return wrapper
