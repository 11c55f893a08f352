"""The catalogue import through the website: a ZIP of the pdc files is checked in the
request (every error with file and line, nothing queued), then written by a background
job on the embedded queue or on Redis, with progress, in batches of cards; a batch that no
longer fits the catalogue is reported and the others are written; the imported cards and
their tariffs are what a contract then books against."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import yaml
from sqlalchemy import func, select

from procure import PROJECT_ROOT
from procure.catalogue import operations as ops
from procure.catalogue.models import CodeTranslation, Product, TaskArea
from procure.contracts import operations as contract_ops
from procure.extensions import db
from procure.jobs.models import Job
from procure.reminders.models import Notification
from tests import factories as f
from tests.contracts.helpers import effort_contract
from tests.jobhelpers import job_id_of, queue, run_worker  # noqa: F401 (queue: fixture)

PDC = PROJECT_ROOT / "pdc"
CARDS = sorted(p.stem for p in PDC.glob("*.yaml") if not p.name.startswith("_"))
# With 10 cards a batch: 41A14-42A10, 43A11-45A53 and 45A54-54D02.
SECOND_BATCH = CARDS[10:20]


def pdc_zip(replace: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(PDC.glob("*.yaml")):
            text = (replace or {}).get(path.name, path.read_text(encoding="utf-8"))
            archive.writestr(f"pdc/{path.name}", text)
    return buffer.getvalue()


def upload(client, data: bytes, **fields):
    return f.post(
        client,
        "/catalogus/import",
        {"file": (io.BytesIO(data), "pdc.zip"), **fields},
        content_type="multipart/form-data",
    )


def current_codes(region) -> set:
    stmt = select(Product.code).where(Product.region_id == region.id, Product.is_current)
    return set(db.session.execute(stmt).scalars())


@pytest.fixture
def wbo(app):
    app.config["JOBS_IMPORT_BATCH_CARDS"] = 10
    return f.region("wbo")


@pytest.mark.usefixtures("queue")
def test_catalogue_import_job_with_progress_and_a_refused_batch(app, client, wbo):
    inkoper = f.user("procurement")
    f.login(client, inkoper)
    assert "Importeren" in client.get("/catalogus/").text
    job_id = job_id_of(upload(client, pdc_zip(), with_translations="y"))
    assert 'max="5" value="0"' in client.get(f"/taken/{job_id}").text
    assert current_codes(wbo) == set()

    # Before the worker runs, someone fixes card 44A06 by hand from 2030 on: the files'
    # version (from 2026) no longer fits, so the second batch must write nothing.
    ops.create_product(
        wbo.id,
        code="44A06",
        name="Pleegzorg (met de hand)",
        variant="effort",
        unit="etmaal",
        valid_from=date(2030, 1, 1),
        tariffs={2030: "70.00"},
        status="vastgesteld",
    )

    job = run_worker(app, job_id)

    assert (job.status, job.total, job.done, job.failed) == ("done", 5, 4, 1)
    assert current_codes(wbo) == (set(CARDS) - set(SECOND_BATCH)) | {"44A06"}
    assert db.session.execute(select(func.count(TaskArea.id))).scalar() > 0
    table = yaml.safe_load((PDC / "_vertaaltabel.yaml").read_text(encoding="utf-8"))
    assert db.session.execute(select(func.count(CodeTranslation.id))).scalar() == len(table)
    page = client.get(f"/taken/{job_id}").text
    assert "4 van 5 klaar" in page and "Productkaarten 43A11 t/m 45A53" in page
    assert "44A06.yaml" in page and "nieuwe versie moet ingaan na" in page
    note = db.session.execute(select(Notification).filter_by(user_id=inkoper.id)).scalar()
    assert "4 van 5 gelukt, 1 mislukt" in note.body
    assert "54002" in client.get("/catalogus/?q=54002").text

    # What the contracts domain receives: the imported card and its 2026 tariff.
    card = db.session.execute(
        select(Product).where(Product.code == "54002", Product.region_id == wbo.id)
    ).scalar_one()
    contract = effort_contract(wbo, product_row=card)
    booked, _created = contract_ops.record_realisation(
        contract, product="54002", period="2026-03", units="60", actor=inkoper
    )
    assert booked.unit_price == Decimal("2.13") and booked.amount == Decimal("127.80")


def test_a_set_with_errors_lists_every_error_and_queues_nothing(app, client, wbo):
    f.login(client, f.user("procurement"))
    broken = pdc_zip(
        {
            "54002.yaml": (PDC / "54002.yaml")
            .read_text(encoding="utf-8")
            .replace("unit: minuut", "unit: lichtjaar"),
            "44A06.yaml": "code: 44A06\nname: [kapot\n",
        }
    )
    response = upload(client, broken)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Import geweigerd: 2 fout(en)" in html
    assert "54002.yaml:5: unit: Onbekende eenheid" in html
    assert "44A06.yaml" in html and "ongeldige YAML" in html
    assert db.session.execute(select(func.count(Job.id))).scalar() == 0
    assert current_codes(wbo) == set()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"code: 45A53\n", "geen ZIP-bestand"),
        (b"PK\x03\x04 beschadigd", "beschadigd"),
    ],
    ids=["yaml", "broken zip"],
)
def test_what_is_no_zip_of_cards_is_refused(app, client, wbo, data, message):
    f.login(client, f.user("procurement"))
    response = upload(client, data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Job.id))).scalar() == 0


def test_only_catalogue_editors_may_import(app, client, wbo):
    f.login(client, f.user("municipality"))
    assert client.get("/catalogus/import").status_code == 403
    assert upload(client, pdc_zip()).status_code == 403
    assert db.session.execute(select(func.count(Job.id))).scalar() == 0
