"""The one path from a POST to an operation, shared by every domain's views.

    return submit(
        lambda: ops.set_year_budget(contract, ...),
        form=form,                       # validated first; keeps the user's input
        success=_l("Budget vastgelegd."),
        target=url_for("contracts.detail", contract_id=contract.id, _anchor="budget"),
        page=lambda: _render_detail(contract, budget_form=form),
    )

Valid input and an accepted operation: one success message, then a redirect (so a reload
does not post twice). Invalid input or a refused operation: the page is rendered again
(status 422, or the refusal's own 409/403/404) with the form as the user filled it in and
each error next to the field it is about; a refusal about no particular field is shown
once at the top. Small action buttons without a page of their own flash the refusal and
go back to `target`.

The operation's keywords come from the form with `values(form, "year", reason="")` and,
for a small action form without a form class, from the posted fields with
`posted("motivation")`. List pages go through `list_page` (sort, one page, render).
"""

from collections.abc import Callable

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import escape

from procure.core.errors import OperationError
from procure.core.listing import apply_sort, list_cap, page_args, paginate
from procure.extensions import db


def policy_blueprint(name: str, import_name: str, url_prefix: str, policy, global_name: str):
    """A domain's blueprint whose templates ask its policy under `global_name`
    (`tender_policy.can_publish(current_user, tender)`)."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    bp.add_app_template_global(policy, global_name)
    return bp


# -- from the request to an operation's keywords -----------------------------------------


def _names(names: tuple[str, ...]) -> list[str]:
    return [name for group in names for name in group.split()]


def values(form, *names: str, **fallbacks) -> dict:
    """The form's data as an operation's keywords: each of `names` (a name, or several
    separated by spaces) as entered, each of `fallbacks` (name=fallback) with its fallback
    where the field was left empty: `values(form, "year amount", reason="")`."""
    data = {name: getattr(form, name).data for name in _names(names)}
    data.update({name: getattr(form, name).data or empty for name, empty in fallbacks.items()})
    return data


def posted(*names: str, **fallbacks) -> dict:
    """The posted fields of a small action form (a button with a text or two, no form
    class) as an operation's keywords; an absent field is "" (or its fallback)."""
    data = {name: request.form.get(name, "") for name in _names(names)}
    data.update({name: request.form.get(name) or empty for name, empty in fallbacks.items()})
    return data


def _message(item) -> tuple[str | None, str]:
    if isinstance(item, dict):
        return item.get("field"), str(item.get("message", ""))
    return None, str(item)


def _add_field_error(form, name: str | None, message: str) -> bool:
    field = getattr(form, name, None) if form is not None and name else None
    if field is None or not hasattr(field, "errors"):
        return False
    if not isinstance(field.errors, list):  # WTForms keeps a tuple until validation
        field.errors = list(field.errors)
    if message not in field.errors:
        field.errors.append(message)
    return True


def show_refusal(exc: OperationError, form=None) -> None:
    """Put a refused operation's messages where they belong: on the form field they name,
    otherwise once at the top of the page."""
    messages = [(exc.field, str(exc.message)), *map(_message, exc.errors)]
    shown = set()
    for name, text in messages:
        if not text or text in shown:
            continue
        shown.add(text)
        if not _add_field_error(form, name, text):
            flash(text, "error")


# Older name, kept for views not yet moved to submit().
flash_error = show_refusal


def submit(
    operation: Callable,
    *,
    success,
    target,
    form=None,
    page: Callable | None = None,
    back: str | None = None,
):
    """Validate `form`, run `operation()`, flash `success` once and redirect to `target`.

    `success` and `target` may be callables taking the operation's result (a new object's
    id for the message or the next URL); `success=None` is a change that speaks for itself
    (a notification marked read), without a message. `page()` renders the page again on
    refusal; give it whenever the form has fields the user typed into. Without a page, a
    refusal goes to `back` (default: `target`, or the referring page when `target` needs a
    result)."""
    if back is None:
        back = target if not callable(target) else (request.referrer or "/")
    if form is not None and not form.validate_on_submit():
        if page is not None:
            return _render_refusal(page, form, 422)
        for name, errors in form.errors.items():
            label = getattr(getattr(form, name, None), "label", None)
            prefix = f"{label.text}: " if label is not None else ""
            flash(prefix + (_messages(errors) or [""])[0], "error")
        return redirect(back)
    try:
        result = operation()
    except OperationError as exc:
        db.session.rollback()  # whatever a view staged before the refusal (an upload) goes
        show_refusal(exc, form if page is not None else None)
        if page is not None:
            return _render_refusal(page, form, exc.status_code)
        return redirect(back)
    if success is not None:
        flash(str(success(result) if callable(success) else success), "success")
    return redirect(target(result) if callable(target) else target)


def _render_refusal(page: Callable, form, status: int):
    """The page again, with the errors next to their fields. An error on a field the page
    no longer shows (the object moved on since the form was loaded: a signal closed, a
    product expired) goes at the top instead, so that no refusal passes unexplained."""
    body = _body(page())
    unseen = _unseen_errors(form, body)
    if not unseen:
        return body, status
    if request_ctx.flashes is None:  # the page showed no messages: they wait in the session
        for text in unseen:
            flash(text, "error")
    else:  # the page took the waiting messages already: show them again with these
        request_ctx.flashes.extend(("error", text) for text in unseen)
    return _body(page()), status


def _unseen_errors(form, body: str) -> list[str]:
    if form is None:
        return []
    unseen = []
    for name, errors in form.errors.items():
        field = getattr(form, name, None) if isinstance(name, str) else None  # None: form-wide
        label = getattr(field, "label", None)
        prefix = f"{label.text}: " if label is not None else ""
        for error in _messages(errors):
            if str(escape(error)) not in body:
                unseen.append(prefix + error)
    return unseen


def _messages(errors) -> list[str]:
    """The messages of a field's errors, those of the rows of a list of subforms too
    (a list of {field: [message]} per row) flattened."""
    if isinstance(errors, dict):
        errors = list(errors.values())
    if not isinstance(errors, list | tuple):
        return [str(errors)]
    return [message for error in errors for message in _messages(error)]


def _body(rendered):
    """A page function may answer (body, status) for its own GET; submit sets the status."""
    return rendered[0] if isinstance(rendered, tuple) else rendered


def submit_on_page(
    operation,
    success,
    anchor: str = "",
    form_key: str | None = None,
    form=None,
    *,
    url: str,
    render: Callable,
):
    """`submit` for a form or button on an object's page (a fold-out, a panel): accepted,
    back to `url` + `anchor`; refused, `render(given)` shows the page again with `given`
    ({form_key: form}) as the user filled it in, the others fresh."""
    given = {form_key: form} if form_key else {}
    return submit(
        operation, form=form, success=success, target=url + anchor, page=lambda: render(given)
    )


def run_action(fn, success, target: str):
    """A small action form (a button, no fields): `submit` without a form or a page."""
    return submit(fn, success=success, target=target)


# -- list pages -----------------------------------------------------------------------------


def warn_unknown_filters(labels) -> None:
    """One warning per filter whose value in the query string is not one of its choices."""
    for label in labels:
        flash(
            _("Het filter '%(f)s' heeft een onbekende waarde en is niet toegepast.", f=label),
            "warning",
        )


def list_page(
    template: str,
    stmt,
    sorts: dict | None = None,
    default_sort: str | None = None,
    *,
    default_direction: str = "asc",
    per_page: int | None = None,
    scalars: bool = True,
    counted=None,
    from_page: Callable | None = None,
    **context,
):
    """A list page: `stmt` ordered by the ?sort=/?dir= the user chose among `sorts`, one
    page of it, and the template rendered with `page`, `sort`, `direction` and `context`
    (and `from_page(page)`: what the page shows besides its items, as a dict)."""
    sort = direction = None
    if sorts is not None:
        stmt, sort, direction = apply_sort(stmt, sorts, default_sort, default_direction)
    page = paginate(stmt, *page_args(per_page), scalars=scalars, counted=counted, cap=list_cap())
    if from_page is not None:
        context.update(from_page(page))
    return render_template(template, page=page, sort=sort, direction=direction, **context)


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
