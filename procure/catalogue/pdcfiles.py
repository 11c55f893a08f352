"""The file-backed catalogue (top-level pdc/): parse, validate, diff, import, export.

Format (see pdc/README.md): one YAML file per product card named <CODE>.yaml, plus
_taakgebieden.yaml (the task areas) and _vertaaltabel.yaml (the translation table).
Import is all-or-nothing: every file is parsed and validated first and every error is
reported (file, line, field, reason); only a clean set is written, in one transaction.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.audit import record
from procure.audit.operations import record_many
from procure.catalogue import operations as ops
from procure.catalogue.models import CodeTranslation, Product, Segment, Tariff, TaskArea
from procure.catalogue.policy import CONCEPT, EXPIRED, FIXED
from procure.core.errors import ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.extensions import db
from procure.organisations.models import Region

TASK_AREAS_FILE = "_taakgebieden.yaml"
TRANSLATIONS_FILE = "_vertaaltabel.yaml"
SEGMENTS_FILE = "_segmenten.yaml"
CARD_KEYS = (
    "code",
    "name",
    "task_area",
    "segment",
    "parental_contribution",
    "variant",
    "unit",
    "status",
    "valid_from",
    "valid_to",
    "description",
    "criteria",
    "target_group",
    "tariffs",
)
REQUIRED_KEYS = ("code", "name", "variant", "valid_from")
COMPARED = (
    "name",
    "task_area",
    "segment",
    "parental_contribution",
    "variant",
    "unit",
    "status",
    "valid_to",
    "description",
    "criteria",
    "target_group",
)
# The columns of the translation table file: the task area by its code.
TRANSLATION_KEYS = tuple(
    "new_task_area_code" if key == "new_task_area_id" else key for key in ops.TRANSLATION_COLUMNS
)


def _comparable(key: str, value):
    """A translation field as the file and the database both give it: '' for empty,
    a Decimal for the share (60 and 60.00 are the same)."""
    if key == "share_pct":
        return Decimal(str(value)).normalize() if value not in (None, "") else ""
    return value if value not in (None,) else ""


def _exportable(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    return value


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_BaseLoader):
    """Safe YAML, but numbers with a fraction become exact Decimals, never floats."""


_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", "")),
)


# Dates stay text until _as_date parses them, so '2026-13-01' is a field error with a line.
_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


class _Dumper(_BaseDumper):
    pass


def _str_presenter(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


@dataclass
class FileError:
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass
class Card:
    file: str
    values: dict  # code, name, task_area (code), variant, unit, status, dates, texts
    tariffs: dict  # year -> Decimal
    lines: dict = field(default_factory=dict)


@dataclass
class Bundle:
    task_areas: list[dict]
    translations: list[dict]
    cards: dict[str, Card]
    errors: list[FileError]
    segments: list[dict] = field(default_factory=list)


@dataclass
class CardChange:
    code: str
    kind: str  # added / changed / removed
    fields: dict = field(default_factory=dict)  # name -> (old, new)
    tariffs: dict = field(default_factory=dict)  # year -> (old, new)
    new_version: bool = False

    def describe(self) -> str:
        parts = [f"{k}: {_short(o)} -> {_short(n)}" for k, (o, n) in self.fields.items()]
        parts += [
            f"tarief {y}: {o or '-'} -> {n or '-'}" for y, (o, n) in sorted(self.tariffs.items())
        ]
        if self.new_version:
            parts.append("nieuwe versie")
        return "; ".join(parts)


@dataclass
class Diff:
    added: list[CardChange]
    changed: list[CardChange]
    removed: list[CardChange]
    unchanged: int
    task_areas: list[str]
    translations_changed: bool
    segments: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.task_areas
            or self.segments
            or self.translations_changed
        )


def _short(value, limit: int = 40) -> str:
    text = "-" if value in (None, "") else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- reading ------------------------------------------------------------------------------


def _load_yaml(path: Path, errors: list[FileError]):
    """(data, node) or (None, None) after adding a parse error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(FileError(path.name, None, None, f"onleesbaar bestand ({exc})"))
        return None, None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        errors.append(
            FileError(
                path.name,
                mark.line + 1 if mark else None,
                None,
                f"ongeldige YAML: {getattr(exc, 'problem', exc)}",
            )
        )
        return None, None
    finally:
        loader.dispose()
    return data, node


def _raw_scalar(node, key: str):
    """The text of a top-level scalar as written: `code: 04001` must not become an int."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, yaml.ScalarNode):
                return value_node.value
    return None


def _key_lines(node) -> dict:
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.MappingNode):
                for sub_key, _sub_value in value_node.value:
                    lines[f"{key}.{sub_key.value}"] = sub_key.start_mark.line + 1
    return lines


def _as_date(value, name, add):
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        add(name, f"'{value}' is geen datum (gebruik JJJJ-MM-DD)")
        return None


def _card_tariffs(raw_tariffs, add) -> dict:
    """{year: price} of a card file's tariffs; what is not a year or a price goes to `add`."""
    if not isinstance(raw_tariffs, dict):
        add("tariffs", 'tarieven zijn een mapping jaar: "prijs"')
        return {}
    tariffs = {}
    for year, price in raw_tariffs.items():
        if not isinstance(year, int):
            add(f"tariffs.{year}", f"'{year}' is geen jaar")
            continue
        try:
            tariffs[year] = ops.parse_price(price)
        except ValidationFailed as exc:
            add(f"tariffs.{year}", exc.message)
    return tariffs


def _card_values(data: dict, code: str, add) -> dict:
    """The values of a card file, text stripped and dates read."""
    return {
        "code": code,
        "name": str(data.get("name") or "").strip(),
        "task_area": str(data["task_area"]).strip() if data.get("task_area") else None,
        "segment": str(data["segment"]).strip() if data.get("segment") not in (None, "") else None,
        "parental_contribution": data.get("parental_contribution") is True,
        "variant": data.get("variant"),
        "unit": data.get("unit") or None,
        "status": data.get("status") or CONCEPT,
        "valid_from": _as_date(data.get("valid_from"), "valid_from", add),
        "valid_to": _as_date(data.get("valid_to"), "valid_to", add),
        "description": str(data.get("description") or "").strip(),
        "criteria": str(data.get("criteria") or "").strip(),
        "target_group": str(data.get("target_group") or "").strip(),
    }


def _add_card_rule_errors(values: dict, tariffs: dict, found: list[FileError], add) -> None:
    """The catalogue's card rules, for each field that has no file error yet."""
    check = {**values, "task_area_id": None, "tariffs": tariffs}
    for problem in ops.card_errors(check, region_id=0, require_tariff=True):
        name = problem["field"]
        if name == "tariffs" and any(e.field and e.field.startswith("tariffs") for e in found):
            continue
        if any(e.field == name for e in found):
            continue
        add(name, problem["message"])


def _read_card(path: Path, errors: list[FileError]) -> Card | None:
    data, node = _load_yaml(path, errors)
    if data is None and node is None:
        return None
    if not isinstance(data, dict):
        errors.append(
            FileError(path.name, 1, None, "een productkaart is een YAML-mapping (sleutel: waarde)")
        )
        return None
    lines = _key_lines(node)
    before = len(errors)

    def add(name, message):
        errors.append(
            FileError(
                path.name, lines.get(name) or lines.get(name.split(".")[0]), name, str(message)
            )
        )

    for key in data:
        if key not in CARD_KEYS:
            add(str(key), f"onbekend veld (toegestaan: {', '.join(CARD_KEYS)})")
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            add(key, "verplicht veld ontbreekt")
    raw_code = _raw_scalar(node, "code") if not isinstance(data.get("code"), str) else None
    code = str(raw_code or data.get("code") or "").strip().upper()
    if code and path.stem.upper() != code:
        add("code", f"de bestandsnaam moet {code}.yaml zijn")
    tariffs = _card_tariffs(data.get("tariffs") or {}, add)
    if data.get("parental_contribution") not in (None, True, False):
        add("parental_contribution", "ja of nee (true/false)")
    values = _card_values(data, code, add)
    _add_card_rule_errors(values, tariffs, errors[before:], add)
    if values["status"] == EXPIRED:
        add(
            "status",
            "een bestand beschrijft een geldende kaart (concept of vastgesteld); "
            "verwijder het bestand om een kaart te laten vervallen",
        )
    return Card(path.name, values, tariffs, lines)


def _list_items(path: Path, errors: list, expected: str):
    """(line, item, node) for each entry of a YAML list file; nothing when it is absent."""
    if not path.exists():
        return
    data, node = _load_yaml(path, errors)
    if data is not None and not isinstance(data, list):
        errors.append(FileError(path.name, 1, None, expected))
    for i, item in enumerate(data if isinstance(data, list) else []):
        yield node.value[i].start_mark.line + 1, item, node.value[i]


def _read_task_areas(path: Path, errors: list) -> list[dict]:
    return _read_named_items(
        path,
        errors,
        "een lijst met taakgebieden verwacht",
        "een taakgebied heeft een code en een naam",
    )


def _read_segments(path: Path, errors: list) -> list[dict]:
    return _read_named_items(
        path,
        errors,
        "een lijst met segmenten verwacht",
        "een segment heeft een code en een naam",
        other_keys=True,
    )


def _read_named_items(
    path: Path, errors: list, expected: str, incomplete: str, *, other_keys: bool = False
) -> list[dict]:
    """A file listing {code, name, description} items (task areas, segments); with
    `other_keys`, a key besides those three is an error too."""
    items = []
    for line, item, _node in _list_items(path, errors, expected):
        if not isinstance(item, dict) or item.get("code") in (None, "") or not item.get("name"):
            errors.append(FileError(path.name, line, None, incomplete))
            continue
        unknown = [k for k in item if k not in ("code", "name", "description")]
        if other_keys and unknown:
            errors.append(FileError(path.name, line, str(unknown[0]), "onbekend veld"))
        items.append(
            {
                "code": str(item["code"]).strip(),
                "name": str(item["name"]).strip(),
                "description": str(item.get("description") or "").strip(),
            }
        )
    return items


def _read_translations(path: Path, errors: list) -> list[dict]:
    translations = []
    for line, item, node in _list_items(path, errors, "een lijst met vertalingen verwacht"):
        if not isinstance(item, dict):
            errors.append(FileError(path.name, line, None, "een vertaling is een mapping"))
            continue
        unknown = [k for k in item if k not in TRANSLATION_KEYS]
        if unknown:
            errors.append(FileError(path.name, line, unknown[0], "onbekend veld"))
        try:
            if item.get("old_code") or not item.get("old_task_area"):
                ops.normalise_code(
                    item.get("old_code")
                    if isinstance(item.get("old_code"), str)
                    else _raw_scalar(node, "old_code")
                )
        except ValidationFailed as exc:
            errors.append(FileError(path.name, line, "old_code", str(exc.message)))
        variant = item.get("new_variant") or ""
        if variant and variant not in ("effort", "output", "task"):
            errors.append(
                FileError(
                    path.name, line, "new_variant", f"onbekende uitvoeringsvariant '{variant}'"
                )
            )
        row = {k: item.get(k) for k in TRANSLATION_KEYS}
        if row["old_code"] is None and item.get("old_task_area"):
            row["old_code"] = ""
        elif not isinstance(row["old_code"], str):
            row["old_code"] = _raw_scalar(node, "old_code")
        translations.append(row)
    return translations


def read_directory(directory: Path) -> Bundle:
    errors: list[FileError] = []
    directory = Path(directory)
    if not directory.is_dir():
        errors.append(FileError(str(directory), None, None, "map bestaat niet"))
        return Bundle([], [], {}, errors)
    task_areas = _read_task_areas(directory / TASK_AREAS_FILE, errors)
    segments = _read_segments(directory / SEGMENTS_FILE, errors)
    translations = _read_translations(directory / TRANSLATIONS_FILE, errors)
    cards: dict[str, Card] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        card = _read_card(path, errors)
        if card is None or not card.values["code"]:
            continue
        if card.values["code"] in cards:
            errors.append(
                FileError(
                    path.name,
                    card.lines.get("code"),
                    "code",
                    f"productcode {card.values['code']} staat ook in "
                    f"{cards[card.values['code']].file}",
                )
            )
            continue
        cards[card.values["code"]] = card
    return Bundle(task_areas, translations, cards, errors, segments)


# -- comparing with the database ----------------------------------------------------------


def region_by_code(region_code: str) -> Region:
    region = db.session.execute(select(Region).where(Region.short_code == region_code)).scalar()
    if region is None:
        raise ValidationFailed(_l("Onbekende regio '%(r)s'.", r=region_code), field="region")
    return region


def _db_state(region_id: int, codes=None, *, tariffs: bool = True):
    """The region's task areas by code and its current cards by code: all of them, or only
    those with `codes` (what an import writes), with their tariffs loaded or not."""
    areas = {
        a.code: a
        for a in db.session.execute(
            select(TaskArea).where(TaskArea.region_id == region_id)
        ).scalars()
    }
    options = [selectinload(Product.task_area), selectinload(Product.segment)]
    if tariffs:
        options.append(selectinload(Product.tariffs))
    stmt = (
        select(Product)
        .where(Product.region_id == region_id, Product.is_current.is_(True))
        .options(*options)
    )
    if codes is None:
        current = {p.code: p for p in db.session.execute(stmt).scalars()}
    else:
        codes, current = sorted(set(codes)), {}
        for start in range(0, len(codes), 500):
            chunk = stmt.where(Product.code.in_(codes[start : start + 500]))
            current.update({p.code: p for p in db.session.execute(chunk).scalars()})
    return areas, current


def _db_tariffs(region_id: int) -> dict[int, dict[int, Decimal]]:
    """{product id: {year: price}} of the region's current cards, as plain rows (one query;
    the comparison reads every tariff, hydrating each as an object cost more than the
    rest of the diff)."""
    result: dict[int, dict[int, Decimal]] = {}
    rows = db.session.execute(
        select(Tariff.product_id, Tariff.year, Tariff.price)
        .join(Product, Product.id == Tariff.product_id)
        .where(Product.region_id == region_id, Product.is_current.is_(True))
    )
    for product_id, year, price in rows:
        result.setdefault(product_id, {})[year] = price
    return result


def _db_segments(region_id: int) -> dict:
    return {
        s.code: s
        for s in db.session.execute(select(Segment).where(Segment.region_id == region_id)).scalars()
    }


def _db_values(product: Product) -> dict:
    return {
        "name": product.name,
        "task_area": product.task_area.code if product.task_area else None,
        "segment": product.segment.code if product.segment else None,
        "parental_contribution": bool(product.parental_contribution),
        "variant": product.variant,
        "unit": product.unit,
        "status": product.status,
        "valid_from": product.valid_from,
        "valid_to": product.valid_to,
        "description": product.description or "",
        "criteria": product.criteria or "",
        "target_group": product.target_group or "",
    }


def _compare(card: Card, product: Product, db_tariffs: dict[int, Decimal]) -> CardChange:
    old = _db_values(product)
    change = CardChange(card.values["code"], "changed")
    for key in COMPARED:
        if old[key] != card.values[key]:
            change.fields[key] = (old[key], card.values[key])
    if card.values["valid_from"] != product.valid_from:
        change.fields["valid_from"] = (product.valid_from, card.values["valid_from"])
    for year in sorted(set(db_tariffs) | set(card.tariffs)):
        if db_tariffs.get(year) != card.tariffs.get(year):
            change.tariffs[year] = (db_tariffs.get(year), card.tariffs.get(year))
    content = set(change.fields) - {"status", "valid_from", "valid_to"}
    change.new_version = product.status == FIXED and bool(content)
    return change


def _new_card_change(code: str, card: Card, product, add) -> CardChange:
    """A card that is new (or follows an expired version): added, its dates checked."""
    v = card.values
    if (
        product is not None
        and v["valid_from"]
        and product.valid_to
        and v["valid_from"] <= product.valid_to
    ):
        add(
            "valid_from",
            f"overlapt met de vervallen versie {product.version} "
            f"(geldig tot {product.valid_to:%d-%m-%Y})",
        )
    return CardChange(
        code,
        "added",
        {k: (None, v[k]) for k in ("name",)},
        {y: (None, p) for y, p in card.tariffs.items()},
    )


def _check_changed_card(card: Card, product, change: CardChange, add) -> None:
    """The rules a change of an existing card must keep (status back to concept, the
    start date of a new version)."""
    v = card.values
    if product.status == FIXED and v["status"] == CONCEPT:
        add("status", "een vastgestelde kaart kan niet terug naar concept")
    if change.new_version and v["valid_from"] and v["valid_from"] < product.valid_from:
        add(
            "valid_from",
            f"een nieuwe versie moet ingaan na {product.valid_from:%d-%m-%Y} "
            "(de ingangsdatum van de huidige versie)",
        )
    if product.status == FIXED and not change.new_version and "valid_from" in change.fields:
        add(
            "valid_from",
            "de ingangsdatum van een vastgestelde kaart verandert alleen "
            "samen met de inhoud (een nieuwe versie)",
        )


def _translations_differ(bundle: Bundle, region_id: int) -> bool:
    db_translations = [
        {k: _comparable(k, getattr(t, k)) for k in TRANSLATION_KEYS}
        for t in db.session.execute(
            select(CodeTranslation)
            .where(CodeTranslation.region_id == region_id)
            .order_by(CodeTranslation.position)
        ).scalars()
    ]
    file_translations = [
        {
            **t,
            "old_code": str(t.get("old_code") or "").upper(),
            "partial": bool(t.get("partial")),
            **{
                k: _comparable(k, t.get(k))
                for k in TRANSLATION_KEYS
                if k not in ("old_code", "partial")
            },
        }
        for t in bundle.translations
    ]
    return db_translations != file_translations


def _changed_named(items: list[dict], stored: dict) -> list[str]:
    """The codes of the file's {code, name, description} items that are new or differ
    from the stored rows (by code)."""
    return [
        item["code"]
        for item in items
        if item["code"] not in stored
        or (stored[item["code"]].name, stored[item["code"]].description or "")
        != (item["name"], item["description"])
    ]


def compute_diff(bundle: Bundle, region_id: int, errors: list[FileError]) -> Diff:
    """Compare files with the database; adds rule violations that need the DB to `errors`."""
    areas, current = _db_state(region_id, tariffs=False)
    tariffs = _db_tariffs(region_id)
    known_areas = set(areas) | {a["code"] for a in bundle.task_areas}
    changed_areas = _changed_named(bundle.task_areas, areas)
    segments = _db_segments(region_id)
    known_segments = set(segments) | {s["code"] for s in bundle.segments}
    changed_segments = _changed_named(bundle.segments, segments)
    added, changed, removed, unchanged = [], [], [], 0
    for code, card in sorted(bundle.cards.items()):
        v = card.values

        def add(name, message, card=card):
            errors.append(FileError(card.file, card.lines.get(name), name, message))

        if v["task_area"] and v["task_area"] not in known_areas:
            add("task_area", f"onbekend taakgebied '{v['task_area']}' (zie {TASK_AREAS_FILE})")
        if v.get("segment") and v["segment"] not in known_segments:
            add("segment", f"onbekend segment '{v['segment']}' (zie {SEGMENTS_FILE})")
        product = current.get(code)
        if product is None or product.status == EXPIRED:
            added.append(_new_card_change(code, card, product, add))
            continue
        change = _compare(card, product, tariffs.get(product.id, {}))
        if not change.fields and not change.tariffs:
            unchanged += 1
            continue
        _check_changed_card(card, product, change, add)
        changed.append(change)
    for code, product in sorted(current.items()):
        if code not in bundle.cards and product.status != EXPIRED:
            removed.append(CardChange(code, "removed", {"status": (product.status, EXPIRED)}))
    return Diff(
        added,
        changed,
        removed,
        unchanged,
        changed_areas,
        _translations_differ(bundle, region_id),
        changed_segments,
    )


def diff_directory(directory: Path, region_code: str) -> tuple[Diff | None, list[FileError]]:
    """Dry run: what an import would change, and every error that would refuse it."""
    bundle = read_directory(directory)
    region = region_by_code(region_code)
    diff = compute_diff(bundle, region.id, bundle.errors)
    return (diff, bundle.errors)


# -- importing ----------------------------------------------------------------------------


class ImportRefused(ValidationFailed):
    """The import wrote nothing; `file_errors` lists every problem found."""

    def __init__(self, file_errors: list[FileError]):
        super().__init__(
            _l("Import geweigerd: %(n)d fout(en); er is niets opgeslagen.", n=len(file_errors)),
            errors=[
                {"field": f"{e.file}:{e.line or '-'} {e.field or ''}".strip(), "message": e.message}
                for e in file_errors
            ],
        )
        self.file_errors = file_errors


def _insert_new_cards(
    region_id: int, cards: list[Card], versions: dict, area_ids: dict, segment_ids: dict
):
    """Bulk insert of new cards, their tariffs and their audit events (a statement per
    batch, not one per row)."""
    now = utcnow()
    rows = []
    for card in cards:
        v = card.values
        rows.append(
            {
                "region_id": region_id,
                "code": v["code"],
                "version": versions[v["code"]],
                "name": v["name"],
                "description": v["description"],
                "task_area_id": area_ids.get(v["task_area"]),
                "segment_id": segment_ids.get(v.get("segment")),
                "parental_contribution": bool(v.get("parental_contribution")),
                "variant": v["variant"],
                "unit": v["unit"],
                "status": v["status"],
                "valid_from": v["valid_from"],
                "valid_to": v["valid_to"],
                "criteria": v["criteria"],
                "target_group": v["target_group"],
                "is_current": True,
                "change_note": "",
                "fixed_at": now if v["status"] == FIXED else None,
                "created_at": now,
            }
        )
    # Core executemany without RETURNING, the ids read back per chunk of codes (the new
    # versions are the region's current ones): RETURNING over thousands of rows made
    # SQLAlchemy splice every batch's rows into all earlier ones, quadratic in the cards
    for start in range(0, len(rows), 1000):
        db.session.execute(Product.__table__.insert(), rows[start : start + 1000])
    codes, ids = [row["code"] for row in rows], {}
    for start in range(0, len(codes), 500):
        ids.update(
            {
                code: ident
                for ident, code in db.session.execute(
                    select(Product.id, Product.code).where(
                        Product.region_id == region_id,
                        Product.is_current.is_(True),
                        Product.code.in_(codes[start : start + 500]),
                    )
                )
            }
        )
    tariffs = [
        {"product_id": ids[card.values["code"]], "year": year, "price": price}
        for card in cards
        for year, price in sorted(card.tariffs.items())
    ]
    for start in range(0, len(tariffs), 5000):
        db.session.execute(Tariff.__table__.insert(), tariffs[start : start + 5000])
    record_many(
        "product.created",
        [
            {
                "object_type": "Product",
                "object_id": ids[row["code"]],
                "region_id": region_id,
                "new": {**{k: row[k] for k in SNAPSHOT_KEYS}, "tariffs": card.tariffs},
            }
            for row, card in zip(rows, cards, strict=True)
        ],
        note="pdc import",
    )


SNAPSHOT_KEYS = (
    "code",
    "version",
    "name",
    "description",
    "task_area_id",
    "segment_id",
    "parental_contribution",
    "variant",
    "unit",
    "status",
    "valid_from",
    "valid_to",
    "criteria",
    "target_group",
)


@operation
def import_directory(
    directory: Path, region_code: str = "wbo", *, with_translations: bool = True
) -> Diff:
    """Import pdc files for a region, all or nothing. Raises ImportRefused with every error.
    with_translations=False leaves the region's translation table alone."""
    bundle = read_directory(directory)
    if not with_translations:
        bundle.translations = [
            {k: getattr(t, k) for k in TRANSLATION_KEYS}
            for t in db.session.execute(
                select(CodeTranslation)
                .join(Region, Region.id == CodeTranslation.region_id)
                .where(Region.short_code == region_code)
                .order_by(CodeTranslation.position)
            ).scalars()
        ]
    region = region_by_code(region_code)
    errors = bundle.errors
    diff = compute_diff(bundle, region.id, errors)
    if errors:
        raise ImportRefused(errors)
    if diff.empty:
        return diff
    write_task_areas(region.id, bundle.task_areas, diff.task_areas)
    write_segments(region.id, bundle.segments, diff.segments)
    _write_cards(region.id, bundle, diff)
    expire_cards(region.id, [change.code for change in diff.removed])
    if diff.translations_changed:
        ops.replace_translations(region.id, bundle.translations)
    record_import(
        region.id,
        str(directory),
        added=len(diff.added),
        changed=len(diff.changed),
        removed=len(diff.removed),
    )
    return diff


def write_task_areas(region_id: int, task_areas: list[dict], changed: list[str]) -> None:
    for area in task_areas:
        if area["code"] in changed:
            ops.ensure_task_area(region_id, area["code"], area["name"], area["description"])
    db.session.flush()


def write_segments(region_id: int, segments: list[dict], changed: list[str]) -> None:
    for segment in segments:
        if segment["code"] in changed:
            ops.ensure_segment(region_id, segment["code"], segment["name"], segment["description"])
    db.session.flush()


def expire_cards(region_id: int, codes: list[str]) -> int:
    """Let the current cards with these codes expire (they are no longer in the files)."""
    if not codes:
        return 0
    current = _db_state(region_id, codes)[1]
    expiring = [current[c] for c in codes if c in current and current[c].status != EXPIRED]
    for product in expiring:
        ops.expire_product(product, actor=None)  # the import itself
    return len(expiring)


def _write_cards(region_id: int, bundle: Bundle, diff: Diff) -> None:
    """Write the added and changed cards of `diff` (checked against the database)."""
    areas, current = _db_state(
        region_id, [c.code for c in diff.added] + [c.code for c in diff.changed]
    )
    area_ids = {code: a.id for code, a in areas.items()}
    segment_ids = {code: s.id for code, s in _db_segments(region_id).items()}
    new_cards, versions = [], {}
    for change in diff.added:
        previous = current.get(change.code)
        if previous is not None:
            previous.is_current = False
        versions[change.code] = previous.version + 1 if previous else 1
        new_cards.append(bundle.cards[change.code])
    db.session.flush()
    if new_cards:
        _insert_new_cards(region_id, new_cards, versions, area_ids, segment_ids)
    for change in diff.changed:
        _apply_change(
            bundle.cards[change.code], current[change.code], change, area_ids, segment_ids
        )


def record_import(region_id: int, source: str, **counts) -> None:
    record(
        "pdc.imported",
        object_type="Region",
        object_id=region_id,
        region_id=region_id,
        new={**counts, "directory": source},
    )


@operation
def import_cards(region_id: int, cards: list[Card]) -> Diff:
    """One batch of cards of a checked set (a background import), checked again against
    the database as it is now and written all or nothing. Other cards of the region are
    left alone: expiring the ones no longer in the files is a step of its own."""
    translations = [
        {k: getattr(t, k) for k in TRANSLATION_KEYS}
        for t in db.session.execute(
            select(CodeTranslation).where(CodeTranslation.region_id == region_id)
        ).scalars()
    ]
    bundle = Bundle([], translations, {c.values["code"]: c for c in cards}, [])
    errors: list[FileError] = []
    diff = compute_diff(bundle, region_id, errors)
    if errors:
        raise ImportRefused(errors)
    diff.removed = []
    _write_cards(region_id, bundle, diff)
    return diff


def _apply_change(
    card: Card, product: Product, change: CardChange, area_ids: dict, segment_ids: dict
) -> None:
    v = card.values
    values = {
        "name": v["name"],
        "description": v["description"],
        "task_area_id": area_ids.get(v["task_area"]),
        "segment_id": segment_ids.get(v.get("segment")),
        "parental_contribution": bool(v.get("parental_contribution")),
        "variant": v["variant"],
        "unit": v["unit"],
        "criteria": v["criteria"],
        "target_group": v["target_group"],
    }
    target = product
    if change.new_version:
        start = v["valid_from"] if v["valid_from"] > product.valid_from else None
        target = ops.update_product(product, values, valid_from=start, change_note="pdc import")
    elif product.status == CONCEPT:
        content = {k: val for k, val in values.items() if getattr(product, k) != val}
        if values["variant"] == "task":
            # Tariffs go first: a task-oriented product has no unit price.
            for tariff in list(product.tariffs):
                ops.remove_tariff(product, tariff.year)
        if content or v["valid_from"] != product.valid_from:
            ops.update_product(
                product, content, valid_from=v["valid_from"], change_note="pdc import"
            )
    if target.valid_to != v["valid_to"] and target.status != EXPIRED:
        old = target.valid_to
        target.valid_to = v["valid_to"]
        record(
            "product.valid_to_changed",
            target,
            old={"valid_to": old},
            new={"valid_to": v["valid_to"]},
            note="pdc import",
        )
    current = {t.year: t.price for t in target.tariffs}
    for year in sorted(set(current) | set(card.tariffs)):
        if year not in card.tariffs:
            ops.remove_tariff(target, year)
        elif current.get(year) != card.tariffs[year]:
            ops.set_tariff(target, year, card.tariffs[year])
    if target.status == CONCEPT and v["status"] == FIXED:
        ops.fix_product(target, actor=None)  # the import itself


# -- exporting ----------------------------------------------------------------------------


def card_document(product: Product) -> dict:
    """The card file of a product: its values in file order, the optional ones (end date,
    texts) only where set, then its tariffs."""
    values = _db_values(product)
    doc = {"code": product.code}
    for key, value in values.items():
        if key in ("name", "task_area", "variant", "unit", "status", "valid_from") or value:
            doc[key] = value
    if product.tariffs:
        doc["tariffs"] = {t.year: f"{t.price:.2f}" for t in product.tariffs}
    return doc


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


CODE_FILE_RE = re.compile(r"^\d{2}[0-9A-Z]{3}\.yaml$")


def export_directory(directory: Path, region_code: str = "wbo") -> int:
    """Write the region's current (non-expired) cards, task areas and translation table.
    Card files in `directory` for codes no longer in the catalogue are removed."""
    region = region_by_code(region_code)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    areas, current = _db_state(region.id)
    (directory / TASK_AREAS_FILE).write_text(
        "# Taakgebieden van de regio (code: verwijzing vanuit de productkaarten)\n"
        + _dump(
            [
                {
                    "code": a.code,
                    "name": a.name,
                    **({"description": a.description} if a.description else {}),
                }
                for a in sorted(areas.values(), key=lambda a: a.id)
            ]
        ),
        encoding="utf-8",
    )
    segments = sorted(_db_segments(region.id).values(), key=lambda s: s.id)
    if segments:
        (directory / SEGMENTS_FILE).write_text(
            "# Segmenten van de catalogus (code: verwijzing vanuit de productkaarten)\n"
            + _dump(
                [
                    {
                        "code": s.code,
                        "name": s.name,
                        **({"description": s.description} if s.description else {}),
                    }
                    for s in segments
                ]
            ),
            encoding="utf-8",
        )
    translations = (
        db.session.execute(
            select(CodeTranslation)
            .where(CodeTranslation.region_id == region.id)
            .order_by(CodeTranslation.position)
        )
        .scalars()
        .all()
    )
    (directory / TRANSLATIONS_FILE).write_text(
        "# Vertaaltabel was -> wordt\n"
        + _dump(
            [
                {
                    k: _exportable(getattr(t, k))
                    for k in TRANSLATION_KEYS
                    if getattr(t, k) not in ("", None, False)
                }
                for t in translations
            ]
        ),
        encoding="utf-8",
    )
    written = set()
    for code, product in sorted(current.items()):
        if product.status == EXPIRED:
            continue
        name = f"{code}.yaml"
        (directory / name).write_text(_dump(card_document(product)), encoding="utf-8")
        written.add(name)
    for path in directory.glob("*.yaml"):
        if CODE_FILE_RE.match(path.name) and path.name not in written:
            path.unlink()
    return len(written)
