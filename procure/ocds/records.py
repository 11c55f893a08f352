"""OCDS records: one per process (ocid), with the process's releases embedded and the
compiled release, the latest value of every field, merged as the OCDS merging rules say.

The rules are read from the release schema (with the lots extension): fields marked
omitWhenMerged are left out, arrays marked wholeListMerge and arrays of anything but
objects with an `id` are replaced by the newer release, arrays of objects with an `id` are
merged object by object, and a null removes a field. (The reference implementation,
ocdsmerge, would add requests and jsonref to the dependencies for these few lines.)"""

import copy
from functools import cache

from procure.ocds.validation import release_schema

Path = tuple[str, ...]


def _walk(schema: dict, definitions: dict, path: Path, rules: dict, seen: frozenset) -> None:
    ref = schema.get("$ref", "")
    if ref.startswith("#/definitions/"):
        name = ref.rsplit("/", 1)[1]
        if name in seen:  # a recursive definition adds no new paths
            return
        _walk(definitions[name], definitions, path, rules, seen | {name})
        return
    if schema.get("omitWhenMerged"):
        rules[path] = "omit"
        return
    if schema.get("wholeListMerge"):
        rules[path] = "whole"
    for key, sub in schema.get("properties", {}).items():
        _walk(sub, definitions, (*path, key), rules, seen)
    items = schema.get("items")
    if isinstance(items, dict):
        _walk(items, definitions, path, rules, seen)


@cache
def merge_rules() -> dict[Path, str]:
    """{field path (array levels left out): "omit" or "whole"} from the release schema."""
    schema = release_schema()
    rules: dict[Path, str] = {}
    for key, sub in schema["properties"].items():
        _walk(sub, schema.get("definitions", {}), (key,), rules, frozenset())
    return rules


def _identified(value) -> bool:
    return bool(value) and all(isinstance(item, dict) and "id" in item for item in value)


def _merge(compiled: dict, release: dict, path: Path) -> dict:
    rules = merge_rules()
    for key, value in release.items():
        here = (*path, key)
        rule = rules.get(here)
        if rule == "omit":
            continue
        if value is None:
            compiled.pop(key, None)
        elif isinstance(value, dict):
            earlier = compiled.get(key)
            compiled[key] = _merge(dict(earlier) if isinstance(earlier, dict) else {}, value, here)
        elif isinstance(value, list) and rule != "whole" and _identified(value):
            earlier = compiled.get(key)
            by_id = {item["id"]: item for item in earlier} if _identified(earlier) else {}
            for item in value:
                by_id[item["id"]] = _merge(dict(by_id.get(item["id"], {})), item, here)
            compiled[key] = list(by_id.values())
        else:
            compiled[key] = copy.deepcopy(value)
    return compiled


def compiled_release(releases: list[dict]) -> dict:
    """The compiled release of one process's releases (oldest first)."""
    ordered = sorted(releases, key=lambda r: r["date"])
    compiled: dict = {}
    for release in ordered:
        compiled = _merge(compiled, release, ())
    latest = ordered[-1]
    return {
        "ocid": latest["ocid"],
        "id": f"{latest['ocid']}-compiled-{latest['date']}",
        "date": latest["date"],
        "tag": ["compiled"],
        **{k: v for k, v in compiled.items() if k != "ocid"},
    }


def record(releases: list[dict]) -> dict:
    ordered = sorted(releases, key=lambda r: r["date"])
    return {
        "ocid": ordered[0]["ocid"],
        "releases": ordered,
        "compiledRelease": compiled_release(ordered),
    }


def record_package(records: list[dict], uri: str) -> dict:
    from procure.ocds.builder import release_package

    package = release_package([], uri)
    package.pop("releases")
    package["records"] = records
    return package
