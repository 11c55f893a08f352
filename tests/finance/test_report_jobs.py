"""Council reports made in the background from the reports page: the region's and every
municipality's, PDF and Excel, on the embedded queue or on Redis, with progress; a report
that cannot be made is reported and the others are kept; the files carry the same hash as
the report downloaded directly and as the same report made again, and a municipality
only ever gets its own."""

import hashlib

import pytest
from sqlalchemy import func, select

from procure.documents.engine import DocumentError
from procure.extensions import db
from procure.finance import reports
from procure.finance.models import ReportFile
from procure.reminders.models import Notification
from tests import factories as f
from tests.finance.test_reports import _data
from tests.jobhelpers import job_id_of, queue, run_worker  # noqa: F401 (queue: fixture)

BROKEN = "Deurne"


@pytest.fixture
def broken_pdf(monkeypatch):
    """Deurne's PDF cannot be converted (as a WeasyPrint failure); the rest renders."""
    render = reports.report_pdf

    def report_pdf(data):
        if data.municipality is not None and data.municipality.name == BROKEN:
            raise DocumentError("Het document kon niet naar PDF worden omgezet.")
        return render(data)

    monkeypatch.setattr(reports, "report_pdf", report_pdf)


def made_files() -> dict:
    rows = db.session.execute(select(ReportFile)).scalars()
    return {(r.municipality.name if r.municipality else "regio", r.fmt): r for r in rows}


def start(client, kind="raad", period="2026-H1"):
    return f.post(client, f"/financien/rapportages/{kind}/{period}/maken")


@pytest.mark.usefixtures("queue", "broken_pdf")
def test_region_reports_in_the_background_with_progress_and_a_failing_report(app, client):
    admin = f.user("admin", "e10")
    _data(admin)
    f.login(client, admin)
    assert "Alle maken (PDF en Excel)" in client.get("/financien/rapportages").text

    job_id = job_id_of(start(client))
    assert 'max="8" value="0"' in client.get(f"/taken/{job_id}").text
    job = run_worker(app, job_id)

    assert (job.status, job.total, job.done, job.failed) == ("done", 8, 7, 1)
    files = made_files()
    assert set(files) == {
        ("regio", "pdf"),
        ("regio", "xlsx"),
        ("Helmond", "pdf"),
        ("Helmond", "xlsx"),
        ("Veldhoven", "pdf"),
        ("Veldhoven", "xlsx"),
        ("Deurne", "xlsx"),
    }
    page = client.get(f"/taken/{job_id}").text
    assert "7 van 8 klaar" in page and "Deurne (PDF)" in page
    assert "niet naar PDF worden omgezet" in page
    assert client.get(f"/taken/{job_id}.json").json["result_url"].endswith("/rapportages#gemaakt")
    note = db.session.execute(select(Notification).filter_by(user_id=admin.id)).scalar()
    assert "7 van 8 gelukt, 1 mislukt" in note.body

    # Same data, same bytes: the job's files equal the reports downloaded directly.
    direct_pdf = client.get("/financien/rapportages/raad/2026-H1.pdf")
    direct_xlsx = client.get("/financien/rapportages/raad/2026-H1.xlsx")
    assert files["regio", "pdf"].sha256 == direct_pdf.headers["X-Content-SHA256"]
    assert files["regio", "xlsx"].sha256 == hashlib.sha256(direct_xlsx.data).hexdigest()
    listed = client.get("/financien/rapportages").text
    assert files["regio", "pdf"].sha256[:12] in listed
    download = client.get(f"/financien/rapportages/bestanden/{files['regio', 'pdf'].id}")
    assert download.status_code == 200 and download.data == direct_pdf.data


def test_a_municipality_makes_and_reads_only_its_own_reports(app, client):
    admin = f.user("admin", "e10")
    _data(admin)
    f.login(client, admin)
    job = run_worker(app, job_id_of(start(client)))
    assert (job.done, job.failed) == (8, 0)
    region_files = made_files()
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})

    helmond = f.user("municipality", "e10", municipality_name="Helmond")
    f.login(client, helmond)
    own_job = run_worker(app, job_id_of(start(client)))
    assert (own_job.total, own_job.done) == (2, 2)
    own = [
        r
        for r in db.session.execute(select(ReportFile)).scalars()
        if r.id not in {x.id for x in region_files.values()}
    ]
    assert {(r.municipality.name, r.fmt) for r in own} == {("Helmond", "pdf"), ("Helmond", "xlsx")}
    # Made again by someone else, the same report has the same fingerprint.
    for r in own:
        assert r.sha256 == region_files["Helmond", r.fmt].sha256

    listed = client.get("/financien/rapportages").text
    assert region_files["Helmond", "pdf"].sha256[:12] in listed
    assert region_files["regio", "pdf"].sha256[:12] not in listed
    assert region_files["Veldhoven", "xlsx"].sha256[:12] not in listed
    for key in (("regio", "pdf"), ("Veldhoven", "xlsx")):
        response = client.get(f"/financien/rapportages/bestanden/{region_files[key].id}")
        assert response.status_code == 404
    assert client.get(f"/financien/rapportages/bestanden/{own[0].id}").status_code == 200


def test_a_bad_period_or_no_csrf_token_queues_nothing(app, client):
    admin = f.user("admin", "e10")
    f.region("e10")
    f.login(client, admin)
    assert start(client, period="2026-Q1").status_code == 302  # refused: back to the page
    assert "ongeldig" in client.get("/financien/rapportages").text
    assert client.post("/financien/rapportages/raad/2026-H1/maken").status_code == 400
    from procure.jobs.models import Job

    assert db.session.execute(select(func.count(Job.id))).scalar() == 0
