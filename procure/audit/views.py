from collections import namedtuple

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import bindparam, select

from procure.audit import describe
from procure.audit.models import AuditEvent, AuditFacts
from procure.auth.permissions import role_required, scoped
from procure.auth.roles import ADMIN
from procure.core.kept import kept, kept_page, page_statements, scope_key
from procure.core.listing import page_args

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")

_COLUMNS = "occurred_at actor_label action object_type object_id old_values new_values note"
_ROWS = select(*(getattr(AuditEvent, name) for name in _COLUMNS.split()))


class LogRow(AuditFacts, namedtuple("LogRow", _COLUMNS + " sentence changes")):
    """An event as the log shows it: its columns, its sentence (describe.describe) and its
    field changes (describe.changes; none worked out where the content is hidden)."""

    __slots__ = ()

    @classmethod
    def of(cls, rows) -> list:
        locale = str(get_locale())
        events = []
        for row in rows:
            event = cls(*row, None, ())
            changes = () if event.content_hidden else describe.changes(event)
            sentence = describe.describe(event, locale)
            events.append(event._replace(sentence=sentence, changes=changes))
        return events


def _log_statements(by_type: bool, by_action: bool) -> tuple:
    """The log's page and count statements for the current user, newest first, of one
    object type (parameter q_type) and one action (q_action) when given. Kept per scope
    and shape (core.kept); the values are parameters."""

    def narrowed(stmt):
        stmt = scoped(stmt, AuditEvent)
        if by_type:
            stmt = stmt.where(AuditEvent.object_type == bindparam("q_type"))
        if by_action:
            stmt = stmt.where(AuditEvent.action == bindparam("q_action"))
        return stmt

    def build():
        rows = narrowed(_ROWS.order_by(AuditEvent.id.desc()))
        return page_statements(rows, narrowed(select(AuditEvent.id)))

    return kept(("audit.log", by_type, by_action, *scope_key()), build)


@bp.get("/")
@role_required(ADMIN)
def index():
    object_type = request.args.get("type", "").strip()
    action = request.args.get("action", "").strip()
    params = {}
    if object_type:
        params["q_type"] = object_type
    if action:
        params["q_action"] = action
    statements = _log_statements(bool(object_type), bool(action))
    page = kept_page(statements, params, *page_args(), rows=LogRow.of)
    return render_template(
        "audit/index.html",
        page=page,
        object_type=object_type,
        action=action,
        texts=_row_texts(),
    )


def _row_texts() -> dict:
    """The texts every row repeats, translated once per page (as Jinja's _() gives them: a
    translation is trusted as the template is) instead of a translation call per row."""
    return {
        "hidden": Markup(_("vertrouwelijke inhoud")),  # noqa: S704
        "removed": Markup(_("(verwijderd)")),  # noqa: S704
        "technical": Markup(_("Technische gegevens")),  # noqa: S704
        "action": Markup(_("Actiecode")),  # noqa: S704
        "object": Markup(_("Object")),  # noqa: S704
    }
