"""Dashboard cards for the open house (count queries only)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from procure.auth.permissions import scoped
from procure.core.types import utcnow
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.tenders.open_house import policy
from procure.tenders.open_house.models import Admission, Application, EntryMoment


@dashboard_card
def open_house_cards(user):
    if policy.is_assessor(user):
        now = utcnow()
        stmt = scoped(select(func.count(Application.id)), Application, user).where(
            Application.status == policy.SUBMITTED
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
                "endpoint": "open_house.applications",
                "args": {"status": policy.SUBMITTED},
                "level": "alert" if overdue else ("warn" if waiting else "ok"),
            }
        ]
    if user.is_provider:
        asked = db.session.execute(
            scoped(select(func.count(Application.id)), Application, user).where(
                Application.status == policy.MORE_INFO
            )
        ).scalar_one()
        if not asked:
            return []
        return [
            {
                "title": _l("Open house: aanvulling gevraagd"),
                "value": asked,
                "endpoint": "open_house.applications",
                "args": {"status": policy.MORE_INFO},
                "level": "warn",
            }
        ]
    if user.is_municipality:
        admitted = db.session.execute(
            scoped(select(func.count(func.distinct(Admission.provider_id))), Admission, user).where(
                Admission.status == policy.ACTIVE
            )
        ).scalar_one()
        return [
            {
                "title": _l("Open house: toegelaten aanbieders"),
                "value": admitted,
                "endpoint": "open_house.admitted_providers",
            }
        ]
    return []
