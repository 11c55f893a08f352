"""Pure SAS logic without database writes: EMVI arithmetic, ranks per lot, the legal award
options under the lot rules, and date helpers. Operations and views both use it."""

import itertools
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from procure.core.errors import ValidationFailed

HUNDRED = Decimal("100")
TWO = Decimal("0.01")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def check_weights(weights) -> None:
    """EMVI weights must be positive and sum to exactly 100 %."""
    weights = [Decimal(str(w)) for w in weights]
    if not weights:
        raise ValidationFailed(_l("Leg ten minste één gunningscriterium vast."),
                               field="criteria")
    if any(w <= 0 for w in weights):
        raise ValidationFailed(_l("Elk gewicht moet groter dan 0 % zijn."), field="weight")
    total = sum(weights, Decimal("0"))
    if total != HUNDRED:
        raise ValidationFailed(
            _l("De gewichten van de gunningscriteria tellen op tot %(total)s %%, niet tot "
               "100 %%.", total=total.normalize()), field="weight")


def check_score(score, scale_max: int) -> Decimal:
    try:
        value = Decimal(str(score))
    except Exception:
        raise ValidationFailed(_l("Vul een getal in als score."), field="score") from None
    if not value.is_finite() or value < 0 or value > scale_max:
        raise ValidationFailed(
            _l("De score moet tussen 0 en %(max)s liggen.", max=scale_max), field="score")
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def price_score(price: Decimal, lowest: Decimal, scale_max: int) -> Decimal:
    """Relative price score: the lowest price gets the full scale."""
    if price <= 0:
        return Decimal(scale_max)
    return (Decimal(scale_max) * lowest / price).quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_total(scores: dict[int, Decimal], weights: dict[int, Decimal],
                   scale_max: int) -> Decimal:
    """Points out of 100: sum over criteria of score / scale x weight."""
    total = sum((Decimal(scores[c]) / Decimal(scale_max) * Decimal(weights[c])
                 for c in weights), Decimal("0"))
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class Ranked:
    bid_id: int
    provider_id: int
    total: Decimal
    rank: int = 0
    tied: bool = False


def rank(entries: list[Ranked]) -> list[Ranked]:
    """Competition ranking (1, 1, 3): equal totals share a rank and are marked as a tie."""
    ordered = sorted(entries, key=lambda e: (-e.total, e.provider_id))
    for index, entry in enumerate(ordered):
        if index and entry.total == ordered[index - 1].total:
            entry.rank = ordered[index - 1].rank
        else:
            entry.rank = index + 1
    counts: dict[int, int] = {}
    for entry in ordered:
        counts[entry.rank] = counts.get(entry.rank, 0) + 1
    for entry in ordered:
        entry.tied = counts[entry.rank] > 1
    return ordered


@dataclass
class AwardOption:
    """One legal assignment lot_id -> provider_id (None: the lot is not awarded)."""

    winners: dict[int, int | None] = field(default_factory=dict)

    def key(self) -> str:
        return ",".join(f"{lot}:{prov or 0}" for lot, prov in sorted(self.winners.items()))


def legal_options(rankings: dict[int, list[Ranked]], groups: list[set[int]]) -> list[AwardOption]:
    """All legal assignments of one winner per lot.

    Legal: each provider wins at most one lot within every "different parties" group, and
    nobody is passed over without reason: every bidder ranked strictly better than a lot's
    winner wins another lot of a group containing that lot. Ties at the top therefore give
    several options and the officer chooses. A lot is left unawarded only when it has no bids
    or every bidder on it wins another lot of its group.
    """
    lot_ids = sorted(rankings)
    choices = [[*rankings[lot], None] for lot in lot_ids]
    options: list[AwardOption] = []
    for combo in itertools.product(*choices):
        chosen = dict(zip(lot_ids, combo, strict=True))
        winners = {lot: (e.provider_id if e else None) for lot, e in chosen.items()}
        if not _respects_groups(winners, groups):
            continue
        if not _nobody_passed_over(winners, rankings, groups, chosen):
            continue
        options.append(AwardOption(winners))
    return options


def _respects_groups(winners: dict, groups: list[set[int]]) -> bool:
    for group in groups:
        chosen = [winners[lot] for lot in group if winners.get(lot)]
        if len(chosen) != len(set(chosen)):
            return False
    return True


def _nobody_passed_over(winners, rankings, groups, chosen) -> bool:
    for lot, entry in chosen.items():
        for other in rankings[lot]:
            if entry is not None and other.rank >= entry.rank:
                continue
            excused = any(lot in group and any(winners.get(g) == other.provider_id
                                               for g in group if g != lot)
                          for group in groups)
            if not excused:
                return False
    return True


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
