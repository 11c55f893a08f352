"""URL converters."""

from werkzeug.routing import IntegerConverter

INT_MAX = 2**31 - 1  # the largest value every integer column holds on both engines


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to the range of an INTEGER primary key: larger ids answer 404.

    PostgreSQL refuses to compare an INTEGER column with a value beyond 32 bits.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)
