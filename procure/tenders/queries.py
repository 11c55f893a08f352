"""Read-only queries of the tenders for other domains."""

from sqlalchemy import extract, or_, select

from procure.auth.permissions import scoped
from procure.extensions import db
from procure.tenders.models import Tender


def tenders_of_year(user, year: int) -> list[Tender]:
    """The region's tenders awarded in `year` (or, not awarded, created in it) that `user`
    may see: the tenders whose letters belong to that year."""
    awarded = extract("year", Tender.awarded_at)
    created = extract("year", Tender.created_at)
    stmt = (
        scoped(select(Tender), Tender, user)
        .where(Tender.region_id == user.region_id)
        .where(or_(awarded == year, (Tender.awarded_at.is_(None)) & (created == year)))
        .order_by(Tender.id)
    )
    return db.session.execute(stmt).scalars().all()


# Named selections of the list filter (?status=...) that dashboard cards count and link to,
# so that a card's number and the list behind it come from the same condition.
SAS_PROCEDURES = ("sas_dialogue", "sas_open")


def running_sas():
    """SAS tenders published and not yet decided."""
    from procure.tenders import policy

    return Tender.procedure.in_(SAS_PROCEDURES) & Tender.status.in_(policy.RUNNING)


def open_for_registration(now):
    """SAS tenders a provider can still register for at `now`."""
    from procure.tenders import policy

    return (
        Tender.procedure.in_(SAS_PROCEDURES)
        & (Tender.status == policy.PUBLISHED)
        & (Tender.registration_deadline > now)
    )
