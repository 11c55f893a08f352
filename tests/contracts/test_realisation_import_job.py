"""A large realisation file through the contract page: checked in the request (every error
listed, nothing queued, nothing written), then booked by a background job in batches on
the embedded queue or on Redis, with progress; a batch the contract no longer accepts is
reported with its lines and the other batches are booked; the bookings count in the
contract's utilisation and the user is notified."""

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.contracts import operations as ops
from procure.contracts.models import Contract, Realisation
from procure.extensions import db
from procure.jobs.models import Job
from procure.reminders.models import Notification
from tests import factories as f
from tests.contracts.helpers import effort_contract
from tests.jobhelpers import job_id_of, queue, run_worker  # noqa: F401 (queue: fixture)

# 45A53 costs 98.50 in 2026 and 101.25 in 2027; the ceiling is 1,000.00 a year.
FILE = (
    "periode;productcode;eenheden\n"
    "2026-01;45A53;2\n"  # line 2: 197.00  | batch 1
    "2026-02;45A53;2\n"  # line 3: 197.00  |
    "2026-03;45A53;4\n"  # line 4: 394.00  | batch 2 (985.00 in 2026 when checked)
    "2026-04;45A53;2\n"  # line 5: 197.00  |
    "2027-01;45A53;3\n"  # line 6: 303.75  | batch 3
    "2027-02;45A53;1\n"  # line 7: 101.25  |
)


@pytest.fixture
def contract(app):
    app.config["JOBS_IMPORT_BATCH_ROWS"] = 2
    return effort_contract(ceiling="1000.00")


def upload(client, contract, text: str):
    return f.post(
        client,
        f"/contracten/{contract.id}/realisatie/import",
        {"i-file": (io.BytesIO(text.encode()), "realisatie.csv")},
        content_type="multipart/form-data",
    )


def realised(contract, year: int) -> Decimal:
    db.session.expire_all()
    return db.session.get(Contract, contract.id).year(year).realised


@pytest.mark.usefixtures("queue")
def test_large_file_is_booked_in_batches_and_a_refused_batch_is_reported(app, client, contract):
    manager = f.user("contract_manager")
    f.login(client, manager)
    job_id = job_id_of(upload(client, contract, FILE))
    queued = client.get(f"/taken/{job_id}").text
    assert 'max="3" value="0"' in queued and "Realisatie-import" in queued
    assert db.session.execute(select(func.count(Realisation.id))).scalar() == 0

    # Before the worker gets to it, a booking by hand uses part of 2026's ceiling: the
    # second batch no longer fits and must book nothing; the others go ahead.
    by_hand = f.post(
        client,
        f"/contracten/{contract.id}/realisatie",
        {"r-product": "45A53", "r-period": "2026-06", "r-units": "2"},
    )
    assert by_hand.status_code == 302

    job = run_worker(app, job_id)

    assert (job.status, job.total, job.done, job.failed) == ("done", 3, 2, 1)
    assert realised(contract, 2026) == Decimal("591.00")  # by hand 197 + batch 1 394
    assert realised(contract, 2027) == Decimal("405.00")
    periods = db.session.execute(select(Realisation.period).order_by(Realisation.period))
    assert [p.strftime("%Y-%m") for p in periods.scalars()] == [
        "2026-01",
        "2026-02",
        "2026-06",
        "2027-01",
        "2027-02",
    ]
    page = client.get(f"/taken/{job_id}").text
    assert 'max="3" value="3"' in page and "2 van 3 klaar" in page and "1 mislukt" in page
    assert "regels 4-5" in page and "Regel 5" in page and "boven het budgetplafond" in page
    progress = client.get(f"/taken/{job_id}.json").json
    assert progress["result_url"] == f"/contracten/{contract.id}#realisatie"
    note = db.session.execute(select(Notification).filter_by(user_id=manager.id)).scalar()
    assert "2 van 3 gelukt, 1 mislukt" in note.body
    # What the contract's utilisation (and the finance pages) read: the booked amounts.
    usage = {row["year"]: row for row in ops.utilisation(db.session.get(Contract, contract.id))}
    assert usage[2026]["realised"] == Decimal("591.00")
    assert usage[2027]["realised"] == Decimal("405.00")
    detail = client.get(f"/contracten/{contract.id}").text
    assert "CSV-import" in detail


def test_a_file_with_errors_lists_them_all_and_queues_nothing(app, client, contract):
    f.login(client, f.user("contract_manager"))
    bad = FILE + "2026-13;45A53;1\n2026-05;99X99;1\n2026-05;45A53;9\n"
    response = upload(client, contract, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Regel 8" in html and "2026-13" in html
    assert "Regel 9" in html and "99X99" in html
    assert "Regel 10" in html and "boven het budgetplafond" in html
    assert db.session.execute(select(func.count(Job.id))).scalar() == 0
    assert db.session.execute(select(func.count(Realisation.id))).scalar() == 0


def test_a_file_of_one_batch_is_booked_at_once(app, client, contract):
    f.login(client, f.user("contract_manager"))
    response = upload(client, contract, "periode;productcode;eenheden\n2026-01;45A53;2\n")
    assert response.headers["Location"].endswith(f"/contracten/{contract.id}#realisatie")
    assert realised(contract, 2026) == Decimal("197.00")
    assert db.session.execute(select(func.count(Job.id))).scalar() == 0
