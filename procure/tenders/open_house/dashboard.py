"""Dashboard cards for the open house (count queries only)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from procure.auth.permissions import scoped
from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, PROCUREMENT, PROVIDER
from procure.core.types import utcnow
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.tenders.open_house.models import Admission, Application, EntryMoment


@dashboard_card
def open_house_cards(user):
    if user.role in (ADMIN, PROCUREMENT, CONTRACT_MANAGER):
        now = utcnow()
        stmt = scoped(select(func.count(Application.id)), Application, user).where(
            Application.status == "submitted"
        )
        waiting = db.session.execute(stmt).scalar_one()
        overdue = db.session.execute(
            stmt.outerjoin(EntryMoment, EntryMoment.id == Application.entry_moment_id).where(
                or_(EntryMoment.assessment_deadline < now, Application.assessment_deadline < now)
            )
        ).scalar_one()
        return [
            {
                "title": _l("Open house: aanvragen te beoordelen"),
                "value": waiting,
                "endpoint": "open_house.index",
                "level": "alert" if overdue else ("warn" if waiting else "ok"),
            }
        ]
    if user.role == PROVIDER:
        asked = db.session.execute(
            scoped(select(func.count(Application.id)), Application, user).where(
                Application.status == "more_info"
            )
        ).scalar_one()
        if not asked:
            return []
        return [
            {
                "title": _l("Open house: aanvulling gevraagd"),
                "value": asked,
                "endpoint": "open_house.index",
                "level": "warn",
            }
        ]
    if user.role == MUNICIPALITY:
        admitted = db.session.execute(
            scoped(select(func.count(func.distinct(Admission.provider_id))), Admission, user).where(
                Admission.status == "active"
            )
        ).scalar_one()
        return [
            {
                "title": _l("Open house: toegelaten aanbieders"),
                "value": admitted,
                "endpoint": "open_house.index",
            }
        ]
    return []
