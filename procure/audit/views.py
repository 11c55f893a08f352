from flask import Blueprint, render_template, request
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.auth.permissions import role_required, scoped
from procure.auth.roles import ADMIN
from procure.core.listing import page_args, paginate

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")


@bp.get("/")
@role_required(ADMIN)
def index():
    stmt = scoped(select(AuditEvent), AuditEvent).order_by(AuditEvent.id.desc())
    object_type = request.args.get("type", "").strip()
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    action = request.args.get("action", "").strip()
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    page = paginate(stmt, *page_args())
    return render_template("audit/index.html", page=page, object_type=object_type, action=action)
