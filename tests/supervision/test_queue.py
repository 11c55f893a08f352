"""The work queue: oldest first, per supervisor and team, filters, (bulk) assignment, and a
fixed number of queries whatever the number of signals."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from procure.core.errors import ValidationFailed
from procure.core.timeutil import today_local
from procure.core.types import utcnow
from procure.extensions import db
from procure.supervision import operations as ops
from procure.supervision.models import Signal
from tests import factories as f
from tests.supervision.helpers import signal


def _bulk_signals(w, n):
    region_id = w.supervisor.region_id
    start = date(2024, 1, 1)
    rows = [
        {
            "reference": f"WBO-S-BULK-{i:05d}",
            "region_id": region_id,
            "provider_id": (w.kompas.id, w.linde.id)[i % 2],
            "source": "municipality",
            "received_on": start + timedelta(days=i % 700),
            "category": "quality",
            "urgency": "normal",
            "description": "Bulk",
            "state": "received",
            "triage_due_on": start + timedelta(days=i % 700 + 7),
            "assigned_to_id": (w.supervisor.id, w.supervisor2.id, None)[i % 3],
            "reporter_confidential": False,
            "reopen_count": 0,
            "channel": "ui",
            "created_at": utcnow(),
        }
        for i in range(n)
    ]
    db.session.execute(insert(Signal), rows)
    db.session.commit()


def _queries(client, count_queries, path):
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "path",
    [
        "/signalen/",
        "/signalen/?view=mine",
        "/signalen/?overdue=1&provider={kompas}",
        "/api/v1/signals",
    ],
)
def test_work_queue_runs_the_same_bounded_number_of_queries_for_10_and_5000(
    client, w, count_queries, path
):
    path = path.format(kompas=w.kompas.id)
    f.login(client, w.supervisor)
    headers = f.bearer(f.api_token(w.supervisor))
    get = (lambda p: client.get(p, headers=headers)) if path.startswith("/api") else client.get
    _bulk_signals(w, 10)
    with count_queries() as small:
        assert get(path).status_code == 200
    db.session.execute(Signal.__table__.delete())
    db.session.commit()
    _bulk_signals(w, 5000)
    with count_queries() as large:
        response = get(path)
    assert response.status_code == 200
    print(f"QUERIES {path}: {len(small)} with 10, {len(large)} with 5000")
    assert len(large) == len(small) <= 12, large


def test_oldest_first_and_only_open_signals(client, w):
    newer = signal(w.breda, received=today_local() - timedelta(days=2))
    older = signal(w.breda, received=today_local() - timedelta(days=20))
    closed = signal(w.breda, received=today_local() - timedelta(days=40))
    ops.triage(closed, actor=w.supervisor, decision="no_action", motivation="Niets.")
    f.login(client, w.supervisor)
    html = client.get("/signalen/").get_data(as_text=True)
    assert html.index(older.reference) < html.index(newer.reference)
    assert closed.reference not in html


def test_filters_state_category_urgency_provider_overdue_and_mine(client, w):
    today = today_local()
    late = signal(w.breda, received=today - timedelta(days=30), category="safety", urgency="urgent")
    fresh = signal(w.breda, w.linde, received=today, category="quality")
    watched = signal(w.manager, received=today - timedelta(days=1), category="quality")
    ops.triage(
        watched,
        actor=w.supervisor2,
        decision="monitor",
        motivation="Volgen.",
        follow_up_on=today + timedelta(days=10),
    )
    f.login(client, w.supervisor)

    def refs(query):
        html = client.get(f"/signalen/?{query}").get_data(as_text=True)
        return {s.reference for s in (late, fresh, watched) if s.reference in html}

    assert refs("") == {late.reference, fresh.reference, watched.reference}
    assert refs("overdue=1") == {late.reference}
    assert refs("state=triaged") == {watched.reference}
    assert refs("category=quality") == {fresh.reference, watched.reference}
    assert refs("urgency=urgent") == {late.reference}
    assert refs(f"provider={w.linde.id}") == {fresh.reference}
    assert refs("assignee=none") == {late.reference, fresh.reference}
    assert refs(f"assignee={w.supervisor2.id}") == {watched.reference}
    assert refs("view=mine") == set()
    ops.assign(late, actor=w.supervisor, assignee=w.supervisor)
    assert refs("view=mine") == {late.reference}
    html = client.get("/signalen/?overdue=1").get_data(as_text=True)
    assert 'class="overdue"' in html and "te laat" in html


def test_bulk_assignment_all_or_nothing(client, w):
    a, b = signal(w.breda), signal(w.breda)
    foreign = signal(w.other_supervisor)
    f.login(client, w.supervisor)
    response = f.post(
        client, "/signalen/toewijzen", {"assignee": w.supervisor2.id, "signal_ids": [a.id, b.id]}
    )
    assert response.status_code == 302
    assert {db.session.get(Signal, i).assigned_to_id for i in (a.id, b.id)} == {w.supervisor2.id}
    # one signal outside the region: nothing is reassigned
    response = f.post(
        client,
        "/signalen/toewijzen",
        {"assignee": w.supervisor.id, "signal_ids": [a.id, foreign.id]},
    )
    assert response.status_code == 302
    assert "niet zichtbaar" in client.get("/signalen/").get_data(as_text=True)
    assert db.session.get(Signal, a.id).assigned_to_id == w.supervisor2.id
    assert db.session.get(Signal, foreign.id).assigned_to_id is None
    with pytest.raises(ValidationFailed):
        ops.bulk_assign([], actor=w.supervisor, assignee=w.supervisor)
    # a contract manager may not assign
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.manager)
    assert (
        f.post(
            client, "/signalen/toewijzen", {"assignee": w.supervisor.id, "signal_ids": [a.id]}
        ).status_code
        == 403
    )


def test_reassignment_through_the_signal_page(client, w):
    s = signal(w.breda)
    f.login(client, w.supervisor)
    assert (
        f.post(
            client, f"/signalen/{s.id}/toewijzen", {"assign-assignee": w.supervisor2.id}
        ).status_code
        == 302
    )
    assert db.session.get(Signal, s.id).assigned_to_id == w.supervisor2.id
    response = f.post(client, f"/signalen/{s.id}/toewijzen", {"assign-assignee": w.manager.id})
    assert response.status_code == 422
    assert db.session.get(Signal, s.id).assigned_to_id == w.supervisor2.id


def test_work_queue_walks_the_region_index_in_received_order_without_a_sort(app, w):
    """The queue is every open signal of the region, oldest first: with most signals open,
    walking (region_id, received_on, id) and checking the state on the way reads about a
    page of rows, where sorting all open signals reads every one of them."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan's wording is SQLite's; the benchmark prints PostgreSQL's")
    from sqlalchemy import text

    from procure.supervision.queue import QueueFilters, queue_statements

    _bulk_signals(w, 5000)
    db.session.execute(text("ANALYZE"))
    (rows, _count), params = queue_statements(w.supervisor, QueueFilters(), today_local())
    stmt = rows.params({**params, "page_limit": 50, "page_offset": 0})  # the page's statement
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = [row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]
    assert any("ix_signals_region_received" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan


def test_kept_queue_statements_take_each_request_s_values(client, w):
    """The page's statements are built once per scope and filters given (the values are
    parameters): the same filters with other values, or another user, get their own rows."""
    today = today_local()
    mine = signal(w.breda, received=today - timedelta(days=30), urgency="urgent")
    theirs = signal(w.breda, w.linde, received=today, urgency="high")
    ops.assign(mine, actor=w.supervisor, assignee=w.supervisor)
    ops.assign(theirs, actor=w.supervisor, assignee=w.supervisor2)
    both = {mine.reference, theirs.reference}

    def refs(query):
        html = client.get(f"/signalen/?{query}").get_data(as_text=True)
        return {ref for ref in both if ref in html}

    f.login(client, w.supervisor)
    assert refs("view=mine") == {mine.reference}
    assert refs("urgency=urgent") == {mine.reference}
    assert refs("urgency=high") == {theirs.reference}
    assert refs("provider_q=Kompas") == {mine.reference}
    assert refs("provider_q=Linde") == {theirs.reference}
    assert refs(f"provider={w.linde.id}") == {theirs.reference}
    assert refs(f"assignee={w.supervisor.id}") == {mine.reference}
    assert refs(f"assignee={w.supervisor2.id}") == {theirs.reference}
    assert refs("overdue=1") == {mine.reference}
    assert refs("per_page=1") == {mine.reference}  # oldest first
    assert refs("per_page=1&page=2") == {theirs.reference}
    assert refs("per_page=1&dir=desc") == {theirs.reference}
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.supervisor2)
    assert refs("view=mine") == {theirs.reference}
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.other_supervisor)  # another region: the same filters, nothing
    assert refs("") == refs("view=mine") == refs("urgency=urgent") == set()
