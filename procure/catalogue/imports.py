"""The catalogue import through the website: a ZIP of pdc files (one YAML file per card,
`_taakgebieden.yaml`, `_vertaaltabel.yaml`, as `flask pdc export` writes them).

The whole set is read and checked in the request, as `flask pdc import` does: any error
refuses it with every error listed (file, line, field) and nothing is queued. A clean set
is written by a background job with progress: first the task areas and translation table,
then the cards in batches (each checked again against the catalogue as it is then and
written all or nothing), last the cards no longer in the files expire. A batch that no
longer fits (someone changed a card in the meantime) is reported and the rest carries on.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.catalogue import operations as ops
from procure.catalogue import pdcfiles
from procure.catalogue.models import CodeTranslation
from procure.catalogue.policy import can_edit
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.extensions import db
from procure.jobs import operations as job_ops
from procure.jobs.kinds import JobKind, register

KIND = "catalogue_import"
MAX_FILES = 5_000
MAX_FILE_BYTES = 256 * 1024  # one card is a few kilobytes
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _refuse(message) -> None:
    raise ValidationFailed(message, field="file")


# -- reading the upload ---------------------------------------------------------------------


def extract(data: bytes, target: Path) -> int:
    """Unpack the YAML files of the ZIP flat into `target` (folders inside the archive are
    ignored, names are never used as paths); refuses what is no ZIP or too big."""
    if not data.startswith(b"PK"):
        _refuse(_l("Dit is geen ZIP-bestand."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        _refuse(_l("Het ZIP-bestand is beschadigd."))
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".yaml")
        and "__MACOSX" not in info.filename
    ]
    if not members:
        _refuse(_l("Het ZIP-bestand bevat geen productkaarten (YAML-bestanden)."))
    if len(members) > MAX_FILES:
        _refuse(_l("Het ZIP-bestand bevat meer dan %(n)d bestanden.", n=MAX_FILES))
    seen, unpacked = set(), 0
    for info in members:
        name = PurePosixPath(info.filename).name
        if name in seen:
            _refuse(_l("%(name)s staat twee keer in het ZIP-bestand.", name=name))
        seen.add(name)
        try:
            with archive.open(info) as member:
                content = member.read(MAX_FILE_BYTES + 1)  # the header's size may lie
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError):
            _refuse(_l("%(name)s kan niet worden uitgepakt.", name=name))
        if len(content) > MAX_FILE_BYTES:
            _refuse(_l("%(name)s is te groot voor een productkaart.", name=name))
        unpacked += len(content)
        if unpacked > MAX_UNPACKED_BYTES:
            _refuse(_l("Het ZIP-bestand is uitgepakt te groot."))
        (target / name).write_bytes(content)
    return len(members)


def _db_translations(region_id: int) -> list[dict]:
    return [
        {k: getattr(t, k) for k in pdcfiles.TRANSLATION_KEYS}
        for t in db.session.execute(
            select(CodeTranslation)
            .where(CodeTranslation.region_id == region_id)
            .order_by(CodeTranslation.position)
        ).scalars()
    ]


def check_upload(data: bytes, region_id: int, *, with_translations: bool):
    """(bundle, diff) of a clean upload; ImportRefused (as a form error) lists every error."""
    with tempfile.TemporaryDirectory(prefix="pdc-import-") as tmp:
        extract(data, Path(tmp))
        bundle = pdcfiles.read_directory(Path(tmp))
    if not with_translations:
        bundle.translations = _db_translations(region_id)
    errors = bundle.errors
    diff = pdcfiles.compute_diff(bundle, region_id, errors)
    if errors:
        raise ValidationFailed(
            _l(
                "Import geweigerd: %(n)d fout(en); er is niets opgeslagen.",
                n=len(errors),
            ),
            field="file",
            errors=[str(e) for e in errors],
        )
    if diff.empty:
        _refuse(_l("Niets te importeren: de bestanden zijn gelijk aan de catalogus."))
    return bundle, diff


# -- the items ------------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def card_item(card: pdcfiles.Card) -> dict:
    return {
        "file": card.file,
        "values": {k: _jsonable(v) for k, v in card.values.items()},
        "tariffs": {str(year): str(price) for year, price in card.tariffs.items()},
        "lines": card.lines,
    }


def card_from_item(item: dict) -> pdcfiles.Card:
    values = dict(item["values"])
    for key in ("valid_from", "valid_to"):
        values[key] = date.fromisoformat(values[key]) if values.get(key) else None
    tariffs = {int(year): Decimal(price) for year, price in item["tariffs"].items()}
    return pdcfiles.Card(item["file"], values, tariffs, dict(item["lines"]))


def items_for(region_id: int, bundle, diff) -> list[dict]:
    items = []
    if diff.task_areas or diff.segments or diff.translations_changed:
        items.append(
            {
                "step": "areas",
                "region_id": region_id,
                "task_areas": bundle.task_areas,
                "changed": diff.task_areas,
                "segments": bundle.segments,
                "changed_segments": diff.segments,
                "translations": (
                    [{k: _jsonable(v) for k, v in t.items()} for t in bundle.translations]
                    if diff.translations_changed
                    else None
                ),
                "label": _("Taakgebieden en vertaaltabel"),
            }
        )
    codes = [c.code for c in diff.added + diff.changed]
    size = max(1, int(current_app.config["JOBS_IMPORT_BATCH_CARDS"]))
    for start in range(0, len(codes), size):
        batch = sorted(codes[start : start + size])
        items.append(
            {
                "step": "cards",
                "region_id": region_id,
                "cards": [card_item(bundle.cards[code]) for code in batch],
                "label": _("Productkaarten %(first)s t/m %(last)s", first=batch[0], last=batch[-1]),
            }
        )
    items.append(
        {
            "step": "finish",
            "region_id": region_id,
            "expire": [c.code for c in diff.removed],
            "counts": {
                "added": len(diff.added),
                "changed": len(diff.changed),
                "removed": len(diff.removed),
            },
            "label": _("Vervallen kaarten en afronding"),
        }
    )
    return items


def start_import(data: bytes, user, *, with_translations: bool = False):
    if not can_edit(user):
        raise NotAllowed(_l("U mag de productcatalogus niet bewerken."))
    bundle, diff = check_upload(data, user.region_id, with_translations=with_translations)
    title = _(
        "Catalogus-import: %(added)d nieuw, %(changed)d gewijzigd, %(removed)d vervallen",
        added=len(diff.added),
        changed=len(diff.changed),
        removed=len(diff.removed),
    )
    return job_ops.submit(
        KIND, title, items_for(user.region_id, bundle, diff), actor=user, region_id=user.region_id
    )


# -- one item -------------------------------------------------------------------------------


@operation
def _areas_and_translations(item: dict) -> None:
    region_id = item["region_id"]
    pdcfiles.write_task_areas(region_id, item["task_areas"], item["changed"])
    pdcfiles.write_segments(region_id, item.get("segments", []), item.get("changed_segments", []))
    if item["translations"] is not None:
        ops.replace_translations(region_id, item["translations"])


@operation
def _finish(item: dict, user) -> None:
    expired = pdcfiles.expire_cards(item["region_id"], item["expire"])
    counts = {**item["counts"], "removed": expired}
    pdcfiles.record_import(item["region_id"], "website", **counts, uploaded_by=user.email)


def run_item(item: dict, user) -> None:
    if not can_edit(user) or user.region_id != item["region_id"]:
        raise NotAllowed(_l("U mag de productcatalogus van deze regio niet (meer) bewerken."))
    if item["step"] == "areas":
        _areas_and_translations(item)
    elif item["step"] == "cards":
        pdcfiles.import_cards(item["region_id"], [card_from_item(c) for c in item["cards"]])
    else:
        _finish(item, user)


def _catalogue_page(job) -> str:
    return url_for("catalogue.index")


register(JobKind(KIND, _l("Catalogus importeren"), run_item, result_url=_catalogue_page))
