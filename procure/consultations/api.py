"""Market consultations over the API: what the user may see of them (read only)."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from procure.api import bp
from procure.api.schemas import PageArgs, page_numbers, page_of
from procure.consultations import queries
from procure.consultations.models import MarketConsultation, MarketDocument
from procure.consultations.schemas import ConsultationDetailSchema, ConsultationSchema
from procure.core.listing import paginate
from procure.extensions import db


@bp.get("/consultations")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(ConsultationSchema))
def consultations_list(args):
    """Marktconsultaties binnen het bereik van het token"""
    stmt = (
        queries.visible()
        .options(joinedload(MarketConsultation.region), joinedload(MarketConsultation.tender))
        .order_by(MarketConsultation.reference)
    )
    return paginate(stmt, *page_numbers(args))


@bp.get("/consultations/<reference>")
@bp.response(200, ConsultationDetailSchema)
def consultation_get(reference):
    """Eén marktconsultatie met vragen, documenten en uitkomst"""
    stmt = queries.visible(
        select(MarketConsultation).where(MarketConsultation.reference == reference)
    ).options(
        selectinload(MarketConsultation.questions),
        selectinload(MarketConsultation.documents).joinedload(MarketDocument.file),
    )
    found = db.session.execute(stmt).scalar()
    if found is None:
        abort(404)
    return found
