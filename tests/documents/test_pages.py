"""The documents pages: library, documents page per record, signed upload, panels."""

import pytest
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.documents.models import DocumentChoices, GeneratedDocument
from procure.extensions import db
from procure.main.panels import panels_for
from tests import factories as f
from tests.documents.conftest import make_contract

PDF = b"%PDF-1.4\n% ondertekend\n"


@pytest.fixture
def quick_render(monkeypatch):
    """Skip WeasyPrint where a test is about storage and listing, not about the PDF."""
    from procure.documents import operations as ops
    from procure.documents.engine import Rendered

    def fake(spec):
        body = f"%PDF-1.7 {spec.kind} {spec.reference} {spec.record_version}".encode()
        return Rendered(html="", pdf=body, pages=1, refused=[])

    monkeypatch.setattr(ops, "render_spec", fake)


def test_record_page_generate_history_download_and_signed_upload(client, contract):
    officer = f.user("contract_manager")
    f.login(client, officer)
    page = client.get(f"/documenten/contract/{contract.id}")
    assert page.status_code == 200
    assert "Nog geen documenten gemaakt." in page.get_data(as_text=True)

    preview = client.get(f"/documenten/contract/{contract.id}/voorbeeld?kind=contract")
    assert preview.status_code == 200 and preview.mimetype == "text/html"
    assert "Stichting Kompas Jeugdhulp" in preview.get_data(as_text=True)
    assert client.get(f"/documenten/contract/{contract.id}/voorbeeld?kind=onzin").status_code == 404

    response = f.post(client, f"/documenten/contract/{contract.id}/genereren", {"kind": "contract"})
    assert response.status_code == 302
    doc = db.session.execute(select(GeneratedDocument)).scalar_one()
    html = client.get(f"/documenten/contract/{contract.id}").get_data(as_text=True)
    assert doc.title in html and doc.sha256[:16] not in html  # hashes: administrators only
    download = client.get(f"/documenten/bestand/{doc.id}/pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")

    from io import BytesIO

    bad = f.post(
        client,
        f"/documenten/bestand/{doc.id}/ondertekend",
        {"file": (BytesIO(b"geen pdf"), "contract.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 302
    assert db.session.get(GeneratedDocument, doc.id).signed_file_id is None
    good = f.post(
        client,
        f"/documenten/bestand/{doc.id}/ondertekend",
        {"file": (BytesIO(PDF), "getekend.pdf")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    doc = db.session.get(GeneratedDocument, doc.id)
    assert doc.signed_file_id and doc.signed_by_id == officer.id
    assert client.get(f"/documenten/bestand/{doc.id}/ondertekend").data == PDF
    assert db.session.execute(
        select(AuditEvent).filter_by(action="document.signed_uploaded")
    ).scalar_one()


def test_choices_form_sets_optional_articles_with_audit(client, contract):
    f.login(client, f.user("procurement"))
    response = f.post(
        client,
        f"/documenten/contract/{contract.id}/keuzes",
        {
            "optional_articles": ["optional.bibob", "optional.age_18"],
            "tender_selection": "0",
            "award_basis": "no_emvi",
            "notice_months": "6",
        },
    )
    assert response.status_code == 302
    choices = db.session.execute(select(DocumentChoices)).scalar_one()
    assert choices.optional_articles == ["optional.age_18", "optional.bibob"]
    assert choices.tender_selection is False and choices.notice_months == 6
    event = db.session.execute(
        select(AuditEvent).filter_by(action="document.choices_changed")
    ).scalar_one()
    assert event.new_values["award_basis"] == "no_emvi"
    bad = f.post(client, f"/documenten/contract/{contract.id}/keuzes", {"notice_months": "99"})
    assert bad.status_code == 302
    assert db.session.execute(select(DocumentChoices)).scalar_one().notice_months == 6


def test_roles_that_may_not_generate(client, contract):
    provider_client = client.application.test_client()
    f.login(provider_client, f.user("provider", provider_code="kompas"))
    assert provider_client.get(f"/documenten/contract/{contract.id}").status_code == 200
    assert (
        f.post(
            provider_client, f"/documenten/contract/{contract.id}/genereren", {"kind": "contract"}
        ).status_code
        == 403
    )
    assert (
        f.post(
            provider_client, f"/documenten/contract/{contract.id}/keuzes", {"notice_months": "2"}
        ).status_code
        == 403
    )
    other = client.application.test_client()
    f.login(other, f.user("provider", provider_code="linde"))
    assert other.get(f"/documenten/contract/{contract.id}").status_code == 404

    f.login(client, f.user("municipality"))
    # a region-wide contract: a municipality reads but does not generate
    assert client.get(f"/documenten/contract/{contract.id}").status_code == 200
    assert (
        f.post(
            client, f"/documenten/contract/{contract.id}/genereren", {"kind": "contract"}
        ).status_code
        == 403
    )
    assert db.session.execute(select(GeneratedDocument)).first() is None


def _three_contract_documents(wbo, kompas, maatwerk_code) -> None:
    """The documents of a region-wide contract (WBO-C2026-0007), a custom contract of
    Breda (WBO-M2026-0010) and one of Altena (WBO-M2026-0011)."""
    from procure.contracts.documents import contract_spec
    from procure.documents import operations as ops

    breda, altena = f.municipality("Breda"), f.municipality("Altena")
    region_wide = make_contract(wbo, kompas, reference="WBO-C2026-0007")
    own = make_contract(
        wbo,
        kompas,
        origin="custom",
        reference="WBO-M2026-0010",
        municipality=breda,
        maatwerk_code_id=maatwerk_code.id,
    )
    theirs = make_contract(
        wbo,
        kompas,
        origin="custom",
        reference="WBO-M2026-0011",
        municipality=altena,
        maatwerk_code_id=maatwerk_code.id,
    )
    for c in (region_wide, own, theirs):
        ops.generate(contract_spec(c))


def test_library_lists_what_the_user_may_download(client, wbo, kompas, maatwerk_code, quick_render):
    _three_contract_documents(wbo, kompas, maatwerk_code)
    f.login(client, f.user("municipality", municipality_name="Breda"))
    html = client.get("/documenten/").get_data(as_text=True)
    assert "WBO-C2026-0007" in html and "WBO-M2026-0010" in html
    assert "WBO-M2026-0011" not in html
    assert 'href="/contracten/maatwerk"' in html  # the one route to custom contracts
    filtered = client.get("/documenten/?kind=custom_contract&q=0010").get_data(as_text=True)
    assert "WBO-M2026-0010" in filtered and "WBO-C2026-0007" not in filtered


def test_library_query_count_is_bounded(client, contract, count_queries, quick_render):
    from procure.contracts.documents import contract_spec
    from procure.documents import operations as ops

    user = f.user("procurement")
    spec = contract_spec(contract)
    for _ in range(3):
        ops.generate(spec, actor=user)
    f.login(client, user)
    with count_queries() as few:
        client.get("/documenten/")
    for _ in range(5):
        ops.generate(spec, actor=user)
    with count_queries() as more:
        assert "WBO-C2026-0001" in client.get("/documenten/").get_data(as_text=True)
    assert len(more) == len(few)


def test_panels_link_to_the_documents(contract, product):
    user = f.user("contract_manager")
    html = "".join(str(p) for p in panels_for("contract", contract, user))
    assert f"/documenten/contract/{contract.id}" in html
    assert "Genereren" in html
    product_html = "".join(str(p) for p in panels_for("product", product, user))
    assert f"/documenten/product/{product.id}" in product_html


def test_pages_for_product_catalogue_and_clause_library_render(client, product):
    f.login(client, f.user("procurement"))
    page = client.get(f"/documenten/product/{product.id}").get_data(as_text=True)
    assert "Productkaart" in page and "Genereren" in page
    catalogue = client.get(f"/documenten/catalogue/{product.region_id}")
    assert catalogue.status_code == 200
    assert "Volledige productencatalogus" in catalogue.get_data(as_text=True)
    library = client.get("/documenten/clausules").get_data(as_text=True)
    assert "Facultatief artikel: Bibob-toets" in library and "standaardtekst" in library
    assert client.get("/documenten/onbekend/1").status_code == 404
    other = f.region("e10")
    assert client.get(f"/documenten/catalogue/{other.id}").status_code == 404


def test_hashes_and_template_versions_only_in_a_fold_out_for_administrators(
    app, client, contract, quick_render
):
    from procure.contracts.documents import contract_spec
    from procure.documents import operations as ops

    doc = ops.generate(contract_spec(contract))
    f.login(client, f.user("contract_manager"))
    page = client.get(f"/documenten/contract/{contract.id}").get_data(as_text=True)
    assert doc.title in page
    assert (
        "SHA-256" not in page and doc.sha256[:16] not in page and doc.template_version not in page
    )

    admin = app.test_client()
    f.login(admin, f.user("admin", email="beheer@example.org"))
    page = admin.get(f"/documenten/contract/{contract.id}").get_data(as_text=True)
    fold_out = page.split('<details class="fingerprints">', 1)[1].split("</details>", 1)[0]
    assert doc.sha256 in fold_out and doc.template_version in fold_out


def test_library_kept_statements_take_each_request_s_values_and_user(
    client, wbo, kompas, maatwerk_code, quick_render
):
    """The library's statements are kept per scope and filters given (the values are
    parameters): another search, kind, order or user gets its own rows."""

    _three_contract_documents(wbo, kompas, maatwerk_code)
    refs = ("WBO-C2026-0007", "WBO-M2026-0010", "WBO-M2026-0011")

    def shown(query=""):
        html = client.get(f"/documenten/?{query}").get_data(as_text=True)
        return [r for r in sorted(refs, key=lambda r: html.find(r)) if r in html]

    f.login(client, f.user("procurement"))  # no custom contracts for procurement
    assert shown() == ["WBO-C2026-0007"] and shown("kind=custom_contract") == []
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, f.user("contract_manager"))
    assert set(shown()) == set(refs)
    assert shown("q=0007") == ["WBO-C2026-0007"]
    assert shown("q=0011") == ["WBO-M2026-0011"]
    assert set(shown("kind=custom_contract")) == {"WBO-M2026-0010", "WBO-M2026-0011"}
    assert shown("kind=contract") == ["WBO-C2026-0007"]
    assert shown("sort=title&dir=asc") == list(reversed(shown("sort=title&dir=desc")))
    assert len(shown("per_page=1")) == 1
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, f.user("municipality", municipality_name="Breda"))
    assert set(shown()) == {"WBO-C2026-0007", "WBO-M2026-0010"}
    assert shown("q=0011") == []
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, f.user("municipality", municipality_name="Altena", email="a@altena.nl"))
    assert set(shown()) == {"WBO-C2026-0007", "WBO-M2026-0011"}
    assert shown("q=0010") == []
