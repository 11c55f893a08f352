"""URL converters."""

from werkzeug.routing import IntegerConverter


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to a signed 64-bit value: larger ids answer 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)
