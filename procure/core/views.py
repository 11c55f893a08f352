"""What every domain's views do with an operation: run it, report the outcome, go back."""

from flask import flash, redirect

from procure.core.errors import OperationError


def flash_error(exc: OperationError, form=None) -> None:
    """Show a refused operation: its Dutch message, every listed error, and the message
    again on the form field it names (so the user sees where to correct)."""
    flash(str(exc.message), "error")
    for item in exc.errors:
        flash(str(item["message"] if isinstance(item, dict) else item), "error")
    field = getattr(form, exc.field, None) if form is not None and exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc.message)]


def run_action(fn, success, target: str):
    """Run an operation from a small action form, flash the outcome and redirect."""
    try:
        fn()
    except OperationError as exc:
        flash_error(exc)
    else:
        flash(str(success), "success")
    return redirect(target)
