"""Deadline arithmetic in Europe/Amsterdam, at the boundary and across DST changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from procure.core.errors import ValidationFailed
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house import schedule
from procure.tenders.open_house.deadlines import deadlines
from tests import factories as f
from tests.tenders.open_house.conftest import apply, build_open_house

AMS = ZoneInfo("Europe/Amsterdam")


def test_default_deadlines_are_wall_clock_amsterdam_in_winter_and_summer():
    # 1 January 2027: 8 weeks before is Friday 6 November 2026, 12:00 CET = 11:00 UTC.
    assert schedule.application_deadline(date(2027, 1, 1)) == datetime(2026, 11, 6, 11, tzinfo=UTC)
    # 1 July 2027: 6 May 2027, 12:00 CEST = 10:00 UTC.
    assert schedule.application_deadline(date(2027, 7, 1)) == datetime(2027, 5, 6, 10, tzinfo=UTC)
    # Assessment: 2 weeks before, 17:00 local.
    assert schedule.assessment_deadline(date(2027, 4, 1)).astimezone(AMS) == datetime(
        2027, 3, 18, 17, tzinfo=AMS
    )


def test_deadline_on_the_dst_change_day_keeps_the_wall_clock_time():
    # Summer time starts on Sunday 28 March 2027 at 02:00; 23 May minus 8 weeks is that day.
    deadline = schedule.application_deadline(date(2027, 5, 23))
    assert deadline.astimezone(AMS) == datetime(2027, 3, 28, 12, tzinfo=AMS)
    assert deadline.utcoffset() == timedelta(hours=2)
    assert deadline.astimezone(UTC).hour == 10  # 12:00 CEST
    day_before = schedule.application_deadline(date(2027, 5, 22))
    assert day_before.astimezone(UTC).hour == 11  # 12:00 CET, one hour later in UTC
    # Autumn: winter time starts 31 October 2027; 26 December minus 8 weeks is that day.
    autumn = schedule.application_deadline(date(2027, 12, 26))
    assert autumn.astimezone(AMS).hour == 12 and autumn.astimezone(UTC).hour == 11


def test_application_at_the_deadline_boundary_across_dst(app):
    oh = build_open_house()
    moment = ops.add_entry_moment(oh.tender, date(2027, 5, 23))
    assert moment.application_deadline == datetime(2027, 3, 28, 10, tzinfo=UTC)
    providers = [f.provider("kompas"), f.provider("stapsteen")]
    # 11:59:59 CEST on the DST day is in time (09:59:59 UTC; in CET it would be 10:59:59).
    with time_machine.travel(datetime(2027, 3, 28, 11, 59, 59, tzinfo=AMS), tick=False):
        in_time = apply(oh, providers[0], moment_id=moment.id)
    assert in_time.entry_moment_id == moment.id and in_time.queued_from_id is None
    # 12:00:01 CEST is late: queued for the next moment, 1 July 2027.
    with time_machine.travel(datetime(2027, 3, 28, 12, 0, 1, tzinfo=AMS), tick=False):
        late = apply(oh, providers[1], moment_id=moment.id)
    assert late.queued_from_id == moment.id
    assert late.entry_moment.entry_date == date(2027, 7, 1)
    assert "23 mei 2027" in ops.queue_message(late)
    assert "1 juli 2027" in ops.queue_message(late)


def test_exactly_at_the_deadline_is_still_in_time(app):
    oh = build_open_house()
    first = ops.moments(oh.tender)[0]
    with time_machine.travel(datetime(2026, 11, 6, 12, 0, 0, tzinfo=AMS), tick=False):
        application = apply(oh, f.provider("kompas"))
    assert application.entry_moment_id == first.id
    with time_machine.travel(datetime(2026, 11, 6, 12, 0, 1, tzinfo=AMS), tick=False):
        late = apply(oh, f.provider("linde"))
    assert late.entry_moment.entry_date == date(2027, 4, 1)


def test_no_later_moment_left_is_refused_with_a_clear_message(app):
    oh = build_open_house()
    last = ops.moments(oh.tender)[-1]
    assert last.entry_date == date(2031, 10, 1)
    with pytest.raises(ValidationFailed, match="geen later toetredingsmoment"):
        apply(
            oh,
            f.provider("kompas"),
            moment_id=last.id,
            now=last.application_deadline + timedelta(seconds=1),
        )


def test_schedule_covers_the_whole_term_four_times_a_year(app):
    oh = build_open_house()
    moments = ops.moments(oh.tender)
    assert len(moments) == 20  # five years, four moments a year
    assert [m.entry_date for m in moments[:4]] == [
        date(2027, 1, 1),
        date(2027, 4, 1),
        date(2027, 7, 1),
        date(2027, 10, 1),
    ]
    assert ops.generate_entry_moments(oh.tender) == []  # idempotent


def test_continuous_entry_deadline_and_contract_start(app):
    oh = build_open_house(regime="continuous")
    assert ops.moments(oh.tender) == []
    officer = f.user("procurement")
    # Submitted Friday 26 March 2027 at 15:00 CET; 6 weeks later is 7 May 2027, 17:00 CEST.
    submitted = datetime(2027, 3, 26, 15, tzinfo=AMS)
    application = apply(oh, f.provider("kompas"), now=submitted)
    assert application.entry_moment_id is None and application.queued_from_id is None
    assert application.assessment_deadline == datetime(2027, 5, 7, 15, tzinfo=UTC)
    for answer in application.answers:
        answer.score = "meets"
    # Decided on 30 April 23:30 local (21:30 UTC): the contract starts on 1 May, not 1 April.
    ops.decide(
        application,
        decisions={oh.gezinshuis.id: "admitted"},
        actor=officer,
        now=datetime(2027, 4, 30, 23, 30, tzinfo=AMS),
    )
    assert application.status == "admitted"
    from procure.contracts.models import Contract
    from procure.extensions import db

    contract = db.session.query(Contract).one()
    assert contract.start_date == date(2027, 5, 1)
    # Before the contract start of the open house, the contract starts on that date.
    assert schedule.continuous_start(datetime(2026, 11, 3, tzinfo=UTC), date(2027, 1, 1)) == date(
        2027, 1, 1
    )


def test_response_deadline_is_end_of_day_amsterdam():
    # Requested 15 October 2027 (CEST); 16 days later is 31 October (CET since 03:00).
    requested = datetime(2027, 10, 15, 9, tzinfo=AMS)
    assert schedule.response_deadline(requested, 16) == datetime(2027, 11, 1, 0, tzinfo=AMS)
    assert schedule.response_deadline(requested, 16).astimezone(UTC).hour == 23


def test_reminder_query_lists_deadlines_with_the_officer(app):
    officer = f.user("procurement")
    oh = build_open_house(officer=officer)
    apply(oh, f.provider("kompas"), now=datetime(2026, 11, 1, tzinfo=UTC))
    found = deadlines(datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC))
    kinds = [(d.kind, d.entry_date) for d in found]
    assert kinds == [
        ("application_deadline", date(2027, 1, 1)),
        ("assessment_deadline", date(2027, 1, 1)),
        ("entry_moment", date(2027, 1, 1)),
        ("moment_update", date(2027, 1, 1)),  # 09:00 on the entry date, while unsent
    ]
    assert all(d.officer_id == officer.id for d in found)
    assert found[1].open_applications == 1
    assert len({d.key for d in found}) == 4
    # Other regions are filtered out.
    assert (
        deadlines(
            datetime(2026, 11, 1, tzinfo=UTC),
            datetime(2027, 1, 2, tzinfo=UTC),
            region_id=oh.region.id + 99,
        )
        == []
    )
