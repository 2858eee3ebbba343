"""Keele STarT Back scoring at every cut-off."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.coach.screening import score_startback


def answers(agree: set[int], bother: int = 0) -> tuple:
    """Items 1-8 agreed when their number is in `agree`; item 9 as given."""
    return (*(n in agree for n in range(1, 9)), bother)


def test_not_given_scores_nothing():
    assert score_startback(None) is None


@pytest.mark.parametrize(
    ("agree", "bother", "total", "psychosocial"),
    [
        (set(), 0, 0, 0),
        ({1, 2, 3, 4}, 2, 4, 0),
        ({1, 2, 3, 4, 5, 6, 7, 8}, 4, 9, 5),
        ({5}, 2, 1, 1),
        ({5}, 3, 2, 2),  # "very much" counts
        ({5}, 4, 2, 2),  # "extremely" counts
    ],
)
def test_totals_count_items_one_to_eight_and_bothersome_item_nine(
    agree, bother, total, psychosocial
):
    score = score_startback(answers(agree, bother))
    assert (score.total, score.psychosocial) == (total, psychosocial)


@pytest.mark.parametrize(
    ("agree", "bother", "risk"),
    [
        ({1, 2, 3}, 2, "low"),  # total 3: the top of low risk
        ({5, 6, 7}, 3, "high"),  # 3 agreed + bothersome item 9: total 4, subscale 4
        ({1, 2, 3, 4}, 0, "medium"),  # total 4, subscale 0
        ({1, 5, 6, 7}, 0, "medium"),  # total 4, subscale 3
        ({5, 6, 7, 8}, 0, "high"),  # total 4, subscale 4: the bottom of high risk
        ({1, 2, 5, 6, 7}, 3, "high"),  # subscale 4 through item 9
        ({1, 2, 3, 5, 6, 7}, 2, "medium"),  # item 9 "moderately" does not count
    ],
)
def test_risk_groups_at_their_edges(agree, bother, risk):
    assert score_startback(answers(agree, bother)).risk == risk


@given(st.lists(st.booleans(), min_size=8, max_size=8), st.integers(0, 4))
def test_scores_stay_in_range_and_low_risk_means_total_at_most_three(items, bother):
    score = score_startback((*items, bother))
    assert 0 <= score.psychosocial <= 5
    assert 0 <= score.total <= 9
    assert score.psychosocial <= score.total
    assert (score.risk == "low") == (score.total <= 3)
    if score.risk == "high":
        assert score.psychosocial >= 4
