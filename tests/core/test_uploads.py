"""Uploads: nothing is left on disk for a refused operation, long names fit the column."""

import io
from pathlib import Path

from sqlalchemy import func, select

from procure.contracts.models import ManagementMeeting
from procure.core.uploads import StoredFile
from procure.extensions import db
from procure.supervision.models import Signal, SignalAttachment
from tests import factories as f
from tests.contracts.helpers import lumpsum_contract
from tests.supervision.helpers import World
from tests.supervision.test_pages import _form

PDF = b"%PDF-1.4\n% verslag van het overleg\n"


def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_signal_refused_for_its_second_attachment_leaves_no_file(client, app):
    with app.test_request_context():
        w = World()
    f.login(client, w.manager)
    data = _form(w)
    data["attachments"] = [(io.BytesIO(PDF), "verslag.pdf"), (io.BytesIO(b"MZ\x90"), "x.pdf")]
    response = f.post(client, "/signalen/nieuw", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.execute(select(func.count(Signal.id))).scalar_one() == 0
    assert _files(app) == []
    # the same first file in a signal that is accepted is stored and served
    data["attachments"] = [(io.BytesIO(PDF), "verslag.pdf")]
    assert f.post(client, "/signalen/nieuw", data, content_type="multipart/form-data").status_code
    attachment = db.session.execute(select(SignalAttachment)).scalar_one()
    assert len(_files(app)) == 1
    signal_id = attachment.signal_id
    assert client.get(f"/signalen/{signal_id}/bijlagen/{attachment.id}").data == PDF


def test_meeting_refused_after_its_minutes_were_stored_leaves_no_file(client, app):
    provider = f.provider("horizon")
    lumpsum_contract(provider=provider)
    f.login(client, f.user("contract_manager"))
    data = {
        "action": "meeting",
        "m-held_on": "2026-09-17",
        "m-attendees": "contractmanager, bestuurder",
        "m-topics": "Productie en financiën",
        "m-minutes": (io.BytesIO(PDF), "verslag.pdf"),
        "m-action_description": "Wachtlijst aanleveren",
        "m-action_owner": "",  # refused by the operation, after the upload was stored
        "m-action_due_on": "2026-10-31",
    }
    url = f"/contracten/beheer/{provider.id}"
    response = f.post(client, url, data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.execute(select(func.count(ManagementMeeting.id))).scalar_one() == 0
    assert db.session.execute(select(func.count(StoredFile.id))).scalar_one() == 0
    assert _files(app) == []


def test_file_shared_with_a_committed_row_survives_a_rollback(client, app):
    provider = f.provider("horizon")
    lumpsum_contract(provider=provider)
    f.login(client, f.user("contract_manager"))
    data = {
        "action": "meeting",
        "m-held_on": "2026-09-17",
        "m-attendees": "contractmanager",
        "m-topics": "Productie",
        "m-minutes": (io.BytesIO(PDF), "verslag.pdf"),
    }
    url = f"/contracten/beheer/{provider.id}"
    assert f.post(client, url, data, content_type="multipart/form-data").status_code == 302
    data |= {"m-minutes": (io.BytesIO(PDF), "verslag.pdf"), "m-action_description": "Actie"}
    assert f.post(client, url, data, content_type="multipart/form-data").status_code == 422
    assert len(_files(app)) == 1
    meeting = db.session.execute(select(ManagementMeeting)).scalar_one()
    assert client.get(f"/contracten/beheer/verslag/{meeting.id}").data == PDF


def test_attachment_name_longer_than_the_column_is_shortened_keeping_the_extension(client, app):
    with app.test_request_context():
        w = World()
    f.login(client, w.manager)
    data = _form(w)
    data["attachments"] = [(io.BytesIO(PDF), "verslag-" + "a" * 400 + ".pdf")]
    response = f.post(client, "/signalen/nieuw", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    name = db.session.execute(select(StoredFile.original_name)).scalar_one()
    assert len(name) == 255 and name.startswith("verslag-aaa") and name.endswith(".pdf")
