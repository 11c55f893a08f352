"""Refused applications: duplicates, unknown categories, wrong or oversized uploads."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from procure.core.errors import Conflict, InvalidTransition, ValidationFailed
from procure.core.uploads import StoredFile
from procure.extensions import db
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import Application, ApplicationCategory
from tests import factories as f
from tests.tenders.open_house.conftest import PDF, Upload, apply, build_open_house

NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)


def _stored_files() -> int:
    return db.session.execute(select(func.count(StoredFile.id))).scalar_one()


def _files_on_disk() -> list[Path]:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_duplicate_open_application_for_a_category_is_refused(oh):
    provider = f.provider("kompas")
    apply(oh, provider, now=NOW)
    with pytest.raises(Conflict, match="openstaande aanvraag voor de categorie Gezinshuiszorg"):
        apply(oh, provider, categories=[oh.wonen, oh.gezinshuis], now=NOW)
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 1
    # Another category is fine; another provider for the same category too.
    apply(oh, provider, categories=[oh.wonen], now=NOW)
    apply(oh, f.provider("linde"), now=NOW)


def test_the_database_also_refuses_a_second_open_application(oh):
    provider = f.provider("kompas")
    first = apply(oh, provider, now=NOW)
    db.session.add(
        ApplicationCategory(
            application_id=first.id, category_id=oh.wonen.id, provider_id=provider.id
        )
    )
    db.session.commit()
    second = Application(
        reference="X-2",
        tender_id=oh.tender.id,
        region_id=oh.region.id,
        provider_id=provider.id,
        submitted_at=NOW,
    )
    db.session.add(second)
    db.session.flush()
    db.session.add(
        ApplicationCategory(
            application_id=second.id,
            category_id=oh.wonen.id,
            provider_id=provider.id,
            open_flag=True,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_already_admitted_provider_cannot_apply_again_for_that_category(oh):
    officer = f.user("procurement")
    provider = f.provider("kompas")
    application = apply(oh, provider, now=NOW)
    ops.score(
        application, {a.requirement_id: ("meets", "") for a in application.answers}, actor=officer
    )
    ops.decide(application, decisions={oh.gezinshuis.id: "admitted"}, actor=officer, now=NOW)
    with pytest.raises(Conflict, match="al toegelaten"):
        apply(oh, provider, now=NOW)


def test_withdrawn_application_frees_the_category(oh):
    provider = f.provider("kompas")
    user = f.user("provider", provider_code="kompas")
    application = apply(oh, provider, user=user, now=NOW)
    ops.withdraw_application(application, user=user)
    assert application.status == "withdrawn"
    with pytest.raises(InvalidTransition):
        ops.withdraw_application(application, user=user)
    assert apply(oh, provider, user=user, now=NOW).status == "submitted"


def test_category_that_does_not_exist_is_refused(oh):
    other = build_open_house_in_other_region()
    with pytest.raises(ValidationFailed, match="categorie bestaat niet"):
        apply(oh, f.provider("kompas"), categories=[other], now=NOW)
    with pytest.raises(ValidationFailed, match="categorie bestaat niet"):
        ops.submit_application(
            oh.tender,
            provider=f.provider("kompas"),
            user=None,
            category_ids=[999_999],
            municipality_ids=[f.municipality("Breda").id],
            now=NOW,
        )
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 0


def build_open_house_in_other_region():
    from procure.tenders.open_house.models import Category

    region = f.region("e10")
    tender = ops.create_open_house(
        region=region,
        reference="E10-OH",
        title="Lichte hulp",
        contract_start=datetime(2027, 1, 1).date(),
    )
    category = Category(tender_id=tender.id, region_id=region.id, code="GH", name="Elders")
    db.session.add(category)
    db.session.commit()
    return category


@pytest.mark.parametrize(
    "upload, message",
    [
        (Upload(b"MZ\x90\x00 not a pdf", "keurmerk.exe"), "geen toegestaan type"),
        (Upload(b"just text pretending", "keurmerk.pdf"), "geen toegestaan type"),
        (Upload(PDF + b"x" * 2048, "keurmerk.pdf"), "te groot"),
    ],
)
def test_wrong_or_oversized_upload_is_refused_with_nothing_stored(oh, upload, message):
    current_app.config["UPLOAD_MAX_BYTES"] = 1024
    provider = f.provider("kompas")
    with pytest.raises(ValidationFailed, match=message):
        ops.submit_application(
            oh.tender,
            provider=provider,
            user=None,
            category_ids=[oh.gezinshuis.id],
            municipality_ids=[f.municipality("Breda").id],
            answers={oh.req1.id: "ja"},
            files={oh.req2.id: upload},
            now=NOW,
        )
    assert _stored_files() == 0
    assert _files_on_disk() == []
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == 0


def test_missing_required_document_and_answers_are_refused(oh):
    with pytest.raises(ValidationFailed, match="eis 1, 2"):
        ops.submit_application(
            oh.tender,
            provider=f.provider("kompas"),
            user=None,
            category_ids=[oh.gezinshuis.id],
            municipality_ids=[f.municipality("Breda").id],
            now=NOW,
        )


def test_concept_open_house_takes_no_applications(app):
    oh = build_open_house(publish=False)
    with pytest.raises(InvalidTransition):
        apply(oh, f.provider("kompas"), now=NOW)


def test_web_upload_of_wrong_type_keeps_the_input_and_stores_nothing(client, oh):
    user = f.user("provider", provider_code="kompas")
    f.login(client, user)
    breda = f.municipality("Breda").id
    response = f.post(
        client,
        f"/open-house/{oh.tender.id}/aanvragen",
        {
            "category_ids": [str(oh.gezinshuis.id)],
            "municipality_ids": [str(breda)],
            "moment_id": "0",
            "motivation": "Wij bieden gezinshuizen in Breda.",
            f"answer_{oh.req1.id}": "KvK 41098765",
            f"file_{oh.req2.id}": (io.BytesIO(b"PK\x03\x04zip"), "keurmerk.zip"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "geen toegestaan type" in html
    assert "Wij bieden gezinshuizen in Breda." in html and "KvK 41098765" in html
    assert _stored_files() == 0 and _files_on_disk() == []
