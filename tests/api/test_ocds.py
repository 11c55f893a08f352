"""OCDS export of the demo data: `flask ocds export` writes a package that validates
against the vendored release-package schema with the lots extension."""

import json

from procure.ocds.validation import package_errors, release_schema


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
