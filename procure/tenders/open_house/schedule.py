"""Deadline arithmetic of the entry regime, in Europe/Amsterdam (pure functions, no database).

- Entry moments fall on the 1st of the configured months within the contract term.
- The application deadline is 12:00 Amsterdam time on the day `application_weeks` weeks
  before the entry date; the assessment deadline 17:00 on the day `assessment_weeks` weeks
  before it. Wall-clock times stay put across a DST change; the UTC instant moves.
- Continuous entry: the working group decides within `continuous_assessment_weeks` of the
  submission (at 17:00 local on that day) and the contract starts on the first day of the
  month after the decision (never before the contract start of the open house).
- A response to a request for more information is due at 24:00 local, `response_days` after
  the request.
"""

import calendar
from datetime import date, datetime, time, timedelta

from procure.core.timeutil import end_of_day, local_deadline, to_local

APPLICATION_TIME = time(12, 0)
ASSESSMENT_TIME = time(17, 0)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: date, duration_months: int) -> date:
    """Last day of a term of `duration_months` that starts on `start`."""
    return add_months(start, duration_months) - timedelta(days=1)


def application_deadline(entry_date: date, weeks: int = 8) -> datetime:
    return local_deadline(entry_date - timedelta(weeks=weeks), APPLICATION_TIME)


def assessment_deadline(entry_date: date, weeks: int = 2) -> datetime:
    return local_deadline(entry_date - timedelta(weeks=weeks), ASSESSMENT_TIME)


def moment_dates(months: list[int], start: date, end: date) -> list[date]:
    """Entry dates (1st of each configured month) from `start` up to and including `end`."""
    result = []
    for year in range(start.year, end.year + 1):
        for month in months:
            day = date(year, month, 1)
            if start <= day <= end:
                result.append(day)
    return result


def continuous_assessment_deadline(submitted_at: datetime, weeks: int = 6) -> datetime:
    day = to_local(submitted_at).date() + timedelta(weeks=weeks)
    return local_deadline(day, ASSESSMENT_TIME)


def continuous_start(decided_at: datetime, contract_start: date | None) -> date:
    local_day = to_local(decided_at).date()
    first_next = add_months(local_day.replace(day=1), 1)
    if contract_start and contract_start > first_next:
        return contract_start
    return first_next


def response_deadline(requested_at: datetime, days: int = 14) -> datetime:
    return end_of_day(to_local(requested_at).date() + timedelta(days=days))
