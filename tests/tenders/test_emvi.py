"""EMVI arithmetic: weights sum to 100 %, scores on the scale, weighted totals, ranks, ties,
and the legal award options under the lot rules."""

from decimal import Decimal

import pytest

from procure.core.errors import ValidationFailed
from procure.tenders import sas
from procure.tenders.sas import Ranked


@pytest.mark.parametrize("weights", [[40, 30, 20], [50, 50, 1], [100, 0], []])
def test_weights_must_sum_to_exactly_100(app, weights):
    with pytest.raises(ValidationFailed):
        sas.check_weights(weights)


def test_weights_of_100_with_decimals_are_accepted(app):
    sas.check_weights([Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])


@pytest.mark.parametrize("score", ["-0.01", "10.01", "11", "abc", "NaN", "Infinity"])
def test_scores_outside_the_scale_are_refused(app, score):
    with pytest.raises(ValidationFailed):
        sas.check_score(score, 10)


def test_score_on_the_boundaries_is_accepted(app):
    assert sas.check_score("0", 10) == Decimal("0.00")
    assert sas.check_score("10", 10) == Decimal("10.00")
    assert sas.check_score("7.255", 10) == Decimal("7.26")


def test_weighted_total_is_exact():
    # 8/10*40 + 6/10*30 + 7/10*30 = 32 + 18 + 21 = 71
    total = sas.weighted_total(
        {1: Decimal(8), 2: Decimal(6), 3: Decimal(7)},
        {1: Decimal(40), 2: Decimal(30), 3: Decimal(30)},
        10,
    )
    assert total == Decimal("71.00")
    # thirds round half up to the cent: 1/3 * 100 = 33.33
    assert sas.weighted_total({1: Decimal(1)}, {1: Decimal(100)}, 3) == Decimal("33.33")


def test_price_score_is_relative_to_the_lowest_price():
    assert sas.price_score(Decimal("1000"), Decimal("1000"), 10) == Decimal("10.00")
    assert sas.price_score(Decimal("1250"), Decimal("1000"), 10) == Decimal("8.00")
    # unrounded: 100/120 of the scale; 8.33 would make a 30 % price criterion 24.99
    third = sas.price_score(Decimal("120"), Decimal("100"), 10)
    assert sas.weighted_total({1: third}, {1: Decimal(30)}, 10) == Decimal("25.00")


def test_ties_share_a_rank_and_are_reported():
    ranked = sas.rank(
        [
            Ranked(1, 11, Decimal("71.00")),
            Ranked(2, 12, Decimal("71.00")),
            Ranked(3, 13, Decimal("65.50")),
        ]
    )
    assert [(r.provider_id, r.rank, r.tied) for r in ranked] == [
        (11, 1, True),
        (12, 1, True),
        (13, 3, False),
    ]


def test_breda_rule_gives_the_officer_the_legal_options():
    # Kompas (1) tops both Breda lots (2 and 3); Linde (2) is second on both.
    rankings = {
        20: sas.rank([Ranked(1, 1, Decimal("80")), Ranked(2, 2, Decimal("70"))]),
        30: sas.rank([Ranked(3, 1, Decimal("78")), Ranked(4, 2, Decimal("75"))]),
    }
    options = {tuple(sorted(o.winners.items())) for o in sas.legal_options(rankings, [{20, 30}])}
    assert options == {((20, (1,)), (30, (2,))), ((20, (2,)), (30, (1,)))}
    # Without the rule only one outcome is legal: Kompas wins both.
    plain = [o.winners for o in sas.legal_options(rankings, [])]
    assert plain == [{20: (1,), 30: (1,)}]


def test_a_tie_at_the_top_gives_both_options():
    rankings = {
        5: sas.rank(
            [Ranked(1, 1, Decimal("70")), Ranked(2, 2, Decimal("70")), Ranked(3, 3, Decimal("60"))]
        )
    }
    winners = sorted(o.winners[5] for o in sas.legal_options(rankings, []))
    assert winners == [(1,), (2,)]


def test_lot_left_unawarded_only_when_its_only_bidder_wins_the_other_lot():
    rankings = {
        20: sas.rank([Ranked(1, 1, Decimal("80"))]),
        30: sas.rank([Ranked(2, 1, Decimal("90"))]),
    }
    options = {o.key() for o in sas.legal_options(rankings, [{20, 30}])}
    assert options == {"20:1,30:0", "20:0,30:1"}
    assert [o.winners for o in sas.legal_options({20: []}, [])] == [{20: ()}]


def test_lot_with_several_partners_takes_the_best_and_reports_a_boundary_tie():
    # seed 003: specialist ambulant treatment may have up to 20 partners; here 2 on a lot
    entries = sas.rank(
        [
            Ranked(1, 1, Decimal("90")),
            Ranked(2, 2, Decimal("80")),
            Ranked(3, 3, Decimal("80")),
            Ranked(4, 4, Decimal("60")),
        ]
    )
    options = sorted(o.winners[7] for o in sas.legal_options({7: entries}, [], {7: 2}))
    assert options == [(1, 2), (1, 3)]
    three = [o.winners[7] for o in sas.legal_options({7: entries}, [], {7: 3})]
    assert three == [(1, 2, 3)]
    everyone = [o.winners[7] for o in sas.legal_options({7: entries}, [], {7: 20})]
    assert everyone == [(1, 2, 3, 4)]
