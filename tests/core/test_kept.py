"""procure.core.kept: statements kept per scope, and read() on the session's connection."""

from sqlalchemy import bindparam, select

from procure.core.kept import kept, read, scope_key
from procure.extensions import db
from procure.organisations.models import Provider
from tests import factories as f

NAMES = select(Provider.name).where(Provider.name.like(bindparam("pattern")))


def test_read_sees_what_the_session_has_not_flushed_yet(app):
    db.session.add(
        Provider(name="Jeugdhulp De Brug Altena", short_code="brug-altena", kvk_number="12345678")
    )
    # the session's own execute autoflushes; read() must as well
    assert read(NAMES, {"pattern": "%De Brug Altena"}).scalars().all() == [
        "Jeugdhulp De Brug Altena"
    ]


def test_kept_builds_once_per_key_and_scope_keys_differ_by_region_and_role(app):
    wbo, e10 = f.user("contract_manager"), f.user("contract_manager", region_code="e10")
    supervisor = f.user("supervisor")
    assert len({scope_key(wbo), scope_key(e10), scope_key(supervisor)}) == 3
    built = []

    def build():
        built.append(1)
        return NAMES

    for _ in range(3):
        assert kept(("test names", *scope_key(wbo)), build) is NAMES
    kept(("test names", *scope_key(e10)), build)
    assert len(built) == 2


def test_a_store_is_bounded_and_blank_forms_have_their_own(app):
    """A Store builds once per key and is cleared when full; the blank forms' HTML (a key
    per contract's choices) is kept apart, so many contracts never push statements out."""
    from procure.core import blank
    from procure.core import kept as kept_module
    from procure.core.kept import Store

    store, built = Store(2), []
    for key in ("a", "a", "b", "c", "a"):
        store.get(key, lambda key=key: built.append(key) or key)
    assert built == ["a", "b", "c", "a"]  # full at "c": cleared, "a" built again
    assert blank._html is not kept_module._statements
