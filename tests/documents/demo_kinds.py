"""Every document kind the demo can produce, found through the documents registry (so a
kind added to the registry is covered without touching the tests that use this)."""

from sqlalchemy import select

from procure.auth.models import User
from procure.documents.contexts import CustomFormat, custom_format_spec
from procure.documents.registry import REGISTRY
from procure.extensions import db
from procure.organisations.models import Municipality, Region

# Records that differ in these attributes get different clauses, articles and letters.
DISTINGUISHING = ("origin", "variant", "procedure", "status")


def representatives(model) -> list:
    """The first record of every combination of the distinguishing attributes."""
    seen, chosen = set(), []
    for record in db.session.execute(select(model).order_by(model.id)).scalars():
        key = tuple(getattr(record, name, None) for name in DISTINGUISHING)
        if key not in seen:
            seen.add(key)
            chosen.append(record)
    return chosen


def officer() -> User:
    """A procurement officer: the role that sees every kind (letters included)."""
    return db.session.execute(
        select(User).where(User.role == "procurement").order_by(User.id)
    ).scalar()


def demo_specs():
    """(label, DocumentSpec) for every kind of every representative record, the first
    recipient of each letter kind, and the blank custom-contract format per region."""
    user = officer()
    for name, record_type in REGISTRY.items():
        for record in representatives(record_type.model()):
            for kind in record_type.kinds_for(record, user):
                for param in (kind.params or [{"value": None}])[:1]:
                    extra = {"param": param["value"]} if param["value"] else {}
                    label = f"{name}:{record.id}:{kind.kind}"
                    yield label, kind.build(record, **extra)
    for region in db.session.execute(select(Region).order_by(Region.id)).scalars():
        municipality = db.session.execute(
            select(Municipality).where(Municipality.region_id == region.id).limit(1)
        ).scalar()
        for who in (None, municipality):
            label = f"blank format {region.short_code} {who.name if who else ''}".strip()
            yield label, custom_format_spec(CustomFormat(region=region, municipality=who))


# (label) -> (PDF bytes, Word bytes or None): the demo's documents rendered once per test
# process. Every test that reads them back gets the same demo (restored from one snapshot,
# tests/demo_snapshot.py) and changes nothing first, so a second render would give the
# same bytes; WeasyPrint is most of these tests' time.
_RENDERED: dict[str, tuple[bytes, bytes | None]] = {}


def demo_renders():
    """(label, spec, PDF bytes, Word bytes or None) for every spec of demo_specs()."""
    from procure.documents import operations as ops

    for label, spec in demo_specs():
        if label not in _RENDERED:
            _RENDERED[label] = (ops.render_spec(spec).pdf, ops.docx_for(spec))
        pdf, docx = _RENDERED[label]
        yield label, spec, pdf, docx
