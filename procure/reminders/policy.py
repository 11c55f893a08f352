"""Who may manage reminder rules and the reminder sweep."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN
from procure.core.policy import StateMachine

# An e-mail waits, is claimed by one sending process (a conditional UPDATE in the sweep),
# is sent, or waits again for a retry; after the last attempt it fails until an admin
# requeues it. A claim of a process that died returns to the queue.
EMAIL_DELIVERY = StateMachine(
    "e-mail",
    {
        "pending": {"sending"},
        "sending": {"sent", "pending", "failed"},
        "failed": {"pending"},
        "sent": set(),
    },
    {
        "pending": _l("wacht"),
        "sending": _l("wordt verstuurd"),
        "sent": _l("verstuurd"),
        "failed": _l("mislukt"),
    },
)

PENDING, SENDING, FAILED = "pending", "sending", "failed"

# Only the region's admin sets reminder rules, runs the sweep and sees its history.
RULE_MANAGERS = (ADMIN,)


def can_manage_rules(user) -> bool:
    return user.is_authenticated and user.role in RULE_MANAGERS
