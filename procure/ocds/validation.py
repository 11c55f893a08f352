"""Validate OCDS release and record packages against the vendored 1.1.5 schemas with the
lots extension merged in; every reference is resolved from the files in schema/."""

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schema"


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch (how OCDS extensions amend the release schema)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def release_schema() -> dict:
    return merge_patch(_load("release-schema.json"), _load("extensions/lots/release-schema.json"))


def _validator(package_file: str):
    # jsonschema loads here, not when the app starts (the CLI module imports this one).
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    release = release_schema()
    package = _load(package_file)
    # The record package schema refers to a record schema the vendored files lack; procure's
    # own stand-in (record-schema.procure.json) is registered under that address.
    record = _load("record-schema.procure.json")
    registry = Registry().with_resources(
        (schema["id"], DRAFT4.create_resource(schema)) for schema in (release, package, record)
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


@cache
def package_validator():
    return _validator("release-package-schema.json")


@cache
def record_package_validator():
    return _validator("record-package-schema.json")


def _errors(validator, package: dict) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(package), key=str)
    ]


def package_errors(package: dict) -> list[str]:
    """Human-readable schema errors of a release package (empty when valid)."""
    return _errors(package_validator(), package)


def record_package_errors(package: dict) -> list[str]:
    """Human-readable schema errors of a record package (empty when valid)."""
    return _errors(record_package_validator(), package)
