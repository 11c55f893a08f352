"""Who may see a job: the user who started it, and the administrator of its region."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN
from procure.core.policy import StateMachine

# The worker's life cycle of a job: a job whose worker died is re-queued from running, and
# a job picked up twice (a queue redelivery) starts again where it is.
JOB_MACHINE = StateMachine(
    "taak",
    {
        "queued": {"running", "failed"},
        "running": {"running", "done", "failed", "queued"},
        "done": set(),
        "failed": set(),
    },
    {
        "queued": _l("in de wachtrij"),
        "running": _l("bezig"),
        "done": _l("klaar"),
        "failed": _l("mislukt"),
    },
)

RUNNING = "running"


def can_view(user, job) -> bool:
    if not user.is_authenticated:
        return False
    if job.user_id == user.id:
        return True
    return user.role == ADMIN and user.region_id is not None and user.region_id == job.region_id
