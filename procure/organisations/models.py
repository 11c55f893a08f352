from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.scope import Scope
from procure.extensions import db


class Region(db.Model):
    __tablename__ = "regions"
    __scope__ = Scope(region="id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_code: Mapped[str] = mapped_column(String(20), unique=True)
    kvk_number: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(300))

    municipalities: Mapped[list["Municipality"]] = relationship(
        back_populates="region", order_by="Municipality.name"
    )

    def __str__(self) -> str:
        return self.name


class Municipality(db.Model):
    __tablename__ = "municipalities"
    __scope__ = Scope(region="region_id", providers_see_all=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    cbs_code: Mapped[str] = mapped_column(String(4), unique=True)

    region: Mapped[Region] = relationship(back_populates="municipalities")

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" ", "-")

    def __str__(self) -> str:
        return self.name


class Provider(db.Model):
    """A care provider (aanbieder); a consortium has a lead and member providers."""

    __tablename__ = "providers"
    # The provider register is shared by all regions; a provider user sees only itself.
    __scope__ = Scope(provider="id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_code: Mapped[str] = mapped_column(String(40), unique=True)
    kvk_number: Mapped[str] = mapped_column(String(8), unique=True)
    agb_code: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    is_consortium: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    memberships: Mapped[list["ConsortiumMember"]] = relationship(
        foreign_keys="ConsortiumMember.consortium_id",
        back_populates="consortium",
        cascade="all, delete-orphan",
    )

    @property
    def lead(self) -> "Provider | None":
        return next((m.member for m in self.memberships if m.is_lead), None)

    @property
    def members(self) -> list["Provider"]:
        return [m.member for m in self.memberships]

    def __str__(self) -> str:
        return self.name


class ConsortiumMember(db.Model):
    __tablename__ = "consortium_members"
    __table_args__ = (UniqueConstraint("consortium_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consortium_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    consortium: Mapped[Provider] = relationship(
        foreign_keys=[consortium_id], back_populates="memberships"
    )
    member: Mapped[Provider] = relationship(foreign_keys=[member_id])
