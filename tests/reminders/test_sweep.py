"""The sweep: rules fire at the right moment (also across DST), exactly once, catch-up after
downtime, the horizon, per-region offsets and scope of recipients."""

from datetime import UTC, timedelta

import time_machine
from sqlalchemy import func, select

from procure.extensions import db
from procure.reminders import operations as ops
from procure.reminders.models import EmailDelivery, Notification, Reminder, SweepRun
from procure.reminders.rules import Deadline, parse_offsets, remind_moment
from procure.reminders.sweep import run_sweep
from tests import factories as f
from tests.reminders.conftest import local


def count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def staff():
    wbo = f.region("wbo")
    e10 = f.region("e10")
    return {
        "wbo_proc": f.user("procurement", "wbo", email="inkoop.wbo@example.org"),
        "e10_proc": f.user("procurement", "e10", email="inkoop.e10@example.org"),
        "wbo_cm": f.user("contract_manager", "wbo", email="cm.wbo@example.org"),
        "wbo": wbo,
        "e10": e10,
    }


# -- offsets and moments ------------------------------------------------------------------


def test_offsets_parse_and_refuse_garbage():
    assert parse_offsets("3m, 9m,6m") == ("9m", "6m", "3m")
    assert parse_offsets("0,1d,2h,2w") == ("2w", "1d", "2h", "0")
    for bad in ("9x", "-1d", "d", "1.5d"):
        try:
            parse_offsets(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad} accepted")


def test_day_offsets_keep_the_wall_clock_across_dst_and_hours_are_real_hours():
    due = local(2026, 3, 30, 12, 0)  # the day after the clocks went forward (29 March)
    assert remind_moment(due, "1d") == local(2026, 3, 29, 12, 0).astimezone(UTC)
    assert remind_moment(due, "2d") == local(2026, 3, 28, 12, 0).astimezone(UTC)
    assert remind_moment(due, "2d").hour == 11  # 12:00 CET = 11:00 UTC
    assert remind_moment(due, "1d").hour == 10  # 12:00 CEST = 10:00 UTC
    due = local(2026, 3, 29, 12, 0)  # the clocks went forward at 02:00 that night
    assert remind_moment(due, "1d") == local(2026, 3, 28, 12, 0)
    assert remind_moment(due, "24h") == local(2026, 3, 28, 11, 0)  # 23 wall-clock hours
    assert remind_moment(local(2026, 5, 31, 9, 0), "3m") == local(2026, 2, 28, 9, 0)


# -- tariff indexation: the right moment, the right people, once ----------------------------


def test_tariff_indexation_fires_at_its_moment_across_dst_for_procurement_only(app):
    people = staff()
    # Deadline 1 November 2026 12:00 (CET, after the clocks went back on 25 October);
    # six weeks before is 20 September 12:00 CEST on the wall clock.
    with time_machine.travel(local(2026, 9, 20, 11, 59), tick=False):
        run_sweep()
    assert count(Reminder) == 0
    with time_machine.travel(local(2026, 9, 20, 12, 0), tick=False):
        run = run_sweep()
    assert run.created == 2 and run.error is None
    reminders = db.session.execute(select(Reminder).order_by(Reminder.id)).scalars().all()
    assert {r.recipient_id for r in reminders} == {people["wbo_proc"].id, people["e10_proc"].id}
    for r in reminders:
        assert r.rule_key == "tariff_indexation" and r.offset == "6w"
        assert r.due_at == local(2026, 11, 1, 12, 0)
        assert r.remind_at == local(2026, 9, 20, 12, 0)
        assert r.remind_at.hour == 10  # 12:00 summer time in UTC
        assert not r.late
        assert "2027" in r.title
    # each reminder goes to its own region's procurement officer only
    by_user = {r.recipient_id: r.subject_id for r in reminders}
    assert by_user[people["wbo_proc"].id] == people["wbo"].id
    assert by_user[people["e10_proc"].id] == people["e10"].id
    assert count(Notification) == 2


def test_repeated_sweeps_create_each_reminder_once(app):
    staff()
    for minute in (0, 15, 30, 45):
        with time_machine.travel(local(2026, 11, 1, 12, minute), tick=False):
            run_sweep(send=False)
    # 1 November 12:00 is the deadline itself ("0"); 2w and 6w fired before the sweeps began
    # but lie outside the 7-day horizon, so only the "0" reminder exists, once per person.
    assert count(Reminder) == 2
    assert count(Reminder, Reminder.offset == "0") == 2
    assert count(Notification) == 2
    assert count(EmailDelivery) == 2
    assert count(SweepRun) == 4


def test_a_sweep_in_progress_elsewhere_makes_this_one_skip(app):
    from procure.reminders import lease
    from procure.reminders.sweep import LEASE_NAME

    staff()
    with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
        assert lease.acquire(LEASE_NAME, "other-host:1:1", 600)
        assert run_sweep(holder="this-host:2:2") is None
        assert count(Reminder) == 0
    with time_machine.travel(local(2026, 11, 1, 12, 20), tick=False):  # lease expired
        assert run_sweep(holder="this-host:2:2") is not None
    assert count(Reminder) == 2


# -- catch-up and horizon ------------------------------------------------------------------


def test_catch_up_after_two_days_down_marks_late_and_skips_beyond_horizon(app):
    people = staff()
    admin = f.user("admin", "wbo", email="admin.wbo@example.org")
    ops.configure_rule(admin, people["wbo"].id, "tariff_indexation", "10d,1d,0")
    with time_machine.travel(local(2026, 10, 30, 12, 30), tick=False):
        run_sweep(send=False)
    # wbo: 10d fired 22 Oct (8 days ago: beyond the 7-day horizon), 1d and 0 lie ahead.
    assert count(Reminder, Reminder.recipient_id == people["wbo_proc"].id) == 0
    # ... the scheduler is down for two days ...
    with time_machine.travel(local(2026, 11, 1, 12, 30) + timedelta(days=1), tick=False):
        run = run_sweep(send=False)
    caught = (
        db.session.execute(
            select(Reminder)
            .where(Reminder.recipient_id == people["wbo_proc"].id)
            .order_by(Reminder.remind_at)
        )
        .scalars()
        .all()
    )
    assert [r.offset for r in caught] == ["1d", "0"]
    assert all(r.late for r in caught)
    assert run.late >= 2
    assert count(Reminder, Reminder.offset == "10d") == 0
    # e10 keeps the default offsets (6w, 2w, 0): only "0" is within the horizon
    e10 = (
        db.session.execute(
            select(Reminder.offset).where(Reminder.recipient_id == people["e10_proc"].id)
        )
        .scalars()
        .all()
    )
    assert e10 == ["0"]
    # the late e-mail says so
    mail = (
        db.session.execute(
            select(EmailDelivery).where(EmailDelivery.user_id == people["wbo_proc"].id)
        )
        .scalars()
        .first()
    )
    assert mail.subject.startswith("Herinnering (te laat verstuurd)")


def test_nothing_for_deadlines_beyond_the_horizon(app, fake_rule):
    people = staff()
    fake_rule.deadlines.append(
        Deadline(
            subject_type="contract",
            subject_id=7,
            due_at=local(2026, 6, 1, 9, 0),
            region_id=people["wbo"].id,
            recipients=(people["wbo_cm"].id,),
            title="Oud contract",
        )
    )
    with time_machine.travel(local(2026, 6, 9, 9, 1), tick=False):  # 8 days after
        run = run_sweep(send=False)
    assert count(Reminder, Reminder.rule_key == "test_rule") == 0
    assert run.created == 0 or all(
        r.rule_key != "test_rule" for r in db.session.execute(select(Reminder)).scalars()
    )


def test_a_reminder_a_little_after_its_moment_is_not_late(app, fake_rule):
    people = staff()
    fake_rule.deadlines.append(
        Deadline(
            subject_type="contract",
            subject_id=8,
            due_at=local(2026, 6, 2, 9, 0),
            region_id=people["wbo"].id,
            recipients=(people["wbo_cm"],),
            title="Contract X",
        )
    )
    with time_machine.travel(local(2026, 6, 1, 9, 14), tick=False):
        run_sweep(send=False)
    reminder = db.session.execute(select(Reminder)).scalar_one()
    assert reminder.offset == "1d" and reminder.late is False


# -- recipients never outside the record's scope --------------------------------------------


def test_recipients_outside_the_records_scope_are_dropped(app, fake_rule):
    people = staff()
    breda = f.user("municipality", "wbo", email="breda@example.org", municipality_name="Breda")
    oosterhout = f.user(
        "municipality", "wbo", email="oosterhout@example.org", municipality_name="Oosterhout"
    )
    provider = f.user("provider", provider_code="kompas", email="p@example.org")
    fake_rule.deadlines.append(
        Deadline(
            subject_type="contract",
            subject_id=9,
            due_at=local(2026, 6, 2, 9, 0),
            region_id=people["wbo"].id,
            municipality_id=f.municipality("Breda").id,
            recipients=(
                breda.id,
                oosterhout.id,
                people["e10_proc"].id,
                provider.id,
                people["wbo_cm"].id,
            ),
            title="Maatwerkcontract Breda",
        )
    )
    with time_machine.travel(local(2026, 6, 1, 9, 5), tick=False):
        run_sweep(send=False)
    got = set(db.session.execute(select(Reminder.recipient_id)).scalars())
    assert got == {breda.id, people["wbo_cm"].id}


def test_a_region_can_switch_a_rule_off(app):
    people = staff()
    admin = f.user("admin", "wbo", email="admin.wbo@example.org")
    ops.configure_rule(admin, people["wbo"].id, "tariff_indexation", "", active=False)
    with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
        run_sweep(send=False)
    assert set(db.session.execute(select(Reminder.recipient_id)).scalars()) == {
        people["e10_proc"].id
    }


def test_inactive_users_get_nothing(app):
    people = staff()
    people["wbo_proc"].active = False
    db.session.commit()
    with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
        run_sweep(send=False)
    assert set(db.session.execute(select(Reminder.recipient_id)).scalars()) == {
        people["e10_proc"].id
    }


def test_a_broken_source_does_not_stop_the_other_rules(app):
    from procure.reminders.rules import register, unregister

    people = staff()

    def broken(start, end, user=None):
        raise RuntimeError("kolom bestaat niet meer")

    register("test_broken", "Kapotte regel", "0")(broken)
    try:
        with time_machine.travel(local(2026, 11, 1, 12, 5), tick=False):
            run = run_sweep(send=False)
    finally:
        unregister("test_broken")
    assert "test_broken (0): RuntimeError: kolom bestaat niet meer" in run.error
    assert set(db.session.execute(select(Reminder.recipient_id)).scalars()) == {
        people["wbo_proc"].id,
        people["e10_proc"].id,
    }
