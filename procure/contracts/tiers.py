"""The three tiers of contract management of seed 001 (Een 10 voor de Jeugd, 2024), without
database writes: meeting norms, the topics of a meeting, the tier a provider's risk and
turnover point to, and when a provider falls behind its norm.

- intensive supplier management (leveranciersmanagement): the strategic partners, 3 to 4
  meetings a year with the contract manager and the segment's account holder;
- proactive contract management: 2 to 3 meetings a year, often at the provider, about the
  production delivered, finances, annual accounts and the cooperation with the access
  teams and legal referrers;
- reactive contract management: on signals and ad hoc situations, no fixed meetings.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from procure.contracts.models import MANAGEMENT_LEVELS

MEETING_TOPICS = {
    "production": _l("Geleverde productie"),
    "finances": _l("Financiën"),
    "annual_accounts": _l("Jaarrekening"),
    "cooperation": _l("Samenwerking met toegangsteams en wettelijk verwijzers"),
    "ambitions": _l("Ambities en doelen"),
}
RISKS = ("low", "medium", "high")
RISK_LABELS = {"low": _l("Laag"), "medium": _l("Midden"), "high": _l("Hoog")}


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    meetings_min: int
    meetings_max: int
    topics: tuple[str, ...]

    @property
    def max_gap_months(self) -> int | None:
        """The longest time between two meetings that still reaches the yearly minimum."""
        return 12 // self.meetings_min if self.meetings_min else None

    @property
    def norm_label(self) -> str:
        if not self.meetings_min:
            return str(_l("op signalen"))
        return str(
            _l("%(min)d tot %(max)d keer per jaar", min=self.meetings_min, max=self.meetings_max)
        )


_ALL = tuple(MEETING_TOPICS)
TIERS = {
    "intensive": Tier("intensive", _l("Intensief leveranciersmanagement"), 3, 4, _ALL),
    "proactive": Tier("proactive", _l("Proactief contractmanagement"), 2, 3, _ALL[:4]),
    "reactive": Tier("reactive", _l("Reactief contractmanagement"), 0, 0, ()),
}
assert tuple(TIERS) == MANAGEMENT_LEVELS

# The turnover (yearly contract value in the region) from which a provider is a candidate
# for the proactive and the intensive tier; risk "high" is always intensive.
PROACTIVE_TURNOVER = Decimal("500000")
INTENSIVE_TURNOVER = Decimal("5000000")


def suggest_tier(turnover: Decimal, risk: str) -> str:
    """The tier that contract risks and turnover point to (seed 001: "door
    contractrisico's, de omzet en de productie in kaart te brengen")."""
    if risk == "high" or turnover >= INTENSIVE_TURNOVER:
        return "intensive"
    if risk == "medium" or turnover >= PROACTIVE_TURNOVER:
        return "proactive"
    return "reactive"


def norm_due(level: str, last_meeting: date | None, since: date | None) -> date | None:
    """The day by which the next meeting must have been held to stay within the norm:
    the last meeting (or the day the tier was set) plus the longest allowed gap."""
    gap = TIERS[level].max_gap_months if level in TIERS else None
    start = last_meeting or since
    if gap is None or start is None:
        return None
    return start + relativedelta(months=gap)


def is_behind(level: str, last_meeting: date | None, since: date | None, today: date) -> bool:
    due = norm_due(level, last_meeting, since)
    return due is not None and due < today


def missing_topics(level: str, topics: list[str]) -> list[str]:
    return [t for t in TIERS[level].topics if t not in topics] if level in TIERS else []
