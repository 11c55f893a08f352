"""The editable clause library: per region, versioned, audited, previewed, used."""

from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts.documents import contract_spec
from procure.documents.models import ClauseVersion
from procure.extensions import db
from tests import factories as f

BODY = (
    "Opdrachtnemer werkt mee aan een Bibob-onderzoek van {{ regio }} en levert binnen "
    "twee weken de gevraagde stukken."
)


def test_officer_saves_versions_with_audit_and_documents_use_the_newest(client, contract):
    officer = f.user("procurement")
    f.login(client, officer)
    url = "/documenten/clausules/optional.bibob"
    assert (
        f.post(client, url, {"title": "Bibob", "body": BODY, "note": "strenger"}).status_code == 302
    )
    assert (
        f.post(
            client, url, {"title": "Bibob-toets", "body": BODY + "\n\nTweede lid.", "note": ""}
        ).status_code
        == 302
    )
    versions = (
        db.session.execute(select(ClauseVersion).order_by(ClauseVersion.version)).scalars().all()
    )
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].note == "strenger" and versions[1].created_by_id == officer.id
    events = (
        db.session.execute(
            select(AuditEvent).filter_by(action="clause.saved").order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert len(events) == 2
    assert "Wet Bibob" in events[0].old_values["body"]  # the standard text it replaced
    assert events[1].new_values["version"] == 2

    from procure.documents import operations as ops

    ops.set_choices(
        "contract", contract.id, region_id=contract.region_id, optional_articles=["optional.bibob"]
    )
    spec = contract_spec(contract)
    bibob = next(a for a in spec.context["optional_articles"] if a["key"] == "optional.bibob")
    assert bibob["title"] == "Bibob-toets" and "Regio WBO Jeugd en levert" in bibob["html"]
    assert spec.clause_versions["optional.bibob"] == 2
    page = client.get(url).get_data(as_text=True)
    assert "v2" in page and "strenger" in page


def test_preview_renders_sample_data_without_saving(client, wbo):
    f.login(client, f.user("procurement"))
    response = f.post(
        client,
        "/documenten/clausules/optional.social_return",
        {"title": "Social return", "body": "Geldt voor {{ aanbieder }}.", "action": "preview"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Geldt voor Stichting Kompas Jeugdhulp." in html
    assert db.session.execute(select(ClauseVersion)).first() is None


def test_unchanged_text_does_not_create_a_version(client, wbo):
    from procure.documents import operations as ops

    first = ops.save_clause(wbo, "optional.age_18", title="18+", body="Tekst.")
    again = ops.save_clause(wbo, "optional.age_18", title="18+", body="Tekst.")
    assert first.id == again.id and first.version == 1


def test_roles_and_region_scope(client, wbo):
    from procure.documents import operations as ops

    other = f.region("e10")
    ops.save_clause(other, "optional.revision", title="Revisie E10", body="Alleen in E10.")
    f.login(client, f.user("contract_manager"))
    page = client.get("/documenten/clausules/optional.revision").get_data(as_text=True)
    assert "Alleen in E10" not in page and "Revisie E10" not in page
    assert (
        f.post(
            client, "/documenten/clausules/optional.revision", {"title": "X", "body": "Y"}
        ).status_code
        == 403
    )
    municipality_client = client.application.test_client()
    f.login(municipality_client, f.user("municipality"))
    assert municipality_client.get("/documenten/clausules").status_code == 403
    assert client.get("/documenten/clausules/bestaat.niet").status_code == 404
