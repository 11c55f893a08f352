"""Demo signals. Region e10 (Een 10 voor de Jeugd, seed 001) gets the supervision list its
2024 annual report describes: 63 signals on the list, 44 new in 2024, of which 11 closed,
2 on providers under heightened supervision, 3 in investigation ourselves, 11 with another
party and 17 on the work queue (see reports.year_overview for the definitions). Its history
continues into 2025 and the current year, which leaves the 2024 figures unchanged.
Region wbo gets a handful of signals. Idempotent: a region that has signals is skipped.

Everything goes through the operations, with `at` set to the historical moment.
"""

from datetime import date, datetime, time, timedelta
from itertools import cycle

from sqlalchemy import select

from procure.auth import operations as auth_ops
from procure.auth.models import User
from procure.contracts.models import Contract
from procure.core.timeutil import AMSTERDAM, today_local
from procure.demo import DEMO_PASSWORD
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.supervision import operations as ops
from procure.supervision.models import Signal

OTHER_PARTIES = cycle(
    [
        "Inspectie Gezondheidszorg en Jeugd (IGJ)",
        "Team rechtmatigheid en fraude gemeente Helmond",
        "Samenwerkingsverband Toezicht Jeugd (GGD Brabant-Zuidoost)",
        "Inlichtingenbureau / Sociale Recherche",
    ]
)
DESCRIPTIONS = {
    "quality": "Het toegangsteam meldt dat behandelplannen niet worden geëvalueerd en dat "
    "de inzet van de behandelaar niet overeenkomt met het plan.",
    "legitimacy": "Gedeclareerde uren sluiten niet aan bij de aanwezigheidsregistratie; "
    "er zijn declaraties over periodes waarin geen zorg is geleverd.",
    "safety": "Signaal over onvoldoende toezicht op de groep in de avonduren.",
    "calamity": "Melding van een calamiteit op een verblijfslocatie; de aanbieder heeft "
    "de IGJ ingelicht.",
    "financial": "De aanbieder heeft de jaarrekening niet tijdig aangeleverd en meldt "
    "liquiditeitsproblemen.",
    "compliance": "Zorg wordt geleverd door een onderaannemer zonder toestemming van de "
    "regio; in strijd met de overeenkomst.",
}
CATEGORY_CYCLE = [
    "quality",
    "legitimacy",
    "compliance",
    "quality",
    "safety",
    "legitimacy",
    "financial",
    "quality",
    "calamity",
    "compliance",
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=AMSTERDAM)


def _user(email: str, name: str | None = None, region: Region | None = None) -> User | None:
    user = db.session.execute(select(User).where(User.email == email)).scalar()
    if user is None and name and region is not None:
        user = auth_ops.create_user(
            email=email,
            name=name,
            role="supervisor",
            password=DEMO_PASSWORD,
            region_id=region.id,
            trusted_password=True,
        )
    return user


class _Builder:
    def __init__(self, region: Region):
        self.region = region
        self.providers = {p.short_code: p for p in db.session.execute(select(Provider)).scalars()}
        self.categories = cycle(CATEGORY_CYCLE)
        self.urgencies = cycle(["normal", "normal", "high", "normal", "urgent", "normal"])
        self.loggers: list[User] = []
        self.supervisors: list[User] = []
        self._sup = None

    def supervisor(self) -> User:
        if self._sup is None:
            self._sup = cycle(self.supervisors)
        return next(self._sup)

    def contract_for(self, provider: Provider, logger: User):
        """The provider's first contract that the logger may see."""
        from procure.contracts.queries import visible

        return db.session.execute(
            visible(select(Contract.id), logger)
            .where(Contract.region_id == self.region.id, Contract.provider_id == provider.id)
            .order_by(Contract.id)
        ).scalar()

    def log(
        self,
        received: date,
        provider_code: str,
        logger: User,
        *,
        category=None,
        source=None,
        with_contract=False,
        confidential=False,
    ) -> Signal:
        provider = self.providers[provider_code]
        category = category or next(self.categories)
        if source is None:
            source = {"municipality": "municipality", "contract_manager": "internal"}.get(
                logger.role, "internal"
            )
        return ops.log_signal(
            actor=logger,
            provider_id=provider.id,
            source=source,
            received_on=received,
            category=category,
            urgency=next(self.urgencies),
            description=DESCRIPTIONS[category],
            contract_id=self.contract_for(provider, logger) if with_contract else None,
            reporter_name={
                "municipality": "Medewerker toegangsteam",
                "citizen": "Ouder van een jeugdige",
            }.get(source),
            reporter_confidential=confidential,
            at=_at(received, 9),
        )


def _logger_cycle(region: Region, names: list[str]) -> cycle:
    users = [
        u
        for u in (_user(f"municipality-{n}.{region.short_code}@example.org") for n in names)
        if u is not None
    ]
    cm = _user(f"contract_manager.{region.short_code}@example.org")
    if cm is not None:
        users.append(cm)
    return cycle(users)


def _triage(b, s, day, decision, **kw):
    sup = b.supervisor()
    motivation = {
        "no_action": "Na navraag bij de aanbieder en het toegangsteam geen "
        "aanleiding voor verder onderzoek.",
        "monitor": "Signaal past in een patroon; we volgen de aanbieder bij de "
        "volgende productieverantwoording.",
        "investigate": "Ernstig signaal over rechtmatigheid; eigen onderzoek.",
        "hand_over": "Valt onder het toezicht van een andere partij.",
    }[decision]
    if decision == "investigate":
        kw.setdefault("investigation_due_on", day + timedelta(days=56))
    if decision == "hand_over":
        kw.setdefault("other_party", next(OTHER_PARTIES))
        kw.setdefault("follow_up_on", day + timedelta(days=42))
    if decision == "monitor":
        kw.setdefault("follow_up_on", day + timedelta(days=90))
    ops.assign(s, actor=sup, assignee=sup)
    ops.triage(s, actor=sup, decision=decision, motivation=motivation, at=_at(day, 14), **kw)
    return sup


def _close(
    s,
    sup,
    day,
    outcome="Afgehandeld: de aanbieder heeft de tekortkomingen "
    "hersteld; verantwoordingsgesprek gevoerd.",
):
    ops.close(s, actor=sup, outcome=outcome, at=_at(day, 16))


def load_e10(region: Region) -> None:
    b = _Builder(region)
    b.supervisors = [
        _user("supervisor.e10@example.org"),
        _user("toezichthouder2.e10@example.org", "Toezichthouder E10 (Peel)", region),
    ]
    b.supervisors = [u for u in b.supervisors if u is not None]
    loggers = _logger_cycle(
        region,
        [
            "helmond",
            "deurne",
            "veldhoven",
            "gemert-bakel",
            "geldrop-mierlo",
            "someren",
            "asten",
            "laarbeek",
            "nuenen",
            "son-en-breugel",
            "waalre",
        ],
    )
    general = cycle(
        [
            "baken",
            "brug",
            "vlinder",
            "kinderkracht",
            "zonnehoek",
            "wegwijzer",
            "kompas",
            "linde",
            "gezinsplein",
        ]
    )

    # 19 signals from 2023 still open on 1 January 2024 (on the 2024 list, not new).
    for i in range(19):
        received = date(2023, 6, 5) + timedelta(days=10 * i)
        code = ["horizon", "stapsteen"][i % 2] if i < 4 else next(general)
        s = b.log(received, code, next(loggers))
        if i < 7:
            sup = _triage(b, s, received + timedelta(days=4), "hand_over")
        elif i < 12:
            sup = _triage(b, s, received + timedelta(days=5), "investigate")
            _close(s, sup, date(2024, 3, 1) + timedelta(days=20 * (i - 7)))
        elif i < 16:
            _triage(b, s, received + timedelta(days=3), "monitor")
        else:
            _triage(b, s, date(2024, 1, 8) + timedelta(days=i - 16), "monitor")

    # 44 new signals in 2024.
    new_2024 = []
    # 11 closed by the end of 2024
    for i in range(4):
        received = date(2024, 1, 15) + timedelta(days=75 * i)
        s = b.log(received, next(general), next(loggers))
        _triage(b, s, received + timedelta(days=3), "no_action")
        new_2024.append(s)
    for i in range(4):
        received = date(2024, 1, 22) + timedelta(days=45 * i)
        s = b.log(received, ["horizon", next(general)][i % 2], next(loggers), with_contract=True)
        sup = _triage(b, s, received + timedelta(days=4), "investigate")
        ops.add_note(
            s,
            actor=sup,
            kind="finding",
            at=_at(received + timedelta(days=30)),
            text="Dossieronderzoek bij de aanbieder: registratie op orde gebracht.",
        )
        _close(s, sup, received + timedelta(days=60))
        new_2024.append(s)
    for i in range(3):
        received = date(2024, 2, 12) + timedelta(days=40 * i)
        s = b.log(received, next(general), next(loggers))
        sup = _triage(b, s, received + timedelta(days=5), "hand_over")
        _close(
            s,
            sup,
            received + timedelta(days=100),
            "De andere partij heeft het onderzoek afgerond; geen verdere actie van de regio.",
        )
        new_2024.append(s)
    # 2 signals on the providers put under heightened supervision
    heightened = []
    for code, received, start, review in (
        ("horizon", date(2024, 3, 18), date(2024, 5, 1), date(2025, 5, 1)),
        ("stapsteen", date(2024, 8, 12), date(2024, 9, 16), date(2025, 3, 17)),
    ):
        s = b.log(received, code, next(loggers), category="quality", with_contract=True)
        sup = _triage(b, s, received + timedelta(days=3), "investigate")
        ops.impose_measure(
            s,
            actor=sup,
            kind="improvement_plan",
            description="Verbeterplan kwaliteit en dossiervoering, met "
            "maandelijkse voortgangsrapportage.",
            due_on=start + timedelta(days=120),
            at=_at(start - timedelta(days=1)),
        )
        ops.impose_measure(
            s,
            actor=sup,
            kind="client_stop",
            description="Geen nieuwe cliënten tot het verbeterplan is goedgekeurd.",
            due_on=start + timedelta(days=180),
            at=_at(start - timedelta(days=1)),
        )
        period = ops.start_heightened(
            b.providers[code],
            actor=sup,
            start_on=start,
            review_on=review,
            reason="Meerdere signalen over kwaliteit en veiligheid; "
            "verbeterplan en cliëntenstop opgelegd.",
        )
        heightened.append((s, sup, period))
        new_2024.append(s)
    # 3 in investigation ourselves
    for i in range(3):
        received = date(2024, 9, 9) + timedelta(days=21 * i)
        s = b.log(received, next(general), next(loggers), category="legitimacy")
        _triage(
            b,
            s,
            received + timedelta(days=4),
            "investigate",
            investigation_due_on=date(2025, 3, 31),
        )
        new_2024.append(s)
    # 11 with another party
    with_other = []
    for i in range(11):
        received = date(2024, 2, 5) + timedelta(days=26 * i)
        s = b.log(received, next(general), next(loggers))
        sup = _triage(b, s, received + timedelta(days=4), "hand_over")
        with_other.append((s, sup))
        new_2024.append(s)
    # 17 on the work queue: 12 awaiting triage, 5 triaged to monitor
    waiting = []
    for i in range(12):
        received = date(2024, 10, 7) + timedelta(days=7 * i)
        s = b.log(received, next(general), next(loggers))
        waiting.append(s)
        new_2024.append(s)
    for i in range(5):
        received = date(2024, 4, 8) + timedelta(days=35 * i)
        s = b.log(received, next(general), next(loggers))
        _triage(
            b,
            s,
            received + timedelta(days=3),
            "monitor",
            follow_up_on=date(2025, 1, 15) + timedelta(days=14 * i),
        )
        new_2024.append(s)
    # one duplicate of an earlier 2024 signal, merged the same week: counted nowhere
    dup = b.log(date(2024, 10, 8), waiting[0].provider.short_code, next(loggers))
    ops.merge(
        dup,
        into=waiting[0],
        actor=b.supervisors[0],
        at=_at(date(2024, 10, 10)),
        reason="Zelfde gebeurtenis, gemeld door een tweede gemeente.",
    )

    # 2025: the queue is triaged, other parties report back, horizon leaves heightened
    # supervision; none of this changes the 2024 figures.
    for i, s in enumerate(waiting):
        day = date(2025, 1, 7) + timedelta(days=i)
        decision = ("no_action", "investigate", "monitor")[i % 3]
        sup = _triage(b, s, day, decision)
        if decision == "investigate" and i < 6:
            _close(s, sup, day + timedelta(days=50))
    for s, sup in with_other[:5]:
        _close(
            s,
            sup,
            date(2025, 4, 1) + timedelta(days=s.id % 20),
            "Rapport van de andere partij ontvangen; maatregelen door die partij "
            "opgelegd, regio volgt via contractmanagement.",
        )
    s, sup, period = heightened[0]
    for m in s.measures:
        ops.complete_measure(
            m,
            actor=sup,
            at=_at(date(2025, 5, 20)),
            result="Verbeterplan uitgevoerd en bij controle op orde bevonden.",
        )
    _close(s, sup, date(2025, 6, 10))
    ops.end_heightened(
        period,
        actor=sup,
        ended_on=date(2025, 6, 15),
        reason="Evaluatie positief: verbeterplan uitgevoerd.",
    )

    # This year: fresh signals on the work queue (relative to today).
    today = today_local()
    for i, back in enumerate((2, 5, 9, 16, 30)):
        received = today - timedelta(days=back)
        s = b.log(
            received,
            next(general),
            next(loggers),
            confidential=i == 1,
            source="citizen" if i == 1 else None,
        )
        if i == 4:
            _triage(
                b,
                s,
                received + timedelta(days=3),
                "investigate",
                investigation_due_on=today + timedelta(days=30),
            )


def load_wbo(region: Region) -> None:
    b = _Builder(region)
    b.supervisors = [u for u in [_user("supervisor.wbo@example.org")] if u is not None]
    loggers = _logger_cycle(region, ["breda", "oosterhout", "altena"])
    today = today_local()
    specs = [
        ("kompas", 40, "quality", None),
        ("linde", 25, "legitimacy", "hand_over"),
        ("gezinsplein", 12, "safety", "investigate"),
        ("wegwijzer", 6, "compliance", None),
        ("kompas", 3, "calamity", None),
    ]
    for i, (code, back, category, decision) in enumerate(specs):
        received = today - timedelta(days=back)
        s = b.log(
            received,
            code,
            next(loggers),
            category=category,
            with_contract=True,
            confidential=i == 3,
            source="citizen" if i == 3 else None,
        )
        if decision and b.supervisors:
            _triage(
                b,
                s,
                received + timedelta(days=2),
                decision,
                investigation_due_on=today + timedelta(days=40),
                follow_up_on=today + timedelta(days=20),
            )


def load() -> None:
    for code, loader in (("e10", load_e10), ("wbo", load_wbo)):
        region = db.session.execute(select(Region).filter_by(short_code=code)).scalar()
        if region is None:
            continue
        if db.session.execute(select(Signal.id).where(Signal.region_id == region.id)).first():
            continue
        loader(region)
        db.session.commit()
