import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from procure import PROJECT_ROOT
from procure.audit.models import AuditEvent
from procure.catalogue import operations as ops
from procure.catalogue.models import CodeTranslation, Product, Tariff, TaskArea
from procure.catalogue.pdcfiles import (
    ImportRefused,
    diff_directory,
    export_directory,
    import_directory,
)
from procure.extensions import db
from tests import factories as f

PDC = PROJECT_ROOT / "pdc"
SEED_CODES = {
    "45A53",
    "54001",
    "54002",
    "54004",
    "45A65",
    "45A04",
    "45A05",
    "45A48",
    "41A14",
    "41A16",
    "45A49",
    "45A54",
    "41A22",
    "41A24",
    "43A11",
    "42A05",
    "42A06",
    "42A07",
    "42A08",
    "42A09",
    "42A10",
    "54003",
    "45A46",
    "44A06",
    "44A07",
    "44A08",
    "54D01",
    "54D02",
}


def _count(model):
    return db.session.execute(select(func.count(model.id))).scalar_one()


@pytest.fixture
def pdc_copy(tmp_path) -> Path:
    target = tmp_path / "pdc"
    shutil.copytree(PDC, target)
    return target


def _catalogue(region_code):
    region = f.region(region_code)
    rows = (
        db.session.execute(
            select(Product)
            .where(Product.region_id == region.id, Product.is_current.is_(True))
            .order_by(Product.code)
        )
        .scalars()
        .all()
    )
    return [
        (
            p.code,
            p.name,
            p.task_area.code if p.task_area else None,
            p.variant,
            p.unit,
            p.status,
            p.valid_from,
            p.valid_to,
            p.description,
            p.criteria,
            p.target_group,
            tuple((t.year, t.price) for t in p.tariffs),
        )
        for p in rows
    ]


def test_seed_directory_imports_the_translation_table_codes(app):
    f.region("wbo")
    diff = import_directory(PDC, "wbo")
    assert {c.code for c in diff.added} == SEED_CODES
    cards = {p.code: p for p in db.session.execute(select(Product)).scalars()}
    assert set(cards) == SEED_CODES
    assert (
        cards["45A53"].variant == "task" and cards["45A53"].task_area.name == "Stevig Lokaal Team"
    )
    assert cards["44A08"].variant == "effort" and cards["44A08"].unit == "etmaal"
    assert cards["44A08"].task_area.name == "Wonen met begeleiding"
    assert cards["54002"].tariff_for(2026).price == Decimal("2.13")
    assert cards["42A09"].name == "Vervoer rolstoel 20-39 km"
    assert cards["54D01"].status == "concept"
    rows = (
        db.session.execute(select(CodeTranslation).where(CodeTranslation.old_code == "54002"))
        .scalars()
        .all()
    )
    assert {(r.new_task_area, r.new_variant, r.partial) for r in rows} == {
        ("Stevig Lokaal Team", "task", True),
        ("Specialistische en/of locatiegebonden ondersteuning", "effort", True),
    }
    lumpsum = db.session.execute(
        select(CodeTranslation).where(
            CodeTranslation.old_code == "42A05",
            CodeTranslation.old_task_area == "Verblijf & crisis",
        )
    ).scalar_one()
    assert lumpsum.new_contract == "Overeenkomst verblijf en crisiszorg (lumpsum)"
    assert (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "pdc.imported"))
        .scalar_one()
        .new_values["added"]
        == 28
    )
    # A second import of the same files changes nothing.
    assert import_directory(PDC, "wbo").empty


def test_one_broken_file_rejects_everything_with_every_error_listed(app, pdc_copy):
    f.region("wbo")
    (pdc_copy / "45A53.yaml").write_text(
        "code: 45A53\nname: Ambulant\ntask_area: slt\nvariant: task\nstatus: vastgesteld\n"
        "valid_from: 2026-01-01\ntariffs:\n  2026: '50.00'\n",
        encoding="utf-8",
    )
    (pdc_copy / "54002.yaml").write_text(
        "code: '54002'\nname: GGZ\ntask_area: nergens\nvariant: effort\nunit: lichtjaar\n"
        "status: vastgesteld\nvalid_from: 2026-01-01\ntariffs:\n  2026: '2.135'\n",
        encoding="utf-8",
    )
    (pdc_copy / "4X001.yaml").write_text(
        "code: 4X001\nname: Fout\nvariant: task\nvalid_from: 2026-01-01\n", encoding="utf-8"
    )
    (pdc_copy / "44A06.yaml").write_text("code: 44A06\nname: [kapot\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as exc:
        import_directory(pdc_copy, "wbo")
    text = "\n".join(str(e) for e in exc.value.file_errors)
    assert "45A53.yaml:7: tariffs: " in text and "taakgericht" in text
    assert "54002.yaml:5: unit: Onbekende eenheid" in text
    assert "54002.yaml:9: tariffs.2026: " in text
    assert "54002.yaml:3: task_area: onbekend taakgebied 'nergens'" in text
    assert "4X001.yaml:1: code: Ongeldige productcode" in text
    assert "44A06.yaml" in text and "ongeldige YAML" in text
    assert len(exc.value.file_errors) >= 6
    for model in (Product, Tariff, TaskArea, CodeTranslation, AuditEvent):
        assert _count(model) == 0, model


def test_cli_import_reports_errors_and_exits_nonzero(app, pdc_copy):
    f.region("wbo")
    (pdc_copy / "43A11.yaml").write_text(
        "code: 43A11\nname: Dagbesteding\nvariant: task\nvalid_from: 2026-13-01\n", encoding="utf-8"
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdc", "import", str(pdc_copy), "--region", "wbo"])
    assert result.exit_code != 0
    assert "43A11.yaml:4: valid_from:" in result.output
    assert "Import geweigerd" in result.output
    assert _count(Product) == 0
    (pdc_copy / "43A11.yaml").unlink()
    result = runner.invoke(args=["pdc", "import", str(pdc_copy)])
    assert result.exit_code == 0, result.output
    assert "27 nieuw" in result.output and _count(Product) == 27


def test_dry_run_diff_shows_added_changed_and_removed_and_writes_nothing(app, pdc_copy):
    f.region("wbo")
    import_directory(PDC, "wbo")
    before = _count(AuditEvent)
    (pdc_copy / "44A06.yaml").unlink()  # removed
    text = (pdc_copy / "54002.yaml").read_text(encoding="utf-8")
    (pdc_copy / "54002.yaml").write_text(text.replace("'2.13'", "'2.19'"), encoding="utf-8")
    text = (pdc_copy / "45A46.yaml").read_text(encoding="utf-8")
    (pdc_copy / "45A46.yaml").write_text(
        text.replace(
            "name: Specialistische ambulante behandeling", "name: Specialistische begeleiding thuis"
        ),
        encoding="utf-8",
    )
    (pdc_copy / "45A99.yaml").write_text(
        "code: 45A99\nname: Nieuw product\ntask_area: slt\nvariant: task\nvalid_from: 2027-01-01\n",
        encoding="utf-8",
    )
    diff, errors = diff_directory(pdc_copy, "wbo")
    assert errors == []
    assert [c.code for c in diff.added] == ["45A99"]
    assert [c.code for c in diff.removed] == ["44A06"]
    changed = {c.code: c for c in diff.changed}
    assert set(changed) == {"54002", "45A46"}
    assert changed["54002"].tariffs == {2026: (Decimal("2.13"), Decimal("2.19"))}
    assert not changed["54002"].new_version
    assert changed["45A46"].new_version
    assert _count(AuditEvent) == before and _count(Product) == 28
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdc", "diff", str(pdc_copy)])
    assert result.exit_code == 0
    assert "+ 45A99" in result.output and "- 44A06" in result.output
    assert "~ 54002" in result.output and "tarief 2026: 2.13 -> 2.19" in result.output
    assert "1 nieuw, 2 gewijzigd, 1 vervallen" in result.output
    assert _count(Product) == 28
    # Applying it: the fixed card 45A46 gets a new version, 44A06 expires.
    import_directory(pdc_copy, "wbo")
    versions = (
        db.session.execute(select(Product).where(Product.code == "45A46").order_by(Product.version))
        .scalars()
        .all()
    )
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].name == "Specialistische ambulante behandeling"
    assert versions[1].name == "Specialistische begeleiding thuis"
    assert versions[1].valid_from == ops.next_entry_moment()
    gone = db.session.execute(select(Product).where(Product.code == "44A06")).scalar_one()
    assert gone.status == "vervallen"
    assert diff_directory(pdc_copy, "wbo")[0].changed[0].code == "45A46"  # valid_from moved


def test_export_then_import_round_trips_to_an_identical_catalogue(app, tmp_path):
    f.region("wbo")
    f.region("e10")
    import_directory(PDC, "wbo")
    region = f.region("wbo")
    # Make the catalogue less trivial than the files: a new version and a manual tariff.
    card = ops.current_version(region.id, "44A07")
    ops.update_product(card, {"criteria": "Alleen na MDO."}, valid_from=date(2026, 7, 1))
    ops.set_tariff(ops.current_version(region.id, "54004"), 2027, "2.34")
    db.session.commit()
    out = tmp_path / "export"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdc", "export", str(out), "--region", "wbo"])
    assert result.exit_code == 0, result.output
    assert (out / "44A07.yaml").exists() and (out / "_vertaaltabel.yaml").exists()
    assert diff_directory(out, "wbo")[0].empty  # the export matches its own database
    import_directory(out, "e10")
    assert _catalogue("e10") == _catalogue("wbo")
    export2 = tmp_path / "export2"
    export_directory(export2, "e10")
    for path in out.glob("*.yaml"):
        assert (export2 / path.name).read_text() == path.read_text(), path.name


def test_import_needs_a_known_region(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdc", "import", str(PDC), "--region", "xyz"])
    assert result.exit_code != 0 and "Onbekende regio" in result.output


def test_import_updates_and_fixes_a_concept_in_place_and_refuses_fixed_to_concept(app, pdc_copy):
    f.region("wbo")
    import_directory(PDC, "wbo")
    text = (pdc_copy / "54D01.yaml").read_text(encoding="utf-8")
    text = text.replace("status: concept", "status: vastgesteld").replace(
        "name: 'Dyslexiezorg: diagnostiek'", "name: 'Dyslexiezorg: diagnostisch traject'"
    )
    (pdc_copy / "54D01.yaml").write_text(text, encoding="utf-8")
    text = (pdc_copy / "45A53.yaml").read_text(encoding="utf-8")
    (pdc_copy / "45A53.yaml").write_text(
        text.replace("status: vastgesteld", "status: concept"), encoding="utf-8"
    )
    with pytest.raises(ImportRefused) as exc:
        import_directory(pdc_copy, "wbo")
    assert [str(e) for e in exc.value.file_errors] == [
        "45A53.yaml:6: status: een vastgestelde kaart kan niet terug naar concept"
    ]
    assert (
        db.session.execute(select(Product).where(Product.code == "54D01")).scalar_one().status
        == "concept"
    )
    (pdc_copy / "45A53.yaml").write_text(text, encoding="utf-8")
    import_directory(pdc_copy, "wbo")
    rows = db.session.execute(select(Product).where(Product.code == "54D01")).scalars().all()
    assert len(rows) == 1 and rows[0].version == 1
    assert rows[0].status == "vastgesteld" and rows[0].name == "Dyslexiezorg: diagnostisch traject"
