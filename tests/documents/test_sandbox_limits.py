"""The clause sandbox has limits at every render: each bomb of issue 14 is refused within a
second and within bounded memory, through the editor (a Dutch 422) and as a stored text in
a document (the document refuses, nothing hangs)."""

import time
import tracemalloc

import pytest
from sqlalchemy import func, select

from procure.documents.models import ClauseVersion, GeneratedDocument
from procure.documents.sandbox import LIMITS, ClauseError, render_clause
from procure.extensions import db
from tests import factories as f

FIELDS = {"regio": "Regio WBO Jeugd", "aanbieder": "Stichting Kompas Jeugdhulp"}


def nested_loops(depth: int) -> str:
    opening = "".join(f"{{% for a{i} in regio %}}" for i in range(depth))
    return opening + "x" + "{% endfor %}" * depth


BOMBS = {
    "exponent": "{{ 3 ** 1000000000 }}",
    "exponent that would print 250,000 digits": "{{ 7 ** 300000 }}",
    "float exponent": "{{ 2.0 ** 100000 }}",
    "repeated multiplication": "{{ 10**70 * 10**70 * 10**70 * 10**70 }}",
    "eight nested loops": nested_loops(8),
    "six nested loops": nested_loops(6),
    "ljust": "{{ regio.ljust(1000000000) }}",
    "zfill": "{{ regio.zfill(99999) }}",
    "center filter": "{{ regio|center(1000000000) }}",
    "string repetition": "{{ 'x' * 500000000 }}",
    "string repetition by float": "{{ 'x' * 5e8 }}",
    "printf width filter": "{{ '%0500000000d'|format(1) }}",
    "printf width operator": "{{ '%0500000000d' % 1 }}",
    "str.format width": "{{ '{:>999999999}'.format(1) }}",
    "list repetition": "{{ (regio|list) * 100000 }}",
    "join of a huge list": "{{ ([regio.ljust(20000)] * 10000)|join }}",
    "replace growth": "{{ regio.replace('', regio.ljust(19000)) }}",
    "concatenation growth": "{% set a = regio.ljust(9000) %}{% set b = a ~ a ~ a %}{{ b ~ b }}",
    "output growth in a loop": "{% for x in regio %}{{ regio.ljust(20000) }}{% endfor %}",
    "recursive loop": "{% for x in regio recursive %}{{ loop(regio) }}{% endfor %}",
    "block set": "{% set a %}{% for x in regio %}{{ x }}{% endfor %}{% endset %}{{ a }}",
    "unknown filter": "{{ regio|nonexistent }}",
    "5,000-digit literal": "{{ " + "9" * 5000 + " }}",
    "deep nesting": "{% if regio %}" * 2000 + "x" + "{% endif %}" * 2000,
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_every_bomb_is_refused_fast_and_small(app, text):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with app.test_request_context(), pytest.raises(ClauseError) as info:
            render_clause(text, FIELDS)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, elapsed
    assert peak < 32 * 1024 * 1024, peak
    assert info.value.field == "body" and str(info.value.message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ regio|upper }} en {{ aanbieder }}", "REGIO WBO JEUGD en Stichting Kompas Jeugdhulp"),
        ("{{ 12 * 3 }} maanden, {{ 10 ** 15 }}", "36 maanden, 1000000000000000"),
        ("{% for w in regio.split() %}{{ w|lower }} {% endfor %}", "regio wbo jeugd"),
        ("{{ regio ~ ' / ' ~ aanbieder|truncate(9, True, '') }}", "Regio WBO Jeugd / Stichting"),
        ("{{ regio.replace('WBO', 'West-Brabant Oost') }}", "Regio West-Brabant Oost Jeugd"),
    ],
)
def test_ordinary_clauses_still_render(app, text, expected):
    with app.test_request_context():
        assert str(render_clause(text, FIELDS)) == f"<p>{expected}</p>"


def test_wall_clock_limit_stops_a_slow_render(app, monkeypatch):
    monkeypatch.setattr("procure.documents.sandbox.LIMITS", LIMITS.__class__(seconds=0.0))
    with app.test_request_context(), pytest.raises(ClauseError):
        render_clause("{% for x in regio %}{{ x }}{% endfor %}", FIELDS)


@pytest.mark.parametrize("name", ["unknown filter", "exponent that would print 250,000 digits"])
def test_editor_preview_answers_a_dutch_422_and_keeps_the_text(client, wbo, name):
    f.login(client, f.user("procurement"))
    body = BOMBS[name]
    response = f.post(
        client,
        "/documenten/clausules/optional.bibob",
        {"title": "Bibob", "body": body, "action": "preview"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "De tekst" in html and "niet" in html
    assert body.replace("'", "&#39;") in html or body in html
    response = f.post(
        client, "/documenten/clausules/optional.bibob", {"title": "Bibob", "body": body}
    )
    assert response.status_code == 422
    assert db.session.execute(select(func.count(ClauseVersion.id))).scalar_one() == 0


def test_stored_clause_with_nested_loops_makes_the_document_refuse_not_hang(client, contract):
    # Six nested loops passed the old save-time check; stored, it hung every document.
    db.session.add(
        ClauseVersion(
            region_id=contract.region_id,
            key="consideration.procedure.tender",
            version=1,
            title="Aanbestedingsprocedure",
            body=nested_loops(6),
        )
    )
    db.session.commit()
    f.login(client, f.user("procurement"))
    started = time.perf_counter()
    preview = client.get(f"/documenten/contract/{contract.id}/voorbeeld?kind=contract")
    assert preview.status_code == 422 and time.perf_counter() - started < 5
    assert "te veel rekenwerk" in preview.get_data(as_text=True)
    response = f.post(client, f"/documenten/contract/{contract.id}/genereren", {"kind": "contract"})
    assert response.status_code == 302
    assert "te veel rekenwerk" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(select(func.count(GeneratedDocument.id))).scalar_one() == 0
