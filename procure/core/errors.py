"""Errors that operations raise; views turn them into Dutch flash messages or JSON 4xx."""


class OperationError(Exception):
    """A refused operation. `message` is shown to the user (Dutch, translatable)."""

    status_code = 422
    code = "invalid"

    def __init__(self, message, *, field: str | None = None, errors: list | None = None):
        # Not str(message): rendering a lazy text reads the user's locale, which may need
        # the database, and the session may be unusable right now (a failed flush that
        # the unit of work is about to roll back).
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or []


class ValidationFailed(OperationError):
    code = "validation_failed"


class InvalidTransition(OperationError):
    status_code = 409
    code = "invalid_transition"


class NotAllowed(OperationError):
    status_code = 403
    code = "forbidden"


class NotFound(OperationError):
    status_code = 404
    code = "not_found"


class Conflict(OperationError):
    status_code = 409
    code = "conflict"
