"""Which consultations a user sees: region staff their region's in every state; once
opened, a consultation is public to the market (every provider) and to the region's
municipalities."""

from flask import abort
from flask_login import current_user
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from procure.auth.roles import MUNICIPALITY, PROVIDER, REGION_STAFF
from procure.consultations import policy
from procure.consultations.models import (
    MarketAnswer,
    MarketConsultation,
    MarketQuestion,
)
from procure.extensions import db


def visible(stmt=None, user=None):
    user = user or current_user
    stmt = select(MarketConsultation) if stmt is None else stmt
    if not user.is_authenticated:
        return stmt.where(false())
    published = MarketConsultation.status.in_(policy.PUBLISHED)
    if user.role == PROVIDER:
        return stmt.where(published)
    if user.role == MUNICIPALITY:
        return stmt.where(MarketConsultation.region_id == user.region_id, published)
    if user.role in REGION_STAFF and user.region_id is not None:
        return stmt.where(MarketConsultation.region_id == user.region_id)
    return stmt.where(false())


def get_visible_or_404(consultation_id: int, user=None) -> MarketConsultation:
    stmt = visible(
        select(MarketConsultation).where(MarketConsultation.id == consultation_id), user
    ).options(
        selectinload(MarketConsultation.questions), selectinload(MarketConsultation.documents)
    )
    found = db.session.execute(stmt).scalar()
    if found is None:
        abort(404)
    return found


def answers_for(consultation: MarketConsultation, user=None) -> list[MarketAnswer]:
    """All answers for the region's staff, a provider's own answers for that provider."""
    from procure.consultations.policy import can_read_all_answers

    user = user or current_user
    stmt = (
        select(MarketAnswer)
        .join(MarketQuestion, MarketQuestion.id == MarketAnswer.question_id)
        .where(MarketQuestion.consultation_id == consultation.id)
        .options(selectinload(MarketAnswer.provider))
        .order_by(MarketQuestion.number, MarketAnswer.id)
    )
    if not can_read_all_answers(user, consultation):
        if user.role != PROVIDER:
            return []
        stmt = stmt.where(MarketAnswer.provider_id == user.provider_id)
    return list(db.session.execute(stmt).scalars())
