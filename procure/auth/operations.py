"""User administration, login throttling and API tokens: every change is audited."""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from procure.audit import record, record_new
from procure.auth import passwords
from procure.auth.models import ApiToken, LoginAttempt, User
from procure.auth.roles import ADMIN, MUNICIPALITY, PROVIDER, REGION_STAFF, ROLES
from procure.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.extensions import db


def _normalise_email(email: str) -> str:
    # email_validator (with its DNS modules) loads on the first user change, not at start-up.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_l("Ongeldig e-mailadres."), field="email") from exc


def _check_affiliation(role, region_id, municipality_id, provider_id) -> None:
    if role not in ROLES:
        raise ValidationFailed(_l("Onbekende rol."), field="role")
    if role == PROVIDER and not provider_id:
        raise ValidationFailed(
            _l("Een aanbieder-gebruiker hoort bij een aanbieder."), field="provider_id"
        )
    if role != PROVIDER and provider_id:
        raise ValidationFailed(
            _l("Alleen aanbieder-gebruikers horen bij een aanbieder."), field="provider_id"
        )
    if role == MUNICIPALITY and not municipality_id:
        raise ValidationFailed(
            _l("Een gemeente-gebruiker hoort bij een gemeente."), field="municipality_id"
        )
    if role in REGION_STAFF and role != ADMIN and not region_id:
        raise ValidationFailed(_l("Kies de regio van deze gebruiker."), field="region_id")


def _is_global_admin(actor) -> bool:
    return actor.role == ADMIN and actor.region_id is None


def _check_authority(actor, *, target: User | None = None, role: str | None = None) -> None:
    """A region's admin manages the accounts of that region only.

    Provider accounts and region-less admins work across regions, so only a global admin
    (an admin without a region) may create, re-role or reset them; otherwise a region admin
    could take over a provider account and read its bids elsewhere. `actor` None means a
    trusted caller (CLI, demo).
    """
    if actor is None or _is_global_admin(actor):
        return
    cross_region = role == PROVIDER or (target is not None and target.region_id is None)
    if cross_region:
        raise NotAllowed(
            _l(
                "Aanbiederaccounts en landelijke beheerders worden alleen door "
                "een landelijk beheerder beheerd."
            )
        )
    if target is not None and target.region_id != actor.region_id:
        raise NotAllowed(_l("Deze gebruiker hoort niet bij uw regio."))


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "region_id": user.region_id,
        "municipality_id": user.municipality_id,
        "provider_id": user.provider_id,
        "active": user.active,
    }


@operation
def create_user(
    *,
    email,
    name,
    role,
    password,
    region_id=None,
    municipality_id=None,
    provider_id=None,
    actor=None,
    trusted_password: bool = False,
) -> User:
    """A new account. `trusted_password` is for the demo loader only, whose users share
    the published demo password on purpose."""
    email = _normalise_email(email)
    if not (name or "").strip():
        raise ValidationFailed(_l("Vul een naam in."), field="name")
    if not trusted_password:
        passwords.check_strength(password, email=email, name=name)
    if municipality_id and not region_id:
        from procure.organisations.models import Municipality

        region_id = db.session.get(Municipality, municipality_id).region_id
    _check_affiliation(role, region_id, municipality_id, provider_id)
    _check_authority(actor, role=role)
    if actor is not None and not _is_global_admin(actor) and role != PROVIDER:
        region_id = actor.region_id
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise Conflict(_l("Er bestaat al een gebruiker met dit e-mailadres."), field="email")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        region_id=region_id,
        municipality_id=municipality_id,
        provider_id=provider_id,
    )
    user.set_password(password)
    return record_new(user, "user.created", new=_snapshot(user), actor=actor)


@operation
def change_role(
    user: User, role: str, *, municipality_id=None, provider_id=None, actor=None
) -> User:
    _check_affiliation(role, user.region_id, municipality_id, provider_id)
    _check_authority(actor, target=user, role=role)
    old = _snapshot(user)
    user.role, user.municipality_id, user.provider_id = role, municipality_id, provider_id
    if role == PROVIDER:
        user.region_id = None
    record("user.role_changed", user, old=old, new=_snapshot(user), actor=actor)
    return user


@operation
def set_active(user: User, active: bool, *, actor=None) -> User:
    if actor is not None and actor.id == user.id and not active:
        raise ValidationFailed(_l("U kunt uw eigen account niet deactiveren."))
    _check_authority(actor, target=user)
    if user.active == active:
        return user
    user.active = active
    user.session_version += 1
    record(
        "user.activated" if active else "user.deactivated",
        user,
        old={"active": not active},
        new={"active": active},
        actor=actor,
    )
    return user


@operation
def reset_password(user: User, password: str, *, actor=None) -> User:
    """A new password ends every session and revokes every API token of the user: whoever
    knew the old password may have made one."""
    _check_authority(actor, target=user)
    passwords.check_strength(password, email=user.email, name=user.name)
    user.set_password(password)
    user.session_version += 1
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    record("user.password_reset", user, new={"api_tokens_revoked": revoked}, actor=actor)
    return user


@operation
def logout(user: User) -> None:
    """End the user's sessions on the server: the session version in every cookie issued
    so far no longer matches, so a copied cookie stops working too."""
    user.session_version += 1
    record("user.logged_out", user, actor=user)


@operation
def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale


# -- login throttling --------------------------------------------------------------------


def login_throttled(email: str, ip_address: str) -> bool:
    """True when the account or the IP has too many recent failures."""
    cfg = current_app.config
    since = utcnow() - timedelta(minutes=cfg["LOGIN_THROTTLE_MINUTES"])
    recent = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.attempted_at >= since, LoginAttempt.success.is_(False)
    )
    per_account = db.session.execute(
        recent.where(LoginAttempt.email == email.strip().lower())
    ).scalar_one()
    if per_account >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    per_ip = db.session.execute(recent.where(LoginAttempt.ip_address == ip_address)).scalar_one()
    return per_ip >= cfg["LOGIN_MAX_FAILURES_PER_IP"]


@operation
def authenticate(email: str, password: str, ip_address: str) -> User | None:
    """Check credentials and log the attempt; None for a wrong or inactive account."""
    email = (email or "").strip().lower()
    user = db.session.execute(select(User).where(User.email == email)).scalar()
    if user is None:
        passwords.spend_hash_time(password)
    ok = bool(user and user.check_password(password or "") and user.active)
    db.session.add(LoginAttempt(email=email, ip_address=ip_address or "-", success=ok))
    if ok:
        record("user.logged_in", user, actor=user)
    return user if ok else None


# -- API tokens --------------------------------------------------------------------------


@operation
def create_token(user: User, name: str, *, actor=None) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    name = (name or "").strip() or "token"
    raw = "prc_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name[:100], token_hash=ApiToken.hash(raw), prefix=raw[:12]
    )
    record_new(
        token,
        "api_token.created",
        new={"name": token.name, "user_id": user.id},
        actor=actor or user,
        region_id=user.region_id,
    )
    return token, raw


@operation
def revoke_token(token: ApiToken, *, actor=None) -> None:
    if token.is_revoked:
        raise NotFound(_l("Dit token is al ingetrokken."))
    token.revoked_at = utcnow()
    record("api_token.revoked", token, actor=actor, region_id=token.user.region_id)


def user_for_token(raw: str) -> User | None:
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(raw))
    ).scalar()
    if token is None or token.is_revoked or not token.user.active:
        return None
    return token.user
