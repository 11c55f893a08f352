"""The twice-yearly survey of missing care (seed 001): each half-year the access teams of
the municipalities report care they cannot find for their youngsters. The region's
overview feeds the next purchasing round through a market consultation."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.labels import resolved
from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db

# The themes seed 001 reports as missed, and room for anything else.
THEMES = {
    "hoogbegaafdheid": _l("Hoogbegaafdheid"),
    "echtscheiding": _l("Echtscheiding"),
    "gezinshuizen": _l("Gezinshuizen"),
    "moeder_kindhuizen": _l("Moeder-kindhuizen"),
    "genderzorg": _l("Genderzorg"),
    "orthopsychiatrie": _l("Orthopsychiatrie"),
    "other": _l("Anders"),
}
HALVES = (1, 2)


class MissingCareEntry(db.Model):
    __tablename__ = "missing_care_entries"
    __table_args__ = (Index("ix_missing_care_region_period", "region_id", "year", "half"),)
    # The municipality that reported it and the region's staff (not providers).
    __scope__ = Scope(
        region="region_id",
        municipality="municipality_id",
        roles=("admin", "procurement", "contract_manager", "supervisor", "municipality"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    year: Mapped[int] = mapped_column()
    half: Mapped[int] = mapped_column()
    theme: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text)
    youngsters: Mapped[int | None] = mapped_column()
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_consultations.id"), index=True
    )
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality = relationship("Municipality")
    consultation = relationship("MarketConsultation")

    @property
    def period_label(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def theme_label(self) -> str:
        return resolved(THEMES).get(self.theme, self.theme)


def resolved_themes() -> dict:
    return resolved(THEMES)
