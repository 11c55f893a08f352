"""Changes to the organisation register; every change is audited."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.audit import record, record_new
from procure.audit.operations import changes
from procure.core.errors import Conflict, ValidationFailed
from procure.core.operations import operation
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

KVK_RE = re.compile(r"^\d{8}$")
AGB_RE = re.compile(r"^\d{8}$")
CBS_RE = re.compile(r"^\d{4}$")


def _check_kvk(value: str | None, *, required: bool) -> None:
    if not value:
        if required:
            raise ValidationFailed(_l("Vul het KvK-nummer in."), field="kvk_number")
        return
    if not KVK_RE.match(value):
        raise ValidationFailed(_l("Een KvK-nummer bestaat uit 8 cijfers."), field="kvk_number")


@operation
def update_region(
    region: Region, *, name: str, kvk_number: str | None, address: str | None, actor=None
) -> Region:
    if not (name or "").strip():
        raise ValidationFailed(_l("Vul de naam van de regio in."), field="name")
    _check_kvk(kvk_number, required=False)
    old, new = changes(
        region,
        ["name", "kvk_number", "address"],
        {
            "name": name.strip(),
            "kvk_number": kvk_number or None,
            "address": (address or "").strip() or None,
        },
    )
    if new:
        record("region.updated", region, old=old, new=new, actor=actor)
    return region


@operation
def add_municipality(region: Region, *, name: str, cbs_code: str, actor=None) -> Municipality:
    if not (name or "").strip():
        raise ValidationFailed(_l("Vul de naam van de gemeente in."), field="name")
    if not CBS_RE.match(cbs_code or ""):
        raise ValidationFailed(_l("Een CBS-gemeentecode bestaat uit 4 cijfers."), field="cbs_code")
    if db.session.execute(select(Municipality.id).filter_by(cbs_code=cbs_code)).first():
        raise Conflict(
            _l("Er bestaat al een gemeente met CBS-code %(code)s.", code=cbs_code), field="cbs_code"
        )
    municipality = Municipality(region_id=region.id, name=name.strip(), cbs_code=cbs_code)
    return record_new(
        municipality,
        "municipality.created",
        new={"name": municipality.name, "cbs_code": cbs_code},
        actor=actor,
    )


@operation
def create_provider(
    *,
    short_code: str,
    name: str,
    kvk_number: str,
    agb_code: str | None = None,
    address: str | None = None,
    actor=None,
) -> Provider:
    short_code = (short_code or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9-]{2,40}", short_code):
        raise ValidationFailed(
            _l("De korte code bestaat uit 2 tot 40 kleine letters, cijfers of streepjes."),
            field="short_code",
        )
    if not (name or "").strip():
        raise ValidationFailed(_l("Vul de naam van de aanbieder in."), field="name")
    _check_kvk(kvk_number, required=True)
    if agb_code and not AGB_RE.match(agb_code):
        raise ValidationFailed(_l("Een AGB-code bestaat uit 8 cijfers."), field="agb_code")
    duplicate = db.session.execute(
        select(Provider.id).where(
            (Provider.kvk_number == kvk_number) | (Provider.short_code == short_code)
        )
    ).first()
    if duplicate:
        raise Conflict(_l("Er bestaat al een aanbieder met dit KvK-nummer of deze code."))
    provider = Provider(
        short_code=short_code,
        name=name.strip(),
        kvk_number=kvk_number,
        agb_code=agb_code or None,
        address=address or None,
    )
    return record_new(
        provider,
        "provider.created",
        new={"name": provider.name, "kvk_number": kvk_number},
        actor=actor,
    )
