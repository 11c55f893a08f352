"""List pages without a query-count test of their own in their domain: the same number of
queries on a small and on a larger data set (the catalogue search, the reminders list,
the audit log)."""

from datetime import date, timedelta

from sqlalchemy import insert

from procure.audit.models import AuditEvent
from procure.catalogue.models import Product
from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders.models import Notification
from tests import factories as f
from tests.contracts.helpers import task_area


def _count(client, count_queries, path):
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _grow(first: int, count: int, user, region):
    now = utcnow()
    area = task_area(region)
    db.session.execute(
        insert(Notification),
        [
            {
                "user_id": user.id,
                "title": f"Contract WBO-{i:05d} eindigt",
                "url": "/contracten/",
                "created_at": now - timedelta(minutes=i),
            }
            for i in range(first, first + count)
        ],
    )
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "occurred_at": now,
                "actor_label": user.email,
                "region_id": region.id,
                "action": "contract.activate",
                "object_type": "Contract",
                "object_id": str(i),
            }
            for i in range(first, first + count)
        ],
    )
    db.session.execute(
        insert(Product),
        [
            {
                "region_id": region.id,
                "code": f"8{i:04d}",
                "version": 1,
                "name": f"Ambulante jeugdhulp {i}",
                "task_area_id": area.id,
                "variant": "effort",
                "status": "vastgesteld",
                "valid_from": date(2025, 1, 1),
                "is_current": True,
            }
            for i in range(first, first + count)
        ],
    )
    db.session.commit()


def test_list_pages_run_the_same_queries_on_a_larger_data_set(client, count_queries):
    region = f.region("wbo")
    admin = f.user("admin")
    f.login(client, admin)
    client.get("/")
    paths = ["/meldingen/", "/meldingen/?status=all", "/beheer/audit/", "/catalogus/?q=jeugdhulp"]
    _grow(0, 5, admin, region)
    small = {p: _count(client, count_queries, p) for p in paths}
    _grow(5, 600, admin, region)
    large = {p: _count(client, count_queries, p) for p in paths}
    assert large == small
    assert max(small.values()) <= 12
