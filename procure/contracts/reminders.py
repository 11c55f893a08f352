"""Reminder sources of the contracts domain: a provider falling behind the meeting norm of
its contract management tier (seed 001). Registered with the reminders registry on import."""

from datetime import datetime

from procure.reminders.rules import Deadline, register

# Plain Dutch: reminder texts are composed outside any request (the scheduler).
TIER_TEXT = {
    "intensive": "intensief leveranciersmanagement (3 tot 4 gesprekken per jaar)",
    "proactive": "proactief contractmanagement (2 tot 3 gesprekken per jaar)",
}


@register(
    "contract_management_norm",
    "Contractmanagement: achter op de gespreksnorm",
    "2w,0",
    "Een aanbieder met intensief of proactief contractmanagement heeft niet op tijd een "
    "gesprek gehad (3 tot 4 of 2 tot 3 keer per jaar).",
)
def behind_norm(start: datetime, end: datetime, user=None):
    from procure.contracts.queries import management_rows
    from procure.reminders.sources import (
        Fallback,
        _owner_or,
        _window_days,
        day_moment,
        in_window,
        path_for,
    )

    first, last = _window_days(start, end)
    region_id = user.region_id if user is not None else None
    managers = Fallback("contract_manager", user)
    result = []
    for row in management_rows(region_id=region_id, due_between=(first, last)):
        due = day_moment(row.norm_due)
        if not in_window(due, start, end):
            continue
        last_seen = row.last_meeting.strftime("%d-%m-%Y") if row.last_meeting else "nog geen"
        result.append(
            Deadline(
                subject_type="provider_management_norm",
                subject_id=row.id,
                due_at=due,
                region_id=row.region_id,
                recipients=_owner_or(row.manager_id, managers, row.region_id),
                title=f"{row.provider_name} raakt achter op de norm voor "
                f"{TIER_TEXT[row.level]}: gesprek uiterlijk {row.norm_due.strftime('%d-%m-%Y')}",
                url=path_for("contracts.management_provider", provider_id=row.provider_id),
                description=f"Laatste gesprek: {last_seen}.",
            )
        )
    return result
