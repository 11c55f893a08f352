"""Segments as a catalogue concept (seed 001, Een 10 voor de Jeugd): the demo's agreement
since January 2022 with its sample of providers over the segments, Samen voor Jeugd's
aligned contract dates, the report per segment (page and export) and the rules for an
account holder; segments travel with the pdc files."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from procure.catalogue import operations as ops
from procure.catalogue.models import Product, Segment
from procure.catalogue.pdcfiles import diff_directory, export_directory, import_directory
from procure.contracts.models import Contract
from procure.core.errors import ValidationFailed
from procure.demo import DEMO_PASSWORD
from procure.extensions import db
from tests import factories as f


def _region(code):
    return f.region(code)


def _contracts(region, **filters):
    stmt = select(Contract).where(Contract.region_id == region.id)
    for key, value in filters.items():
        stmt = stmt.where(getattr(Contract, key) == value)
    return db.session.execute(stmt).scalars().all()


def test_een10_agreement_since_2022_with_a_sample_over_the_segments(demo):
    e10 = _region("e10")
    agreement = _contracts(e10, origin="open_house")
    # Seed 001: the agreement in force since January 2022; its segment 1 and 2 agreements
    # run until 2028. More than 180 providers; the demo keeps a representative sample.
    assert {(c.start_date, c.end_date) for c in agreement} == {
        (date(2022, 1, 1), date(2027, 12, 31))
    }
    providers = {c.provider_id for c in agreement}
    assert 25 <= len(providers) <= 40 and len(providers) == len(agreement)
    assert {c.status for c in agreement} == {"active"}
    per_segment: dict[str, set[int]] = {}
    for c in agreement:
        for cp in c.products:
            assert cp.product.region_id == e10.id and cp.product.segment is not None
            per_segment.setdefault(cp.product.segment.code, set()).add(c.provider_id)
    assert set(per_segment) == {"1", "2", "3", "4"}
    # Segment 4 has the broadest landscape (seed 001: "een verscheidenheid aan aanbieders").
    assert max(per_segment, key=lambda s: len(per_segment[s])) == "4"
    # Cards that came later join the running agreement on their first day.
    later = [cp for c in agreement for cp in c.products if cp.product.code in ("41A40", "54F01")]
    assert later and all(cp.effective_from == cp.product.valid_from for cp in later)
    # The fictional providers are numbered in an obviously fictional KvK range.
    sample = [c.provider for c in agreement if c.provider.short_code.startswith("e10-")]
    assert len(sample) >= 25 and all(p.kvk_number.startswith("902") for p in sample)
    # Custom contracts are written on E10's own custom-care codes.
    custom = _contracts(e10, origin="custom")
    assert len(custom) == 300
    assert {c.maatwerk_code.product.region_id for c in custom} == {e10.id}
    assert all(c.maatwerk_code.product.segment_id for c in custom)


def test_samen_voor_jeugd_contracts_share_start_and_end(demo):
    svj = _region("svj")
    contracts = _contracts(svj)
    assert len(contracts) >= 4
    # Seed 000 (ambition 1): contracts with one start and end date; the plan's 2026-2029.
    assert {(c.start_date, c.end_date) for c in contracts} == {
        (date(2026, 1, 1), date(2029, 12, 31))
    }
    codes = {cp.product.code for c in contracts for cp in c.products}
    assert codes and all(cp.product.region_id == svj.id for c in contracts for cp in c.products)


def _login(client, email):
    response = f.login(client, email, DEMO_PASSWORD)
    assert response.status_code == 302


def test_segment_report_page_and_export(demo, client):
    _login(client, "contract_manager.e10@example.org")
    response = client.get("/catalogus/segmenten")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ("verblijf", "wonen", "Inge Verhoeven", "Tom Hermans"):
        assert name in html
    assert html.count('data-segment="') == 4
    response = client.get("/catalogus/segmenten.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    assert set(body) == {"1", "2", "3", "4"}
    column = {name: header.index(name) for name in header}
    products = {s: int(r[column["Productkaarten"]]) for s, r in body.items()}
    assert products == {"1": 6, "2": 3, "3": 6, "4": 5}  # kleinschalig verblijf as a concept
    providers = {s: int(r[column["Aanbieders"]]) for s, r in body.items()}
    assert max(providers, key=providers.get) == "4" and sum(providers.values()) >= 34
    custom = {s: int(r[column["Maatwerkovereenkomsten"]]) for s, r in body.items()}
    assert sum(custom.values()) == 300 and custom["4"] == max(custom.values())
    assert client.get("/catalogus/segmenten.xlsx").status_code == 200
    assert client.get("/catalogus/segmenten.pdf").status_code == 404
    # The product list filtered on a segment; a bad segment id is a Dutch message, not a 500.
    segment = db.session.execute(select(Segment).where(Segment.code == "3")).scalar_one()
    html = client.get(f"/catalogus/?segment={segment.id}&per_page=50").get_data(as_text=True)
    assert "41A40" in html and "45A01" not in html
    response = client.get("/catalogus/?segment=drie")
    assert response.status_code == 200 and "Onbekend segment" in response.get_data(as_text=True)
    sno = db.session.execute(select(Product).where(Product.code == "41A40")).scalar_one()
    html = client.get(f"/catalogus/{sno.id}").get_data(as_text=True)
    assert "Ouderbijdrage" in html and "dagbehandeling en dagbesteding" in html


def test_segment_page_for_a_region_without_segments_and_who_sees_it(demo, client):
    _login(client, "procurement.svj@example.org")
    html = client.get("/catalogus/segmenten").get_data(as_text=True)
    assert "werkt niet met segmenten" in html
    other = demo.test_client()
    _login(other, "municipality-helmond.e10@example.org")
    assert other.get("/catalogus/segmenten").status_code == 403


def test_account_holder_must_be_staff_of_the_region(app):
    e10, wbo = _region("e10"), _region("wbo")
    segment = ops.ensure_segment(e10.id, "1", "verblijf")
    assert ops.ensure_segment(e10.id, "1", "verblijf").id == segment.id  # idempotent
    with pytest.raises(ValidationFailed):
        ops.ensure_segment(e10.id, "", "zonder code")
    other_region = f.user("contract_manager", "wbo")
    provider_user = f.user("provider")
    for user in (other_region, provider_user):
        with pytest.raises(ValidationFailed):
            ops.set_account_holder(segment, user_id=user.id)
    holder = f.user("contract_manager", "e10")
    ops.set_account_holder(segment, user_id=holder.id)
    assert db.session.get(Segment, segment.id).account_holder_id == holder.id
    assert wbo.id != e10.id
    with pytest.raises(ValidationFailed):
        ops.create_product(
            wbo.id,
            code="45A01",
            name="Begeleiding",
            variant="effort",
            unit="uur",
            valid_from=date(2026, 1, 1),
            price="60",
            segment_id=segment.id,  # a segment of another region
        )


def test_segments_travel_with_the_pdc_files(app, tmp_path):
    from procure import PROJECT_ROOT

    _region("e10")
    import_directory(PROJECT_ROOT / "pdc" / "e10", "e10", with_translations=False)
    export_directory(tmp_path, "e10")
    assert (tmp_path / "_segmenten.yaml").exists()
    assert "parental_contribution: true" in (tmp_path / "41A40.yaml").read_text()
    diff, errors = diff_directory(tmp_path, "e10")
    assert not errors and diff.empty
    # A card moved to another segment is a change (a new version of a fixed card).
    card = tmp_path / "45A01.yaml"
    card.write_text(card.read_text().replace("segment: '4'", "segment: '3'"))
    diff, errors = diff_directory(tmp_path, "e10")
    assert not errors and [c.code for c in diff.changed] == ["45A01"]
    assert diff.changed[0].fields["segment"] == ("4", "3") and diff.changed[0].new_version
    card.write_text(card.read_text().replace("segment: '3'", "segment: '9'"))
    diff, errors = diff_directory(tmp_path, "e10")
    assert any(e.field == "segment" and "onbekend segment" in e.message for e in errors)
