import hashlib
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from procure.auth.roles import MUNICIPALITY, PROVIDER, REGION_STAFF, ROLE_LABELS
from procure.core.labels import resolved
from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

# scrypt with werkzeug's parameters: memory-hard, salted, no extra dependency. Tests may
# configure a cheaper method through PASSWORD_HASH_METHOD to keep the suite fast.
DEFAULT_PASSWORD_METHOD = "scrypt"  # noqa: S105 (a hash method name)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __scope__ = Scope(region="region_id", provider="provider_id")
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','procurement','contract_manager','supervisor',"
            "'municipality','provider')",
            name="valid_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(30), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on password reset and deactivation so existing sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    provider: Mapped[Provider | None] = relationship()

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_METHOD)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def function_label(self) -> str:
        """The role as a job title (Inkoper, Toezichthouder, ...) for display."""
        return resolved(ROLE_LABELS).get(self.role, self.role)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_region_staff(self) -> bool:
        return self.role in REGION_STAFF

    @property
    def is_municipality(self) -> bool:
        return self.role == MUNICIPALITY

    @property
    def is_provider(self) -> bool:
        return self.role == PROVIDER

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class HashedSecret:
    """A user's secret (API token, calendar feed URL): only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def user(cls) -> Mapped[User]:
        return relationship(User)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiToken(HashedSecret, db.Model):
    """A personal bearer token for the API."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(100))


class LoginAttempt(db.Model):
    """Failed and successful logins, counted for throttling per account and per IP."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_time", "email", "attempted_at"),
        Index("ix_login_attempts_ip_time", "ip_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    success: Mapped[bool] = mapped_column(default=False)
