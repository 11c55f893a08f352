from sqlalchemy import func, select

from procure import demo
from procure.auth.models import User
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region
from tests.factories import login


def _counts():
    return tuple(
        db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Region, Municipality, Provider, User)
    )


def _all_rows() -> dict[str, int]:
    """Rows per table: a second run of the demo adds nothing anywhere."""
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def test_demo_loads_seed_regions_is_idempotent_and_logs_in_with_one_hash(app, client):
    """One `flask demo` run (loading the demo is slow): the regions of the seeds, the
    shared password printed and hashed once for all users, a second run adds no row to any
    table (the domains' demo tests rely on it and run the demo only once)."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert demo.DEMO_PASSWORD in result.output
    hashes = db.session.execute(select(func.count(func.distinct(User.password_hash)))).scalar()
    assert _counts()[3] > 40 and hashes == 1
    assert (
        not db.session.execute(select(User.password_hash)).scalar().startswith("pbkdf2:sha256:1$")
    )
    response = login(client, "procurement.wbo@example.org", demo.DEMO_PASSWORD)
    assert response.status_code == 302
    first = _all_rows()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    second = _all_rows()
    assert {t: (n, second[t]) for t, n in first.items() if second[t] != n} == {}

    regions = {r.short_code: r for r in db.session.execute(select(Region)).scalars()}
    # Noordoost-Brabant comes from the finance demo (seed 004; it names one municipality).
    assert set(regions) == {"wbo", "e10", "svj", "nob"}
    assert [m.name for m in regions["nob"].municipalities] == ["Vught"]
    assert [m.name for m in regions["wbo"].municipalities] == [
        "Altena",
        "Breda",
        "Drimmelen",
        "Geertruidenberg",
        "Oosterhout",
    ]
    assert len(regions["e10"].municipalities) == 11
    assert len(regions["svj"].municipalities) == 10
    providers = db.session.execute(select(Provider)).scalars().all()
    # Thirteen providers of the seeds' stories and the fictional sample of Een 10 voor de
    # Jeugd's agreement (procure.organisations.demo), in an obviously fictional KvK range.
    sample = [p for p in providers if p.short_code.startswith("e10-")]
    assert len(providers) == 13 + len(sample) and 25 <= len(sample) + 6 <= 40
    assert all(p.kvk_number.isdigit() and len(p.kvk_number) == 8 for p in providers)
    assert all(p.kvk_number.startswith("902") for p in sample)

    emails = set(db.session.execute(select(User.email)).scalars())
    for code in ("wbo", "e10", "svj"):
        for role in ("admin", "procurement", "contract_manager", "supervisor"):
            assert f"{role}.{code}@example.org" in emails
    assert "municipality-breda.wbo@example.org" in emails
    assert "provider.kompas@example.org" in emails
    assert "provider.e10-duinroos@example.org" in emails
    assert "accounthouder-s1.e10@example.org" in emails
