"""Builders for supervision tests (signals through the operations, as users would)."""

from datetime import date, datetime, time, timedelta

from procure.core.timeutil import AMSTERDAM, today_local
from procure.supervision import operations as ops
from tests import factories as f

TODAY = today_local

TEXT = "Declaraties sluiten niet aan bij de geleverde zorg volgens het toegangsteam."


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


def signal(actor, provider=None, *, received=None, when=None, **kw):
    provider = provider or f.provider("kompas", "Stichting Kompas Jeugdhulp")
    received = received or today_local() - timedelta(days=3)
    values = {"source": "municipality", "category": "legitimacy", "description": TEXT}
    values.update(kw)
    return ops.log_signal(
        actor=actor, provider_id=provider.id, received_on=received, at=when, **values
    )


class World:
    """Two regions, providers and one user per role used by the tests."""

    def __init__(self):
        self.kompas = f.provider("kompas", "Stichting Kompas Jeugdhulp")
        self.linde = f.provider("linde", "De Linde Jeugd en Gezin")
        self.supervisor = f.user("supervisor", "wbo", email="toezicht@wbo.example.org")
        self.supervisor2 = f.user("supervisor", "wbo", email="toezicht2@wbo.example.org")
        self.manager = f.user("contract_manager", "wbo", email="cm@wbo.example.org")
        self.admin = f.user("admin", "wbo", email="admin@wbo.example.org")
        self.breda = f.user(
            "municipality", "wbo", email="breda@wbo.example.org", municipality_name="Breda"
        )
        self.breda2 = f.user(
            "municipality", "wbo", email="breda2@wbo.example.org", municipality_name="Breda"
        )
        self.oosterhout = f.user(
            "municipality",
            "wbo",
            email="oosterhout@wbo.example.org",
            municipality_name="Oosterhout",
        )
        self.procurement = f.user("procurement", "wbo", email="inkoop@wbo.example.org")
        self.other_supervisor = f.user("supervisor", "e10", email="toezicht@e10.example.org")
        self.other_manager = f.user("contract_manager", "e10", email="cm@e10.example.org")
        self.provider_user = f.user("provider", provider_code="kompas", email="kompas@example.org")
