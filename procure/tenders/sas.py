"""Pure SAS logic without database writes: EMVI arithmetic, ranks per lot, the legal award
options under the lot rules, and date helpers. Operations and views both use it."""

import itertools
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from procure.core.errors import ValidationFailed
from procure.core.formatting import percent

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
        raise ValidationFailed(_l("Leg ten minste één gunningscriterium vast."), field="criteria")
    if any(w <= 0 for w in weights):
        raise ValidationFailed(_l("Elk gewicht moet groter dan 0 % zijn."), field="weight")
    total = sum(weights, Decimal("0"))
    if total != HUNDRED:
        raise ValidationFailed(
            _l(
                "De gewichten van de gunningscriteria tellen op tot %(total)s, niet tot 100 %%.",
                total=percent(total),
            ),
            field="weight",
        )


def check_score(score, scale_max: int) -> Decimal:
    try:
        value = Decimal(str(score))
    except Exception:
        raise ValidationFailed(_l("Vul een getal in als score."), field="score") from None
    if not value.is_finite() or value < 0 or value > scale_max:
        raise ValidationFailed(
            _l("De score moet tussen 0 en %(max)s liggen.", max=scale_max), field="score"
        )
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def price_score(price: Decimal, lowest: Decimal, scale_max: int) -> Decimal:
    """Relative price score: the lowest price gets the full scale. Not rounded: only the
    weighted total is rounded (to the cent), so rounding never decides a rank alone."""
    if price <= 0:
        return Decimal(scale_max)
    return Decimal(scale_max) * lowest / price


def weighted_total(
    scores: dict[int, Decimal], weights: dict[int, Decimal], scale_max: int
) -> Decimal:
    """Points out of 100: sum over criteria of score / scale x weight."""
    total = sum(
        (Decimal(scores[c]) / Decimal(scale_max) * Decimal(weights[c]) for c in weights),
        Decimal("0"),
    )
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class Ranked:
    bid_id: int
    provider_id: int
    total: Decimal
    rank: int = 0
    tied: bool = False
    # criterion id -> the score the total was computed from (price scores included)
    scores: dict[int, Decimal] = field(default_factory=dict)


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
    """One legal assignment: lot_id -> the providers winning it (empty: not awarded)."""

    winners: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def key(self) -> str:
        return ",".join(
            f"{lot}:{'+'.join(map(str, provs)) or 0}" for lot, provs in sorted(self.winners.items())
        )


def normalise_winners(value) -> tuple[int, ...]:
    if value is None or value == 0:
        return ()
    if isinstance(value, int):
        return (value,)
    return tuple(sorted(int(v) for v in value if v))


def legal_options(
    rankings: dict[int, list[Ranked]],
    groups: list[set[int]],
    capacity: dict[int, int] | None = None,
    party: dict[int, int] | None = None,
) -> list[AwardOption]:
    """All legal assignments of up to `capacity[lot]` winners per lot (default one).

    Legal: each party wins at most one lot within every "different parties" group, and
    nobody is passed over without reason: a bidder left out while a lot still has room, or
    ranked strictly better than one of the lot's winners, must belong to a party that wins
    another lot of a group containing that lot. Ties at the boundary therefore give several
    options and the officer chooses. A lot is left (partly) unawarded only when it has too
    few bids or its bidders' parties win another lot of its group.

    `party` maps a provider to its party: a consortium and its members are one party
    (seed 003, 5.3.3); providers missing from it are a party of their own.
    """
    capacity = capacity or {}
    party = party or {}
    lot_ids = sorted(rankings)
    grouped = set().union(*groups) if groups else set()
    per_lot = []
    for lot in lot_ids:
        k = max(1, capacity.get(lot, 1))
        entries = rankings[lot]
        if lot in grouped:
            others = sum(
                max(1, capacity.get(g, 1))
                for group in groups
                if lot in group
                for g in group
                if g != lot
            )
            pool = _pool(entries, k + others, party)
            sets = [
                combo
                for size in range(min(k, len(pool)), -1, -1)
                for combo in itertools.combinations(pool, size)
            ]
        else:
            sets = _top_sets(entries, k)
        per_lot.append(sets)
    options: list[AwardOption] = []
    for combo in itertools.product(*per_lot):
        winners = {
            lot: tuple(sorted(e.provider_id for e in chosen))
            for lot, chosen in zip(lot_ids, combo, strict=True)
        }
        if group_conflicts(winners, groups, party):
            continue
        if not _nobody_passed_over(winners, rankings, groups, capacity, party):
            continue
        options.append(AwardOption(winners))
    return options


def _top_sets(entries: list[Ranked], k: int) -> list[tuple]:
    """The best k bidders; with a tie at the boundary every way of filling the last places."""
    if len(entries) <= k:
        return [tuple(entries)]
    boundary = entries[k - 1].rank
    mandatory = tuple(e for e in entries if e.rank < boundary)
    tied = [e for e in entries if e.rank == boundary]
    return [mandatory + combo for combo in itertools.combinations(tied, k - len(mandatory))]


def _pool(entries: list[Ranked], parties_needed: int, party: dict[int, int]) -> list[Ranked]:
    """The best bidders until `parties_needed` different parties are in, plus ties."""
    seen: set[int] = set()
    pool: list[Ranked] = []
    for entry in entries:
        if len(seen) >= parties_needed and entry.rank > pool[-1].rank:
            break
        pool.append(entry)
        seen.add(party.get(entry.provider_id, entry.provider_id))
    return pool


@dataclass(frozen=True)
class GroupConflict:
    """Two lots of one "different parties" group won by the same party."""

    lot_id: int
    provider_id: int
    other_lot_id: int
    other_provider_id: int


def group_conflicts(
    winners: dict, groups: list[set[int]], party: dict[int, int] | None = None
) -> list[GroupConflict]:
    party = party or {}
    conflicts = []
    for group in groups:
        seen: dict[int, tuple[int, int]] = {}
        for lot in sorted(group):
            for provider in winners.get(lot, ()):
                key = party.get(provider, provider)
                if key in seen:
                    conflicts.append(GroupConflict(*seen[key], lot, provider))
                else:
                    seen[key] = (lot, provider)
    return conflicts


def _nobody_passed_over(winners, rankings, groups, capacity, party) -> bool:
    for lot, entries in rankings.items():
        chosen = set(winners[lot])
        full = len(chosen) >= max(1, capacity.get(lot, 1))
        worst = max((e.rank for e in entries if e.provider_id in chosen), default=None)
        for other in entries:
            if other.provider_id in chosen:
                continue
            if full and worst is not None and other.rank >= worst:
                continue
            excused = any(
                lot in group
                and any(
                    party.get(p, p) == party.get(other.provider_id, other.provider_id)
                    for g in group
                    if g != lot
                    for p in winners.get(g, ())
                )
                for group in groups
            )
            if not excused:
                return False
    return True


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
