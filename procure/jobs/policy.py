"""Who may see a job: the user who started it, and the administrator of its region."""

from procure.auth.roles import ADMIN


def can_view(user, job) -> bool:
    if not user.is_authenticated:
        return False
    if job.user_id == user.id:
        return True
    return user.role == ADMIN and user.region_id is not None and user.region_id == job.region_id
