"""Working-day due dates: weekends and Dutch public holidays are skipped."""

from datetime import date

from procure.supervision.workdays import add_working_days, is_working_day, triage_due
from tests.supervision.helpers import signal


def test_weekend_is_skipped():
    # Thursday 5 March 2026 + 2 working days = Monday 9 March
    assert add_working_days(date(2026, 3, 5), 2) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday -> Monday
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # Saturday -> Monday


def test_kings_day_is_skipped():
    # King's Day 2026 is Monday 27 April: Friday 24 April + 1 working day = Tuesday 28 April
    assert not is_working_day(date(2026, 4, 27))
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)
    # 2025: King's Day on a Saturday (26 April) changes nothing on weekdays
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


def test_christmas_and_new_year_are_skipped():
    # Wednesday 24 December 2025 + 5 working days: 25, 26 Dec, weekend and 1 Jan skipped
    assert add_working_days(date(2025, 12, 24), 5) == date(2026, 1, 5)
    assert not is_working_day(date(2025, 12, 25)) and not is_working_day(date(2025, 12, 26))
    assert is_working_day(date(2025, 12, 29))


def test_triage_due_reads_the_configured_number_of_working_days(app):
    assert triage_due(date(2026, 4, 24)) == date(2026, 5, 4)  # default 5: skips King's Day
    app.config["SUPERVISION_TRIAGE_WORKING_DAYS"] = 2
    assert triage_due(date(2026, 4, 24)) == date(2026, 4, 29)


def test_a_logged_signal_gets_its_triage_due_date(w):
    s = signal(w.breda, received=date(2025, 12, 23))
    # Tuesday 23 Dec: 24, 29, 30, 31 December and Friday 2 January (1 January is a holiday)
    assert s.triage_due_on == date(2026, 1, 2)
