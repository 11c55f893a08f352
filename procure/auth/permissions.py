"""Role and scope checks, in one place.

Views declare the roles they admit with @role_required. Lists and lookups go through
scoped() / get_scoped_or_404(), which read the model's declared Scope and restrict the
query to what the current user may see: their region, their municipality or their
provider. A record outside the scope answers 404, so its existence is not disclosed.
"""

import functools

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, or_, select

from procure.auth.roles import ADMIN, MUNICIPALITY, PROVIDER, REGION_STAFF
from procure.core.scope import Scope
from procure.extensions import db


def role_required(*roles: str):
    """Log-in plus role check for a view; every other role gets 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from procure.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def scope_condition(model, user=None):
    """The WHERE clause that limits `model` to what `user` may see."""
    user = user or current_user
    rule: Scope = getattr(model, "__scope__", None) or Scope()
    if not user or not user.is_authenticated:
        return false()
    if rule.roles is not None and user.role not in rule.roles:
        return false()
    if user.role == PROVIDER:
        if rule.provider:
            return getattr(model, rule.provider) == user.provider_id
        return None if rule.providers_see_all else false()
    conditions = []
    if rule.region and not (user.role == ADMIN and user.region_id is None):
        conditions.append(getattr(model, rule.region) == user.region_id)
    if user.role == MUNICIPALITY and rule.municipality:
        column = getattr(model, rule.municipality)
        conditions.append(or_(column.is_(None), column == user.municipality_id))
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else conditions[0] & conditions[1]


def scoped(stmt: Select | None, model, user=None) -> Select:
    stmt = select(model) if stmt is None else stmt
    condition = scope_condition(model, user)
    return stmt if condition is None else stmt.where(condition)


def get_scoped_or_404(model, ident, user=None, *, column=None):
    """Load one row by primary key (or `column`) within the user's scope, else 404."""
    key = column if column is not None else model.id
    obj = db.session.execute(scoped(select(model).where(key == ident), model, user)).scalar()
    if obj is None:
        abort(404)
    return obj


def is_region_staff(user=None) -> bool:
    user = user or current_user
    return user.is_authenticated and user.role in REGION_STAFF


def same_region(obj_region_id: int | None, user=None) -> bool:
    user = user or current_user
    if user.role == ADMIN and user.region_id is None:
        return True
    return obj_region_id is not None and obj_region_id == user.region_id


def users_condition(user=None):
    """Users a user may list: their region's users; an admin also the provider accounts."""
    from procure.auth.models import User

    user = user or current_user
    base = scope_condition(User, user)
    if user.role == ADMIN and user.region_id is not None:
        return or_(base, User.role == PROVIDER)
    return base
