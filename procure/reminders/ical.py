"""The per-user iCalendar feed (RFC 5545, via the icalendar package), in Europe/Amsterdam."""

from datetime import UTC, datetime

import icalendar

from procure.core.timeutil import AMSTERDAM
from procure.core.urls import absolute_url


def feed_calendar(user, deadlines, now: datetime) -> bytes:
    """deadlines: (rule, Deadline) pairs, as procure.reminders.queries.user_deadlines."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//procure//Deadlines jeugdhulp//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"procure: deadlines van {user.name}")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    stamp = now.astimezone(UTC)
    first = None
    for rule, deadline in deadlines:
        start = deadline.due_at.astimezone(AMSTERDAM)
        first = start.date() if first is None else min(first, start.date())
        event = icalendar.Event()
        event.add(
            "uid",
            f"{rule.key}-{deadline.subject_type}-{deadline.subject_id}-"
            f"{int(deadline.due_at.timestamp())}-u{user.id}@procure",
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("summary", deadline.title)
        url = absolute_url(deadline.url)
        description = "\n".join(p for p in (deadline.description, str(rule.label), url) if p)
        event.add("description", description)
        event.add("url", url)
        event.add("categories", [str(rule.label)])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    if first is not None:
        cal.add_missing_timezones(first_date=first.replace(month=1, day=1))
    return cal.to_ical()
