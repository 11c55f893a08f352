"""Catalogue operations: the only place that changes product cards, tariffs, translations and
custom-care codes. Every change is validated first and written to the audit log."""

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record, record_new
from procure.catalogue.models import (
    PRODUCT_STATUSES,
    UNITS,
    VARIANTS,
    CodeTranslation,
    IndexationRun,
    MaatwerkCode,
    Product,
    Segment,
    Tariff,
    TaskArea,
)
from procure.catalogue.policy import CONCEPT, EXPIRED, FIXED, PRODUCT_STATES
from procure.core import formatting as fmt
from procure.core.converters import INT_MAX
from procure.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from procure.core.operations import operation
from procure.core.timeutil import today_local
from procure.core.types import CENT, utcnow
from procure.extensions import db

CODE_RE = re.compile(r"^\d{2}[0-9A-Z]{3}$")
ENTRY_MONTHS = (1, 4, 7, 10)  # entry moments: 1 January, 1 April, 1 July, 1 October
CARD_FIELDS = (
    "name",
    "description",
    "task_area_id",
    "segment_id",
    "parental_contribution",
    "variant",
    "unit",
    "criteria",
    "target_group",
)
MAATWERK_PREFIX = "MW"


# -- pure helpers ------------------------------------------------------------------------


def normalise_code(code) -> str:
    """'45a53 ' -> '45A53'; raises ValidationFailed with a Dutch message when invalid."""
    text = str(code or "").strip().upper()
    if not CODE_RE.match(text):
        raise ValidationFailed(
            _l(
                "Ongeldige productcode '%(code)s': een productcode heeft 5 tekens, de eerste "
                "twee zijn cijfers (de productcategorie), daarna 3 cijfers of hoofdletters, "
                "bijvoorbeeld 45A53 of 54001.",
                code=str(code or "").strip(),
            ),
            field="code",
        )
    return text


def next_entry_moment(day: date | None = None) -> date:
    """The first entry moment (1 Jan / 1 Apr / 1 Jul / 1 Oct) strictly after `day`."""
    day = day or today_local()
    for month in ENTRY_MONTHS:
        candidate = date(day.year, month, 1)
        if candidate > day:
            return candidate
    return date(day.year + 1, 1, 1)


def parse_price(value, field: str = "price") -> Decimal:
    """An exact euro amount (Decimal or text such as '71,40'); never a float."""
    if isinstance(value, float):
        raise ValidationFailed(
            _l("Geldbedragen worden nooit als kommagetal (float) doorgegeven."), field=field
        )
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _l("'%(v)s' is geen geldig bedrag.", v=str(value)), field=field
        ) from None
    if not amount.is_finite():
        raise ValidationFailed(_l("'%(v)s' is geen geldig bedrag.", v=str(value)), field=field)
    if amount <= 0:
        raise ValidationFailed(_l("Een tarief moet groter zijn dan nul."), field=field)
    if amount != amount.quantize(CENT):
        raise ValidationFailed(
            _l("Een tarief heeft hoogstens twee decimalen (hele centen)."), field=field
        )
    if amount >= Decimal("10000000"):
        raise ValidationFailed(_l("Dit tarief is onwaarschijnlijk hoog."), field=field)
    return amount.quantize(CENT)


def parse_percentage(value) -> Decimal:
    if isinstance(value, float):
        raise ValidationFailed(_l("Geef het percentage als tekst of Decimal."), field="percentage")
    try:
        pct = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _l("'%(v)s' is geen geldig percentage.", v=str(value)), field="percentage"
        ) from None
    if not pct.is_finite() or pct <= Decimal("-50") or pct > Decimal("50"):
        raise ValidationFailed(
            _l("Het indexatiepercentage moet tussen -50 en 50 liggen."), field="percentage"
        )
    if pct != pct.quantize(Decimal("0.001")):
        raise ValidationFailed(
            _l("Het percentage heeft hoogstens drie decimalen."), field="percentage"
        )
    return pct.normalize() if pct != 0 else Decimal("0")


def indexed_price(price: Decimal, pct: Decimal) -> Decimal:
    """price x (1 + pct/100), rounded to whole cents, half up (exact decimal arithmetic)."""
    return (Decimal(price) * (Decimal(100) + pct) / Decimal(100)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def _name_errors(values: dict):
    try:
        normalise_code(values.get("code"))
    except ValidationFailed as exc:
        yield "code", exc.message
    if not str(values.get("name") or "").strip():
        yield "name", _l("Vul een naam in.")
    elif len(str(values["name"]).strip()) > 200:
        yield "name", _l("De naam is te lang (maximaal 200 tekens).")


def _variant_errors(values: dict, require_tariff: bool):
    """The variant, its unit and whether it has (or must not have) unit prices."""
    variant = values.get("variant")
    if variant not in VARIANTS:
        yield (
            "variant",
            _l(
                "Kies een uitvoeringsvariant: inspanningsgericht (effort), "
                "outputgericht (output) of taakgericht (task)."
            ),
        )
    unit = values.get("unit") or None
    if unit is not None and unit not in UNITS:
        yield (
            "unit",
            _l("Onbekende eenheid '%(u)s'; kies uit: %(units)s.", u=unit, units=", ".join(UNITS)),
        )
    tariffs = values.get("tariffs") or {}
    if variant in ("effort", "output"):
        if unit is None:
            yield "unit", _l("Een inspannings- of outputgericht product heeft een eenheid.")
        if require_tariff and not tariffs:
            yield (
                "tariffs",
                _l(
                    "Een inspannings- of outputgericht product heeft een "
                    "tarief (prijs per eenheid)."
                ),
            )
    if variant == "task" and tariffs:
        yield (
            "tariffs",
            _l("Een taakgericht product heeft geen prijs per eenheid: laat het tarief leeg."),
        )


def _period_errors(values: dict):
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if not isinstance(valid_from, date):
        yield "valid_from", _l("Vul een geldige ingangsdatum in.")
    if valid_to is not None and not isinstance(valid_to, date):
        yield "valid_to", _l("Vul een geldige einddatum in.")
    elif isinstance(valid_from, date) and valid_to is not None and valid_to < valid_from:
        yield "valid_to", _l("De einddatum ligt voor de ingangsdatum.")
    status = values.get("status", CONCEPT)
    if status not in PRODUCT_STATUSES:
        yield "status", _l("Onbekende status '%(s)s'.", s=status)


def _reference_errors(values: dict, region_id: int):
    """The task area (of the region) and the tariffs' years and prices."""
    task_area_id = values.get("task_area_id")
    if task_area_id is not None:
        area = db.session.get(TaskArea, task_area_id)
        if area is None or area.region_id != region_id:
            yield "task_area_id", _l("Onbekend taakgebied.")
    segment_id = values.get("segment_id")
    if segment_id is not None:
        segment = db.session.get(Segment, segment_id)
        if segment is None or segment.region_id != region_id:
            yield "segment_id", _l("Onbekend segment.")
    for year, price in (values.get("tariffs") or {}).items():
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            yield "tariffs", _l("Ongeldig tariefjaar '%(y)s'.", y=year)
            continue
        try:
            parse_price(price, field="tariffs")
        except ValidationFailed as exc:
            yield "tariffs", _l("Tarief %(y)s: %(m)s", y=year, m=str(exc.message))


def card_errors(values: dict, region_id: int, *, require_tariff: bool = False) -> list[dict]:
    """Every problem with a card's fields, as [{field, message}] (nothing raised)."""
    found = itertools.chain(
        _name_errors(values),
        _variant_errors(values, require_tariff),
        _period_errors(values),
        _reference_errors(values, region_id),
    )
    return [{"field": field, "message": message} for field, message in found]


def _raise_first(errors: list[dict]) -> None:
    if errors:
        first = errors[0]
        raise ValidationFailed(first["message"], field=first["field"], errors=errors)


def _overlapping(region_id, code, start: date, end: date | None, exclude_ids=()):
    stmt = select(Product).where(
        Product.region_id == region_id,
        Product.code == code,
        (Product.valid_to.is_(None)) | (Product.valid_to >= start),
    )
    if end is not None:
        stmt = stmt.where(Product.valid_from <= end)
    if exclude_ids:
        stmt = stmt.where(Product.id.not_in(list(exclude_ids)))
    return db.session.execute(stmt.limit(1)).scalar()


def _duplicate_error(code: str, other: Product) -> Conflict:
    return Conflict(
        _l(
            "Productcode %(code)s bestaat al in deze regio voor deze geldigheidsperiode "
            "(versie %(v)d, geldig vanaf %(d)s). Een productcode is uniek per regio en "
            "geldigheidsperiode.",
            code=code,
            v=other.version,
            d=other.valid_from.strftime("%d-%m-%Y"),
        ),
        field="code",
    )


def snapshot(product: Product) -> dict:
    return {
        "code": product.code,
        "version": product.version,
        "name": product.name,
        "description": product.description,
        "task_area_id": product.task_area_id,
        "segment_id": product.segment_id,
        "parental_contribution": bool(product.parental_contribution),
        "variant": product.variant,
        "unit": product.unit,
        "status": product.status,
        "valid_from": product.valid_from,
        "valid_to": product.valid_to,
        "criteria": product.criteria,
        "target_group": product.target_group,
    }


def current_version(region_id: int, code: str) -> Product | None:
    return db.session.execute(
        select(Product).where(
            Product.region_id == region_id, Product.code == code, Product.is_current.is_(True)
        )
    ).scalar()


def _clean(values: dict) -> dict:
    out = dict(values)
    for key in ("name", "description", "criteria", "target_group"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "unit" in out:
        out["unit"] = out["unit"] or None
    if "code" in out:
        out["code"] = str(out["code"] or "").strip().upper()
    return out


# -- task areas --------------------------------------------------------------------------


@operation
def ensure_task_area(region_id: int, code: str, name: str, description: str = "") -> TaskArea:
    code = (code or "").strip()
    if not code or not (name or "").strip():
        raise ValidationFailed(_l("Een taakgebied heeft een code en een naam."), field="code")
    area = db.session.execute(
        select(TaskArea).where(TaskArea.region_id == region_id, TaskArea.code == code)
    ).scalar()
    if area is None:
        area = TaskArea(
            region_id=region_id, code=code, name=name.strip(), description=description or ""
        )
        db.session.add(area)
        record("task_area.created", area, new={"code": code, "name": area.name})
    elif area.name != name.strip() or (area.description or "") != (description or ""):
        old = {"name": area.name, "description": area.description}
        area.name, area.description = name.strip(), description or ""
        record(
            "task_area.updated",
            area,
            old=old,
            new={"name": area.name, "description": area.description},
        )
    return area


# -- segments ----------------------------------------------------------------------------


@operation
def ensure_segment(region_id: int, code: str, name: str, description: str = "") -> Segment:
    """Create a segment of the region's catalogue, or bring its name and description up to
    date (idempotent, audited)."""
    code, name, description = (code or "").strip(), (name or "").strip(), description or ""
    if not code or not name:
        raise ValidationFailed(_l("Een segment heeft een code en een naam."), field="code")
    if len(code) > 10:
        raise ValidationFailed(_l("De code van een segment is hoogstens 10 tekens."), field="code")
    segment = db.session.execute(
        select(Segment).where(Segment.region_id == region_id, Segment.code == code)
    ).scalar()
    if segment is None:
        segment = record_new(
            Segment(region_id=region_id, code=code, name=name, description=description),
            "segment.created",
            new={"code": code, "name": name},
        )
    elif (segment.name, segment.description or "") != (name, description):
        old = {"name": segment.name, "description": segment.description}
        segment.name, segment.description = name, description
        record("segment.updated", segment, old=old, new={"name": name, "description": description})
    return segment


@operation
def set_account_holder(segment: Segment, *, user_id: int | None, actor=None) -> Segment:
    """The region's staff member who holds the segment's account (seed 001: "accounthouders
    van de verschillende segmenten"); None clears it."""
    from procure.auth.models import User
    from procure.catalogue.policy import can_hold_account

    if user_id is not None and not can_hold_account(_user_or_none(User, user_id), segment):
        raise ValidationFailed(
            _l("Een accounthouder is een actieve medewerker van de regio."),
            field="account_holder_id",
        )
    if segment.account_holder_id == user_id:
        return segment
    old = segment.account_holder_id
    segment.account_holder_id = user_id
    db.session.flush()
    record(
        "segment.account_holder",
        segment,
        actor=actor,
        old={"account_holder_id": old},
        new={"account_holder_id": user_id},
    )
    return segment


def _user_or_none(model, ident):
    """The row with this id, None for an id no integer column holds (a hostile form value)."""
    if isinstance(ident, bool) or not isinstance(ident, int) or not 0 < ident <= INT_MAX:
        return None
    return db.session.get(model, ident)


@operation
def create_segment(region_id: int, *, code, name, description="", actor=None) -> Segment:
    """A new segment of the region's catalogue; a code the region uses already is refused
    (the page form; the pdc import brings segments up to date through ensure_segment)."""
    code, name = str(code or "").strip(), str(name or "").strip()
    description = str(description or "").strip()
    if not code:
        raise ValidationFailed(_l("Vul een code in."), field="code")
    if len(code) > 10:
        raise ValidationFailed(_l("De code van een segment is hoogstens 10 tekens."), field="code")
    if not name:
        raise ValidationFailed(_l("Vul een naam in."), field="name")
    if len(name) > 200:
        raise ValidationFailed(_l("De naam is hoogstens 200 tekens."), field="name")
    existing = db.session.execute(
        select(Segment.id).where(Segment.region_id == region_id, Segment.code == code)
    ).scalar()
    if existing is not None:
        raise Conflict(
            _l("Deze regio heeft al een segment met code %(code)s.", code=code), field="code"
        )
    return record_new(
        Segment(region_id=region_id, code=code, name=name, description=description),
        "segment.created",
        actor=actor,
        new={"code": code, "name": name, "description": description},
    )


@operation
def update_segment(
    segment: Segment, *, name, description="", account_holder_id=None, actor=None
) -> Segment:
    """Change a segment's name, description and account holder in one go: a refused account
    holder changes nothing (checked before anything is written)."""
    from procure.auth.models import User
    from procure.catalogue.policy import can_hold_account

    name, description = str(name or "").strip(), str(description or "").strip()
    if not name:
        raise ValidationFailed(_l("Vul een naam in."), field="name")
    if len(name) > 200:
        raise ValidationFailed(_l("De naam is hoogstens 200 tekens."), field="name")
    holder_changes = account_holder_id != segment.account_holder_id
    if (
        holder_changes
        and account_holder_id is not None
        and not can_hold_account(_user_or_none(User, account_holder_id), segment)
    ):
        raise ValidationFailed(
            _l("Een accounthouder is een actieve medewerker van de regio."),
            field="account_holder_id",
        )
    changed_text = (segment.name, segment.description or "") != (name, description)
    if not changed_text and not holder_changes:
        raise ValidationFailed(_l("Er is niets gewijzigd."))
    if changed_text:
        old = {"name": segment.name, "description": segment.description}
        segment.name, segment.description = name, description
        record(
            "segment.updated",
            segment,
            actor=actor,
            old=old,
            new={"name": name, "description": description},
        )
    set_account_holder(segment, user_id=account_holder_id, actor=actor)
    return segment


# -- product cards -----------------------------------------------------------------------


@operation
def create_product(
    region_id: int,
    *,
    code,
    name,
    variant,
    valid_from: date,
    unit=None,
    description="",
    task_area_id=None,
    segment_id=None,
    parental_contribution: bool = False,
    criteria="",
    target_group="",
    valid_to: date | None = None,
    price=None,
    tariffs: dict | None = None,
    status: str = CONCEPT,
    change_note: str = "",
) -> Product:
    """A new product card (version 1, or the next version after an expired card)."""
    tariffs = dict(tariffs or {})
    if price not in (None, ""):
        tariffs[valid_from.year if isinstance(valid_from, date) else 0] = price
    values = _clean(
        {
            "code": code,
            "name": name,
            "variant": variant,
            "unit": unit,
            "description": description,
            "task_area_id": task_area_id,
            "segment_id": segment_id,
            "criteria": criteria,
            "target_group": target_group,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "tariffs": tariffs,
            "status": status,
        }
    )
    _raise_first(card_errors(values, region_id, require_tariff=True))
    code = values["code"]
    if status == EXPIRED:
        raise ValidationFailed(
            _l("Een nieuwe productkaart kan niet vervallen zijn."), field="status"
        )
    other = _overlapping(region_id, code, valid_from, valid_to)
    if other is not None:
        raise _duplicate_error(code, other)
    previous = current_version(region_id, code)
    if previous is not None and previous.status != EXPIRED:
        raise _duplicate_error(code, previous)
    version = (
        db.session.execute(
            select(func.max(Product.version)).where(
                Product.region_id == region_id, Product.code == code
            )
        ).scalar()
        or 0
    ) + 1
    if previous is not None:
        previous.is_current = False
    product = Product(
        region_id=region_id,
        code=code,
        version=version,
        name=values["name"],
        description=values["description"],
        task_area_id=task_area_id,
        segment_id=segment_id,
        parental_contribution=bool(parental_contribution),
        variant=variant,
        unit=values["unit"],
        status=status,
        valid_from=valid_from,
        valid_to=valid_to,
        criteria=values["criteria"],
        target_group=values["target_group"],
        is_current=True,
        change_note=change_note or "",
        fixed_at=utcnow() if status == FIXED else None,
    )
    db.session.add(product)
    for year, amount in sorted(tariffs.items()):
        product.tariffs.append(Tariff(year=year, price=parse_price(amount)))
    db.session.flush()
    record(
        "product.created",
        product,
        new={**snapshot(product), "tariffs": {t.year: t.price for t in product.tariffs}},
    )
    return product


@operation
def update_product(
    product: Product, values: dict, *, valid_from: date | None = None, change_note: str = ""
) -> Product:
    """Edit a card. A concept card changes in place; a fixed card gets a new version that
    starts at `valid_from` (default: the next entry moment) while the old version stays
    readable and unchanged apart from its end date. Returns the (new) current row."""
    if product.status == EXPIRED:
        raise InvalidTransition(_l("Een vervallen productkaart kan niet meer worden gewijzigd."))
    if not product.is_current:
        raise Conflict(
            _l(
                "Dit is een eerdere versie; wijzig de huidige versie van productkaart %(code)s.",
                code=product.code,
            )
        )
    values = _clean({k: v for k, v in values.items() if k in CARD_FIELDS})
    merged = {**snapshot(product), **values, "tariffs": {t.year: t.price for t in product.tariffs}}
    if product.status == CONCEPT:
        merged["valid_from"] = valid_from or product.valid_from
    _raise_first(card_errors(merged, product.region_id))
    changed = {k: v for k, v in values.items() if getattr(product, k) != v}
    if merged["variant"] == "task" and product.tariffs:
        raise ValidationFailed(
            _l(
                "Een taakgericht product heeft geen prijs per eenheid: verwijder eerst de tarieven."
            ),
            field="variant",
        )

    if product.status == CONCEPT:
        return _update_concept_card(product, changed, valid_from, change_note)
    return _new_card_version(product, merged, changed, valid_from, change_note)


def _update_concept_card(
    product: Product, changed: dict, valid_from: date | None, change_note: str
) -> Product:
    """A concept card changes in place."""
    if valid_from and valid_from != product.valid_from:
        other = _overlapping(
            product.region_id,
            product.code,
            valid_from,
            product.valid_to,
            exclude_ids=[product.id],
        )
        if other is not None:
            raise _duplicate_error(product.code, other)
        changed["valid_from"] = valid_from
    if not changed:
        raise ValidationFailed(_l("Er is niets gewijzigd."))
    old = {k: getattr(product, k) for k in changed}
    for key, value in changed.items():
        setattr(product, key, value)
    if change_note:
        product.change_note = change_note
    record(
        "product.updated",
        product,
        old=old,
        new=changed,
        note=str(change_note) if change_note else None,
    )
    return product


def _new_card_version(
    product: Product, merged: dict, changed: dict, valid_from: date | None, change_note: str
) -> Product:
    """A fixed card gets a new version from `valid_from` (default: the next entry moment);
    the old one ends the day before."""
    if not changed:
        raise ValidationFailed(_l("Er is niets gewijzigd."))
    start = valid_from or next_entry_moment()
    if start <= product.valid_from:
        raise ValidationFailed(
            _l(
                "De nieuwe versie moet ingaan na de ingangsdatum van de huidige versie (%(d)s).",
                d=product.valid_from.strftime("%d-%m-%Y"),
            ),
            field="valid_from",
        )
    if product.valid_to is not None and start > product.valid_to + timedelta(days=1):
        raise ValidationFailed(
            _l(
                "De nieuwe versie moet aansluiten op de huidige versie (uiterlijk %(d)s).",
                d=(product.valid_to + timedelta(days=1)).strftime("%d-%m-%Y"),
            ),
            field="valid_from",
        )
    new = Product(
        region_id=product.region_id,
        code=product.code,
        version=product.version + 1,
        status=FIXED,
        valid_from=start,
        valid_to=product.valid_to,
        is_current=True,
        change_note=change_note or "",
        fixed_at=utcnow(),
        **{k: merged[k] for k in CARD_FIELDS},
    )
    old_valid_to = product.valid_to
    product.valid_to = start - timedelta(days=1)
    product.is_current = False
    for tariff in product.tariffs:
        if tariff.year >= start.year and new.variant != "task":
            new.tariffs.append(
                Tariff(
                    year=tariff.year, price=tariff.price, indexation_run_id=tariff.indexation_run_id
                )
            )
    record_new(
        new,
        "product.valid_to_changed",
        old={"valid_to": old_valid_to},
        new={"valid_to": product.valid_to},
        note=str(_l("Opgevolgd door versie %(v)d", v=new.version)),
        subject=product,
    )
    record(
        "product.versioned",
        new,
        old={k: getattr(product, k) for k in changed},
        new={**changed, "version": new.version, "valid_from": start},
        note=str(change_note) if change_note else None,
    )
    return new


@operation
def fix_product(product: Product, *, actor) -> Product:
    """Vaststellen: concept -> vastgesteld."""
    PRODUCT_STATES.check(product.status, FIXED)
    if product.variant != "task" and not product.tariffs:
        raise ValidationFailed(
            _l(
                "Voeg eerst een tarief toe: een inspannings- of "
                "outputgericht product heeft een prijs per eenheid."
            ),
            field="tariffs",
        )
    PRODUCT_STATES.apply(product, FIXED, actor)
    product.fixed_at = utcnow()
    record(
        "product.fixed",
        product,
        actor=actor,
        old={"status": CONCEPT},
        new={"status": FIXED},
    )
    return product


@operation
def expire_product(product: Product, valid_to: date | None = None, *, actor) -> Product:
    """Laten vervallen: the card stops at valid_to (default today)."""
    PRODUCT_STATES.check(product.status, EXPIRED)
    end = valid_to or today_local()
    if end < product.valid_from:
        end = product.valid_from
    old = {"status": product.status, "valid_to": product.valid_to}
    PRODUCT_STATES.apply(product, EXPIRED, actor)
    product.valid_to = end
    record(
        "product.expired",
        product,
        actor=actor,
        old=old,
        new={"status": EXPIRED, "valid_to": end},
    )
    return product


# -- tariffs -----------------------------------------------------------------------------


@operation
def set_tariff(product: Product, year, price) -> Tariff:
    if product.variant == "task":
        raise ValidationFailed(
            _l("Een taakgericht product heeft geen prijs per eenheid."), field="price"
        )
    if product.status == EXPIRED:
        raise InvalidTransition(_l("Een vervallen productkaart krijgt geen tarieven meer."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed(_l("Vul een geldig jaar in."), field="year") from None
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_l("Vul een geldig jaar in."), field="year")
    if product.valid_to is not None and year > product.valid_to.year:
        raise ValidationFailed(
            _l("Dit jaar valt na de geldigheid van de productkaart."), field="year"
        )
    amount = parse_price(price)
    tariff = product.tariff_for(year)
    if tariff is None:
        tariff = Tariff(year=year, price=amount)
        product.tariffs.append(tariff)
        db.session.flush()
        record(
            "tariff.created",
            product,
            new={"year": year, "price": amount},
            note=f"{product.code} {year}",
        )
    elif tariff.price != amount:
        old = tariff.price
        tariff.price = amount
        tariff.indexation_run_id = None
        record(
            "tariff.changed",
            product,
            old={"year": year, "price": old},
            new={"year": year, "price": amount},
            note=f"{product.code} {year}",
        )
    return tariff


@operation
def remove_tariff(product: Product, year: int) -> None:
    tariff = product.tariff_for(year)
    if tariff is None:
        raise NotFound(_l("Geen tarief voor %(y)s.", y=year))
    product.tariffs.remove(tariff)
    record(
        "tariff.removed",
        product,
        old={"year": year, "price": tariff.price},
        note=f"{product.code} {year}",
    )


@dataclass
class IndexationLine:
    product: Product
    old_price: Decimal
    new_price: Decimal | None
    skipped: str = ""  # reason when the target year already has a tariff


def _indexation_candidates(region_id: int, from_year: int):
    return db.session.execute(
        select(Product, Tariff)
        .join(Tariff, Tariff.product_id == Product.id)
        .where(
            Product.region_id == region_id,
            Product.is_current.is_(True),
            Product.status != EXPIRED,
            Product.variant != "task",
            Tariff.year == from_year,
        )
        .order_by(Product.code)
    ).all()


def indexation_preview(region_id: int, from_year: int, percentage) -> list[IndexationLine]:
    """What apply_indexation would write, without writing anything."""
    pct = parse_percentage(percentage)
    to_year = from_year + 1
    existing = set(
        db.session.execute(
            select(Tariff.product_id)
            .join(Product)
            .where(
                Product.region_id == region_id, Product.is_current.is_(True), Tariff.year == to_year
            )
        ).scalars()
    )
    lines = []
    for product, tariff in _indexation_candidates(region_id, from_year):
        if product.valid_to is not None and product.valid_to.year < to_year:
            lines.append(
                IndexationLine(
                    product, tariff.price, None, str(_l("loopt af voor %(y)s", y=to_year))
                )
            )
        elif product.id in existing:
            lines.append(
                IndexationLine(
                    product,
                    tariff.price,
                    None,
                    str(_l("heeft al een tarief voor %(y)s", y=to_year)),
                )
            )
        else:
            lines.append(IndexationLine(product, tariff.price, indexed_price(tariff.price, pct)))
    return lines


@operation
def apply_indexation(region_id: int, from_year: int, percentage, actor=None) -> IndexationRun:
    """Create next year's tariffs from `from_year`'s with `percentage` (half up to cents).
    Refused when the region already ran the indexation for that year."""
    pct = parse_percentage(percentage)
    to_year = from_year + 1
    done = db.session.execute(
        select(IndexationRun).where(
            IndexationRun.region_id == region_id, IndexationRun.to_year == to_year
        )
    ).scalar()
    if done is not None:
        raise Conflict(
            _l(
                "De indexatie naar %(y)s is al uitgevoerd (%(p)s); een tweede "
                "indexatie voor hetzelfde jaar is niet toegestaan.",
                y=to_year,
                p=fmt.percent(done.percentage),
            )
        )
    lines = [
        line for line in indexation_preview(region_id, from_year, pct) if line.new_price is not None
    ]
    if not lines:
        raise ValidationFailed(_l("Er zijn geen tarieven van %(y)s om te indexeren.", y=from_year))
    run = IndexationRun(
        region_id=region_id,
        from_year=from_year,
        to_year=to_year,
        percentage=str(pct),
        tariff_count=len(lines),
        applied_by_id=actor.id if actor else None,
    )
    db.session.add(run)
    db.session.flush()
    for line in lines:
        db.session.add(
            Tariff(
                product_id=line.product.id,
                year=to_year,
                price=line.new_price,
                indexation_run_id=run.id,
            )
        )
    record(
        "tariffs.indexed",
        run,
        new={
            "from_year": from_year,
            "to_year": to_year,
            "percentage": str(pct),
            "tariffs": {line.product.code: [line.old_price, line.new_price] for line in lines},
        },
        actor=actor,
    )
    return run


# -- translation table -------------------------------------------------------------------


def _plain(value):
    return str(value.normalize()) if isinstance(value, Decimal) else value


# The compared columns of a code translation (the row's position aside).
TRANSLATION_COLUMNS = (
    "old_code",
    "old_task_area",
    "new_task_area",
    "new_task_area_id",
    "share_pct",
    "new_variant",
    "new_contract",
    "partial",
    "label",
    "note",
)


def _translation_row(i: int, row: dict, areas: dict, errors: list) -> dict | None:
    """Row `i` of a translation table, checked; its problems go to `errors` (None when its
    code is unreadable)."""
    try:
        # A row without code covers a whole agreement (seed 003: JZ+ -> JZ+).
        blank = not row.get("old_code") and row.get("old_task_area")
        code = "" if blank else normalise_code(row.get("old_code"))
    except ValidationFailed as exc:
        errors.append({"field": f"regel {i}", "message": exc.message})
        return None
    area_code = row.get("new_task_area_code") or ""
    if area_code and area_code not in areas:
        errors.append(
            {
                "field": f"regel {i}",
                "message": _l("Onbekend taakgebied '%(c)s'.", c=area_code),
            }
        )
    share = row.get("share_pct")
    share = Decimal(str(share)) if share not in (None, "") else None
    if share is not None and not (0 < share <= 100):
        errors.append({"field": f"regel {i}", "message": _l("Een aandeel ligt tussen 0 en 100 %.")})
    variant = row.get("new_variant") or ""
    if variant and variant not in VARIANTS:
        errors.append(
            {
                "field": f"regel {i}",
                "message": _l("Onbekende uitvoeringsvariant '%(v)s'.", v=variant),
            }
        )
    return dict(
        old_code=code,
        old_task_area=row.get("old_task_area") or "",
        new_task_area=row.get("new_task_area") or "",
        new_task_area_id=areas.get(area_code),
        share_pct=share,
        new_variant=variant,
        new_contract=row.get("new_contract") or "",
        partial=bool(row.get("partial")),
        label=row.get("label") or "",
        note=row.get("note") or "",
        position=i,
    )


@operation
def replace_translations(region_id: int, rows: list[dict]) -> int:
    """Replace the region's translation table with `rows` (audited as one change)."""
    errors = []
    areas = {
        a.code: a.id
        for a in db.session.execute(select(TaskArea).where(TaskArea.region_id == region_id))
        .scalars()
        .all()
    }
    clean = [
        checked
        for i, row in enumerate(rows, start=1)
        if (checked := _translation_row(i, row, areas, errors)) is not None
    ]
    _raise_first(errors)
    existing = db.session.execute(
        select(CodeTranslation)
        .where(CodeTranslation.region_id == region_id)
        .order_by(CodeTranslation.position)
    ).scalars()
    old = [{k: _plain(getattr(t, k)) for k in TRANSLATION_COLUMNS} for t in existing]
    new = [{k: _plain(r[k]) for k in TRANSLATION_COLUMNS} for r in clean]
    if old == new:
        return 0
    db.session.execute(
        CodeTranslation.__table__.delete().where(CodeTranslation.region_id == region_id)
    )
    for row in clean:
        db.session.add(CodeTranslation(region_id=region_id, **row))
    record(
        "code_translations.replaced",
        object_type="CodeTranslation",
        object_id=region_id,
        region_id=region_id,
        old={"rows": old},
        new={"rows": new},
    )
    return len(clean)


# -- custom-care codes -------------------------------------------------------------------


def maatwerk_code_for(product_code: str) -> str:
    """The uniform custom-care code derived from a PDC code: 'MW' + code, e.g. MW45A53."""
    return MAATWERK_PREFIX + normalise_code(product_code)


@operation
def derive_maatwerk_codes(region_id: int) -> dict:
    """Make (or update) one custom-care code per fixed current product of the region;
    a code whose product expired is deactivated. Idempotent. Returns counts."""
    products = (
        db.session.execute(
            select(Product).where(Product.region_id == region_id, Product.is_current.is_(True))
        )
        .scalars()
        .all()
    )
    codes = {
        m.code: m
        for m in db.session.execute(
            select(MaatwerkCode).where(MaatwerkCode.region_id == region_id)
        ).scalars()
    }
    counts = {"created": 0, "updated": 0, "deactivated": 0}
    for product in products:
        code = maatwerk_code_for(product.code)
        existing = codes.get(code)
        # A custom contract is always paid per unit; a task-oriented product has none,
        # so its custom code is priced per hour.
        unit = product.unit or "uur"
        name = f"Maatwerk {product.name}"[:200]
        if product.status == FIXED:
            if existing is None:
                row = MaatwerkCode(
                    region_id=region_id,
                    code=code,
                    name=name,
                    product_id=product.id,
                    unit=unit,
                    active=True,
                )
                record_new(
                    row,
                    "maatwerk_code.created",
                    new={"code": code, "product": product.code, "unit": unit},
                )
                counts["created"] += 1
            elif (existing.product_id, existing.name, existing.unit, existing.active) != (
                product.id,
                name,
                unit,
                True,
            ):
                old = {
                    "product_id": existing.product_id,
                    "name": existing.name,
                    "unit": existing.unit,
                    "active": existing.active,
                }
                existing.product_id, existing.name = product.id, name
                existing.unit, existing.active = unit, True
                record(
                    "maatwerk_code.updated",
                    existing,
                    old=old,
                    new={"product_id": product.id, "name": name, "unit": unit, "active": True},
                )
                counts["updated"] += 1
        elif product.status == EXPIRED and existing is not None and existing.active:
            existing.active = False
            record(
                "maatwerk_code.deactivated", existing, old={"active": True}, new={"active": False}
            )
            counts["deactivated"] += 1
    return counts
