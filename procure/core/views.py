"""What every domain's views do with an operation: run it, report the outcome, go back."""

from flask import Blueprint, abort, flash, jsonify, redirect, request
from flask_login import login_required

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


# -- picker search (progressive enhancement of PickerField) ----------------------------------

bp = Blueprint("pickers", __name__, url_prefix="/kiezen")


@bp.get("/<kind>")
@login_required
def picker_search(kind):
    """JSON matches for a picker while the user types: {"items": [{id, label}], "more"}."""
    from procure.core import pickers

    found = pickers.SOURCES.get(kind)
    if found is None:
        abort(404)
    context = {name: request.args.get(name, type=int) for name in found.params}
    items, more = pickers.matches(kind, request.args.get("q", ""), **context)
    return jsonify(items=[{"id": i, "label": label} for i, label in items], more=more)
