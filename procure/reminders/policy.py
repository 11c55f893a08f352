"""Who may manage reminder rules and the reminder sweep."""

from procure.auth.roles import ADMIN

# Only the region's admin sets reminder rules, runs the sweep and sees its history.
RULE_MANAGERS = (ADMIN,)


def can_manage_rules(user) -> bool:
    return user.is_authenticated and user.role in RULE_MANAGERS
