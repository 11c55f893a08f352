"""Seed 001's three tiers of contract management: intensive (3-4 meetings a year), proactive
(2-3, about production, finances, annual accounts and cooperation) and reactive (on
signals), chosen on risk and turnover; a reminder when a provider falls behind its norm;
the tier overview with counts per tier."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import select

from procure.contracts import operations as ops
from procure.contracts import tiers
from procure.contracts.models import ManagementMeeting, ProviderManagement
from procure.core.errors import ValidationFailed
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.reminders.rules import get_rule
from tests import factories as f
from tests.contracts.helpers import lumpsum_contract


def test_tier_norms_and_suggestion():
    assert (tiers.TIERS["intensive"].meetings_min, tiers.TIERS["intensive"].meetings_max) == (3, 4)
    assert (tiers.TIERS["proactive"].meetings_min, tiers.TIERS["proactive"].meetings_max) == (2, 3)
    assert tiers.TIERS["reactive"].max_gap_months is None
    assert set(tiers.TIERS["proactive"].topics) == {
        "production",
        "finances",
        "annual_accounts",
        "cooperation",
    }
    assert tiers.suggest_tier(Decimal("15480000"), "low") == "intensive"
    assert tiers.suggest_tier(Decimal("100000"), "high") == "intensive"
    assert tiers.suggest_tier(Decimal("600000"), "low") == "proactive"
    assert tiers.suggest_tier(Decimal("100000"), "low") == "reactive"
    assert tiers.norm_due("intensive", None, date(2026, 1, 15)) == date(2026, 5, 15)
    assert tiers.norm_due("proactive", date(2026, 3, 12), date(2026, 1, 1)) == date(2026, 9, 12)
    assert tiers.norm_due("reactive", date(2026, 3, 12), date(2026, 1, 1)) is None


def _window(day: date):
    start = datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM)
    return start, start + timedelta(days=1)


def test_tier_chosen_through_the_page_then_norm_reminder_and_overview(app, client):
    region = f.region("wbo")
    horizon, brug, baken = f.provider("horizon"), f.provider("brug"), f.provider("baken")
    lumpsum_contract(provider=horizon, budget="13000000.00")
    lumpsum_contract(provider=brug, budget="600000.00", title="Ambulant")
    lumpsum_contract(provider=baken, budget="90000.00", title="Ambulant")
    manager = f.user("contract_manager")
    with time_machine.travel(datetime(2026, 1, 15, 10, 0, tzinfo=AMSTERDAM), tick=False):
        f.login(client, manager)
        response = f.post(
            client,
            f"/contracten/beheer/{horizon.id}",
            {
                "action": "level",
                "l-level": "intensive",
                "l-risk": "high",
                "l-reason": "Strategische partner verblijf en crisis",
            },
        )
        assert response.status_code == 302
        ops.set_management_level(
            region_id=region.id,
            provider_id=brug.id,
            level="proactive",
            risk="medium",
            reason="Budgetplafond boven 80 %",
        )
    row = db.session.execute(
        select(ProviderManagement).filter_by(provider_id=horizon.id)
    ).scalar_one()
    assert (row.level, row.risk, row.level_since) == ("intensive", "high", date(2026, 1, 15))

    # A proactive meeting through the page, with its standard topics.
    with time_machine.travel(datetime(2026, 3, 12, 16, 0, tzinfo=AMSTERDAM), tick=False):
        f.login(client, manager)
        response = f.post(
            client,
            f"/contracten/beheer/{brug.id}",
            {
                "action": "meeting",
                "m-held_on": "2026-03-12",
                "m-attendees": "Contractmanager, accounthouder, directeur",
                "m-topic_keys": ["production", "finances", "annual_accounts", "cooperation"],
            },
        )
        assert response.status_code == 302
    meeting = db.session.execute(select(ManagementMeeting)).scalar_one()
    assert meeting.topic_keys == "production,finances,annual_accounts,cooperation"
    assert "Jaarrekening" in meeting.topics

    # Horizon has had no meeting since it became intensive on 15 January: the reminder
    # falls due on 15 May (4 months); De Brug's on 12 September (6 months after its talk).
    rule = get_rule("contract_management_norm")
    assert rule is not None
    due = list(rule.source(*_window(date(2026, 5, 15))))
    assert [(d.subject_type, d.region_id) for d in due] == [("provider_management_norm", region.id)]
    assert due[0].title.startswith(horizon.name)
    assert "intensief" in due[0].title and due[0].recipients == (manager.id,)
    (later,) = rule.source(*_window(date(2026, 9, 12)))
    assert later.title.startswith(brug.name)
    assert not list(rule.source(*_window(date(2026, 5, 16))))

    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        f.login(client, manager)
        html = client.get("/contracten/beheer").get_data(as_text=True)
    overview = html.split('class="tiers"')[1].split("</table>")[0]
    assert 'data-tier="intensive"' in overview and "3 tot 4 keer per jaar" in overview
    counts = {
        key: overview.split(f'data-tier="{key}"')[1].split('class="num">')[1].split("<")[0]
        for key in ("intensive", "proactive", "reactive")
    }
    assert counts == {"intensive": "1", "proactive": "1", "reactive": "1"}
    assert html.count("achter op de norm") == 1  # Horizon, not De Brug
    # Baken has no tier: reactive, but its turnover of EUR 90,000 points nowhere higher;
    # De Brug's EUR 600,000 fits proactive; nothing suggested for them.
    assert html.count("risico en omzet wijzen op") == 0


def test_unknown_topic_and_risk_are_refused(app):
    region, provider = f.region("wbo"), f.provider("horizon")
    for kwargs in ({"level": "intensive", "risk": "enorm"}, {"level": "regular"}):
        try:
            ops.set_management_level(
                region_id=region.id, provider_id=provider.id, reason="x", **kwargs
            )
        except ValidationFailed:
            pass
        else:
            raise AssertionError(kwargs)
    try:
        ops.record_meeting(
            region_id=region.id,
            provider_id=provider.id,
            held_on=date(2026, 3, 1),
            attendees="CM",
            topic_keys=["weer"],
        )
    except ValidationFailed as exc:
        assert exc.field == "topic_keys"
    else:
        raise AssertionError("unknown topic accepted")
    assert db.session.execute(select(ManagementMeeting)).first() is None


def test_norm_reminder_reads_the_kept_due_day_not_the_meetings(app):
    """The operations keep the last meeting and the due day on the tier; the reminder reads
    the providers due in its window by that indexed day and never touches the meetings."""
    from sqlalchemy import event

    region = f.region("wbo")
    horizon, brug = f.provider("horizon"), f.provider("brug")
    # A meeting before the tier is set counts: the new tier starts from it.
    ops.record_meeting(
        region_id=region.id,
        provider_id=brug.id,
        held_on=date(2026, 2, 1),
        attendees="CM",
        topics="Productie",
    )
    for provider, level in ((horizon, "intensive"), (brug, "proactive")):
        ops.set_management_level(
            region_id=region.id,
            provider_id=provider.id,
            level=level,
            reason="Omzet",
            today=date(2026, 1, 15),
        )
    ops.record_meeting(
        region_id=region.id,
        provider_id=horizon.id,
        held_on=date(2026, 3, 1),
        attendees="CM",
        topics="Productie",
    )
    # An older meeting entered late does not move the due day back.
    ops.record_meeting(
        region_id=region.id,
        provider_id=horizon.id,
        held_on=date(2026, 2, 1),
        attendees="CM",
        topics="Productie",
    )
    db.session.commit()
    kept = dict(
        db.session.execute(
            select(ProviderManagement.provider_id, ProviderManagement.norm_due_on)
        ).all()
    )
    assert kept == {horizon.id: date(2026, 7, 1), brug.id: date(2026, 8, 1)}
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        rule = get_rule("contract_management_norm")
        (due,) = rule.source(*_window(date(2026, 7, 1)))
        assert not list(rule.source(*_window(date(2026, 7, 2))))
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert due.title.startswith(horizon.name) and "01-03-2026" in due.description
    assert statements and not any("contract_meetings" in s for s in statements)
