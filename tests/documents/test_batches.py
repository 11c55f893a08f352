"""Document batches as background jobs, through the pages: a contract manager queues the
region's contracts, a worker (embedded SQLite queue, or Redis when PROCURE_TEST_REDIS_URL
is set) generates them with progress, one failing contract is reported and the rest is
made, the user is notified; the queue outlives the web process and a worker that died
mid-job is resumed where it stopped."""

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from procure import create_app
from procure.core.types import utcnow
from procure.documents import operations as doc_ops
from procure.documents.engine import DocumentError, Rendered
from procure.documents.models import GeneratedDocument
from procure.extensions import db
from procure.jobs.models import Job
from procure.jobs.queue import huey_for
from procure.reminders.models import Notification
from procure.tenders.models import Tender
from tests import factories as f
from tests.conftest import make_test_config
from tests.documents.conftest import make_contract
from tests.jobhelpers import queue, run_worker, wait_until_finished  # noqa: F401 (queue: fixture)

REDIS_URL = os.environ.get("PROCURE_TEST_REDIS_URL")
FAILING = "WBO-C2026-0002"


@pytest.fixture
def renders(monkeypatch):
    """Fast PDFs; the contract FAILING cannot be converted (as a WeasyPrint failure)."""
    made = []

    def render(spec):
        if spec.reference == FAILING:
            raise DocumentError("Het document kon niet naar PDF worden omgezet.")
        made.append(spec.reference)
        body = f"%PDF-1.7 {spec.kind} {spec.reference}".encode()
        return Rendered(html="", pdf=body, pages=3, refused=[])

    monkeypatch.setattr(doc_ops, "render_spec", render)
    return made


@pytest.fixture
def contracts(wbo, kompas, task_area):
    return [
        make_contract(wbo, kompas, task_area=task_area, reference=f"WBO-C2026-000{n}")
        for n in (1, 2, 3)
    ]


def start_region_batch(client, year=""):
    return f.post(client, "/documenten/regio/overeenkomsten-genereren", {"year": year})


@pytest.mark.usefixtures("queue")
def test_region_batch_with_progress_a_failing_item_and_a_notification(
    app, client, contracts, renders
):
    manager = f.user("contract_manager", email="contractmanager@regiowbojeugd.nl")
    f.login(client, manager)
    assert "Overeenkomsten van de regio genereren" in client.get("/documenten/").text

    response = start_region_batch(client, "2026")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job_id = int(re.search(r"/taken/(\d+)$", job_url).group(1))
    queued = client.get(job_url).text
    assert 'http-equiv="refresh"' in queued and 'max="3" value="0"' in queued

    job = run_worker(app, job_id)

    assert (job.status, job.total, job.done, job.failed) == ("done", 3, 2, 1)
    assert sorted(renders) == ["WBO-C2026-0001", "WBO-C2026-0003"]
    stored = db.session.execute(select(GeneratedDocument.reference)).scalars().all()
    assert sorted(stored) == ["WBO-C2026-0001", "WBO-C2026-0003"]
    page = client.get(job_url).text
    assert 'max="3" value="3"' in page and "2 van 3 klaar" in page and "1 mislukt" in page
    assert FAILING in page and "niet naar PDF worden omgezet" in page
    assert 'http-equiv="refresh"' not in page
    progress = client.get(f"{job_url}.json").json
    assert progress["done"] == 2 and progress["failed"] == 1 and progress["percent"] == 100
    note = db.session.execute(select(Notification).filter_by(user_id=manager.id)).scalar()
    assert note.title.startswith("Taak klaar") and "2 van 3 gelukt, 1 mislukt" in note.body
    assert note.url == f"/taken/{job_id}"


def test_queued_job_survives_a_restart_of_the_web_process(
    app, client, contracts, renders, database_url, tmp_path
):
    f.login(client, f.user("procurement"))
    job_id = int(start_region_batch(client).headers["Location"].rsplit("/", 1)[1])
    # The web process goes away; a new one (and a worker) start on the same queue file.
    restarted = create_app(make_test_config(database_url, tmp_path))
    job = run_worker(restarted, job_id)
    assert (job.done, job.failed) == (2, 1)
    huey_for(restarted).storage.flush_all()
    with restarted.app_context():
        db.engine.dispose()


def test_a_job_whose_worker_died_resumes_where_it_stopped(app, client, contracts, renders):
    f.login(client, f.user("procurement"))
    job_id = int(start_region_batch(client).headers["Location"].rsplit("/", 1)[1])
    huey_for(app).storage.flush_all()  # the worker had taken the task off the queue ...
    job = db.session.get(Job, job_id)
    job.status, job.position, job.done = "running", 1, 1  # ... made item 1, then died
    job.heartbeat_at = utcnow() - timedelta(minutes=10)
    db.session.commit()

    job = run_worker(app, job_id)

    assert (job.position, job.done, job.failed) == (3, 2, 1)
    assert renders == ["WBO-C2026-0003"]  # item 1 is not made twice


def test_who_may_start_and_see_a_batch(app, client, contracts, renders, wbo):
    municipality = f.user("municipality")
    f.login(client, municipality)
    assert "Overeenkomsten van de regio genereren" not in client.get("/documenten/").text
    assert start_region_batch(client).status_code == 403
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})

    f.login(client, f.user("contract_manager", email="cm@regiowbojeugd.nl"))
    job_url = start_region_batch(client).headers["Location"]
    assert client.get(job_url).status_code == 200
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})

    f.login(client, f.user("procurement", email="inkoper@regiowbojeugd.nl"))
    assert client.get(job_url).status_code == 404  # someone else's job
    # without a CSRF token nothing is queued
    before = db.session.execute(select(func.count(Job.id))).scalar()
    assert client.post("/documenten/regio/overeenkomsten-genereren").status_code == 400
    assert db.session.execute(select(func.count(Job.id))).scalar() == before


def test_year_letters_need_a_year_and_an_empty_selection_is_refused(app, client, wbo):
    f.login(client, f.user("procurement"))
    response = f.post(client, "/documenten/regio/brieven-genereren", {"year": ""})
    assert response.status_code == 302
    assert "Kies het jaar van de brieven" in client.get("/documenten/").text
    f.post(client, "/documenten/regio/brieven-genereren", {"year": "2026"})
    assert "de selectie is leeg" in client.get("/documenten/").text
    f.post(client, "/documenten/regio/brieven-genereren", {"year": "1850"})
    assert db.session.execute(select(func.count(Job.id))).scalar() == 0


def test_award_batch_from_the_tender_documents_page(app, client, wbo, kompas, task_area, renders):
    tender = Tender(
        reference="WBO-2026-001",
        title="Specialistische jeugdhulp 2027",
        region_id=wbo.id,
        procedure="sas_dialogue",
        status="awarded",
        variant="effort",
        task_area_id=task_area.id,
    )
    db.session.add(tender)
    db.session.commit()
    make_contract(wbo, kompas, task_area=task_area, reference="WBO-C2027-0001", tender_id=tender.id)
    make_contract(wbo, kompas, task_area=task_area, reference="WBO-C2027-0099")  # other tender
    f.login(client, f.user("procurement"))
    page = client.get(f"/documenten/tender/{tender.id}").text
    assert "Documenten van deze gunning genereren" in page

    response = f.post(client, f"/documenten/tender/{tender.id}/alles-genereren")
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = run_worker(app, job_id)

    assert job.failed == 0 and job.done == job.total == 4  # selection, dialogue, bid, contract
    assert "WBO-C2027-0001" in renders and "WBO-C2027-0099" not in renders
    huey_for(app).storage.flush_all()
