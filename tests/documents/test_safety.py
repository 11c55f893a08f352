"""Safety: the restricted URL fetcher and the sandboxed clause texts."""

import re

import pytest
from sqlalchemy import func, select

from procure.documents import operations as ops
from procure.documents.engine import STATIC_ROOT, RestrictedFetcher, html_to_pdf
from procure.documents.models import ClauseVersion, GeneratedDocument
from procure.documents.sandbox import ClauseError, check_clause, render_clause
from procure.extensions import db
from tests import factories as f
from tests.documents.conftest import pdf_text


def test_fetcher_refuses_local_files_and_network_but_serves_static(app):
    fetcher = RestrictedFetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:5432/",
        "https://example.org/x.css",
        "file:///work/main/procure/__init__.py",
        (STATIC_ROOT / ".." / "config.py").as_uri(),
        "file://evil.example.org/etc/passwd",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch((STATIC_ROOT / "print" / "document.css").as_uri())
    assert b"@page" in response.read()
    assert len(fetcher.refused) == 7


def test_template_referencing_forbidden_urls_still_renders_without_them(app):
    html = (
        '<html lang="nl"><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '</head><body><p>Voor de zekerheid</p><img src="file:///etc/passwd" alt="">'
        '<img src="http://127.0.0.1:8080/pixel.png" alt=""></body></html>'
    )
    pdf, pages, refused, _seconds = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-") and pages == 1
    assert "Voor de zekerheid" in pdf_text(pdf)
    assert "root:" not in pdf_text(pdf)
    assert set(refused) == {
        "http://127.0.0.1:9/x.css",
        "file:///etc/passwd",
        "http://127.0.0.1:8080/pixel.png",
    }


@pytest.mark.parametrize(
    "text",
    [
        "{{ regio.__class__ }}",
        "{{ regio.__class__.__mro__[1].__subclasses__() }}",
        "{{ regio.upper.__globals__ }}",
        "{{ ''.__class__ }}",
        "{{ regio['__class__'] }}",
        "{{ self }}",
        "{% include '/etc/passwd' %}",
        "{% macro m() %}x{% endmacro %}{{ m() }}",
    ],
)
def test_sandbox_refuses_dunder_attributes(app, text):
    with pytest.raises(ClauseError) as info:
        render_clause(text, {"regio": "Regio WBO Jeugd"})
    assert "niet toegestaan" in str(info.value.message)


@pytest.mark.parametrize(
    "name", ["config", "request", "session", "g", "url_for", "range", "cycler", "lipsum"]
)
def test_sandbox_refuses_fields_outside_the_allow_list(app, name):
    with pytest.raises(ClauseError) as info:
        check_clause("Tekst {{ " + name + " }}")
    assert name in str(info.value.message)
    with pytest.raises(ClauseError):
        render_clause("{{ " + name + " }}", {})


def test_sandbox_escapes_html_and_renders_allowed_fields(app):
    html = str(
        render_clause(
            "<b>{{ aanbieder }}</b> en {{ regio }}\n\nTweede alinea",
            {"aanbieder": "A & B <script>", "regio": "Regio WBO Jeugd"},
        )
    )
    assert "<script>" not in html and "<b>" not in html
    assert "&amp;lt;script&amp;gt;" not in html  # escaped once, not twice
    assert "A &amp; B &lt;script&gt;" in html
    assert html.count("<p>") == 2


def test_syntax_error_gives_dutch_message_with_line(app):
    with pytest.raises(ClauseError) as info:
        check_clause("Regel een\n{% if %}")
    assert re.search(r"opmaakfout op regel 2", str(info.value.message))


def test_stored_unsafe_clause_fails_generation_with_message_not_500(client, contract):
    # A version that bypassed the editor's checks (e.g. imported) must not crash anything.
    db.session.add(
        ClauseVersion(
            region_id=contract.region_id,
            key="consideration.procedure.tender",
            version=1,
            title="X",
            body="{{ regio.__class__ }}",
        )
    )
    db.session.commit()
    f.login(client, f.user("procurement"))
    response = f.post(client, f"/documenten/contract/{contract.id}/genereren", {"kind": "contract"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "niet toegestaan" in page.get_data(as_text=True)
    assert db.session.execute(select(func.count(GeneratedDocument.id))).scalar_one() == 0
    preview = client.get(f"/documenten/contract/{contract.id}/voorbeeld?kind=contract")
    assert preview.status_code == 422
    assert "niet toegestaan" in preview.get_data(as_text=True)


def test_clause_editor_refuses_config_and_keeps_input(client, wbo):
    f.login(client, f.user("procurement"))
    body = "Zie {{ config.SECRET_KEY }} en {{ request.cookies }}"
    response = f.post(
        client, "/documenten/clausules/optional.bibob", {"title": "Bibob", "body": body, "note": ""}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "niet zijn toegestaan: config, request" in html
    assert "test-secret-key" not in html
    assert "{{ config.SECRET_KEY }}" in html  # the user's input is kept
    assert db.session.execute(select(func.count(ClauseVersion.id))).scalar_one() == 0
    assert ops  # module import used by other tests
