"""OCDS export of the demo data: `flask ocds export` writes a package that validates
against the vendored release-package schema with the lots extension."""

import json

from procure.ocds.records import compiled_release, merge_rules, record, record_package
from procure.ocds.validation import package_errors, record_package_errors, release_schema


def test_lots_extension_is_merged_into_the_release_schema():
    assert "lots" in release_schema()["definitions"]["Tender"]["properties"]


def test_demo_export_is_a_valid_release_package(demo, tmp_path):
    runner = demo.test_cli_runner()
    target = tmp_path / "ocds.json"
    result = runner.invoke(args=["ocds", "export", str(target)])
    assert result.exit_code == 0, result.output
    package = json.loads(target.read_text(encoding="utf-8"))
    assert package_errors(package) == []
    assert package["releases"], "the demo has published processes"
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert "tender" in tags
    for release in package["releases"]:
        for party in release["parties"]:
            assert party["identifier"]["scheme"] == "NL-KVK"
            assert party["identifier"]["id"].isdigit()
        value = release.get("tender", {}).get("value")
        assert value is None or value["currency"] == "EUR"


def test_invalid_package_is_not_written(app, tmp_path, monkeypatch):
    from procure.ocds import cli

    monkeypatch.setattr(cli, "release_package", lambda releases, uri: {"releases": [{}]})
    target = tmp_path / "ocds.json"
    result = app.test_cli_runner().invoke(args=["ocds", "export", str(target)])
    assert result.exit_code != 0 and not target.exists()


def test_demo_export_of_records_compiles_every_process(demo, tmp_path):
    runner = demo.test_cli_runner()
    releases_file, records_file = tmp_path / "releases.json", tmp_path / "records.json"
    assert runner.invoke(args=["ocds", "export", str(releases_file)]).exit_code == 0
    result = runner.invoke(args=["ocds", "export", "--records", str(records_file)])
    assert result.exit_code == 0, result.output
    package = json.loads(records_file.read_text(encoding="utf-8"))
    assert record_package_errors(package) == []
    releases = json.loads(releases_file.read_text(encoding="utf-8"))["releases"]
    assert sorted(r["ocid"] for r in package["records"]) == sorted({r["ocid"] for r in releases})
    for process in package["records"]:
        compiled = process["compiledRelease"]
        assert compiled["tag"] == ["compiled"] and compiled["ocid"] == process["ocid"]
        assert compiled["date"] == max(r["date"] for r in process["releases"])
        awarded = {a["id"] for r in process["releases"] for a in r.get("awards", [])}
        assert {a["id"] for a in compiled.get("awards", [])} == awarded


def test_compiled_release_follows_the_merge_rules():
    base = {"ocid": "ocds-x-1", "initiationType": "tender", "language": "nl"}
    tender = {
        **base,
        "id": "r1",
        "date": "2026-01-01T00:00:00Z",
        "tag": ["tender"],
        "parties": [{"id": "NL-KVK-1", "name": "Regio", "roles": ["buyer"]}],
        "tender": {
            "id": "T",
            "title": "Jeugdhulp",
            "status": "active",
            "lots": [{"id": "1", "title": "Perceel 1", "status": "active"}],
            "value": {"amount": 10.0, "currency": "EUR"},
        },
    }
    update = {
        **base,
        "id": "r2",
        "date": "2026-02-01T00:00:00Z",
        "tag": ["tenderUpdate"],
        "parties": [
            {"id": "NL-KVK-2", "name": "Aanbieder", "roles": ["supplier"]},
            {"id": "NL-KVK-1", "roles": ["buyer", "procuringEntity"]},
        ],
        "tender": {"id": "T", "status": "complete", "lots": [{"id": "1", "status": "complete"}]},
    }
    compiled = compiled_release([update, tender])  # any order in, date order applied
    assert compiled["id"] == "ocds-x-1-compiled-2026-02-01T00:00:00Z"
    assert compiled["tag"] == ["compiled"] and compiled["date"] == "2026-02-01T00:00:00Z"
    # Objects with an id merge field by field; the newer value of a field wins.
    assert compiled["parties"] == [
        {"id": "NL-KVK-1", "name": "Regio", "roles": ["buyer", "procuringEntity"]},
        {"id": "NL-KVK-2", "name": "Aanbieder", "roles": ["supplier"]},
    ]
    assert compiled["tender"]["lots"] == [{"id": "1", "title": "Perceel 1", "status": "complete"}]
    assert compiled["tender"]["title"] == "Jeugdhulp" and compiled["tender"]["status"] == "complete"
    # A null removes a field.
    withdrawn = {**update, "id": "r3", "date": "2026-03-01T00:00:00Z", "tender": {"value": None}}
    assert "value" not in compiled_release([tender, update, withdrawn])["tender"]
    package = record_package([record([tender, update])], "https://example.org/records.json")
    assert record_package_errors(package) == []


def test_merge_rules_come_from_the_release_schema():
    rules = merge_rules()
    assert rules[("tag",)] == "omit" and rules[("id",)] == "omit"
    assert ("tender", "lots") not in rules  # lots are merged by id (lots extension)
    assert "whole" in rules.values()
