"""Outcome measures: scoring at every edge, and the minimal important change, exactly."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.coach.outcomes import (
    OutcomeScore,
    ScoringError,
    judge_change,
    psfs_score,
    reaches_mic,
    rmdq_score,
)

DAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def rmdq(knowledge):
    return knowledge.outcome_measure("rmdq")


@pytest.fixture(scope="module")
def psfs(knowledge):
    return knowledge.outcome_measure("psfs")


@pytest.fixture(scope="module")
def nrs(knowledge):
    return knowledge.outcome_measure("pain_nrs")


def timeline(instrument: str, *values, activities=((), ())) -> list[OutcomeScore]:
    return [
        OutcomeScore(instrument, DAY + dt.timedelta(days=14 * n), Fraction(v), "", names)
        for n, (v, names) in enumerate(zip(values, activities * len(values), strict=False))
    ]


# Scoring ---------------------------------------------------------------------------------------


def test_rmdq_scores_from_0_to_24(rmdq):
    assert rmdq_score([False] * 24, rmdq) == 0
    assert rmdq_score([True] * 24, rmdq) == 24
    assert rmdq_score([True, False] * 12, rmdq) == 12


@pytest.mark.parametrize("count", [0, 23, 25])
def test_rmdq_needs_exactly_24_answers(rmdq, count):
    with pytest.raises(ScoringError, match=f"24 statements; {count} answers"):
        rmdq_score([False] * count, rmdq)


def test_rmdq_answers_are_yes_or_no(rmdq):
    with pytest.raises(ScoringError, match="yes"):
        rmdq_score([1] * 24, rmdq)  # type: ignore[list-item]


def test_psfs_with_one_activity_is_its_rating(psfs):
    assert psfs_score([7], psfs) == 7


def test_psfs_with_five_activities_is_their_mean(psfs):
    assert psfs_score([0, 10, 4, 5, 6], psfs) == 5
    assert psfs_score([3, 4, 6], psfs) == Fraction(13, 3)


@pytest.mark.parametrize("ratings", [[], [1, 2, 3, 4, 5, 6]])
def test_psfs_takes_one_to_five_activities(psfs, ratings):
    with pytest.raises(ScoringError, match="1 to 5 activities"):
        psfs_score(ratings, psfs)


@pytest.mark.parametrize("rating", [11, -1])
def test_a_psfs_rating_off_the_scale_is_refused(psfs, rating):
    with pytest.raises(ScoringError, match=f"{rating} is off the PSFS scale"):
        psfs_score([5, rating], psfs)


# The minimal important change ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "latest", "verdict"),
    [
        (12, 7, "improved"),  # 5 points exactly
        (12, 8, "improved"),  # 4 points, 33%
        (20, 16, "no_clear_change"),  # 4 points, 20%
        (10, 7, "improved"),  # 30% exactly
        (10, 8, "no_clear_change"),  # 20%
        (7, 12, "worse"),  # 5 points the wrong way
        (0, 0, "no_clear_change"),
        (24, 0, "improved"),
        (0, 4, "no_clear_change"),  # below 5 points, and no percent of 0
    ],
)
def test_rmdq_change_against_5_points_or_30_percent(rmdq, first, latest, verdict):
    change = judge_change(timeline("rmdq", first, latest), rmdq)
    assert change is not None
    assert change.verdict == verdict
    assert change.change == latest - first and change.improvement == first - latest


@pytest.mark.parametrize(
    ("first", "latest", "verdict"),
    [
        (Fraction(13, 3), Fraction(19, 3), "improved"),  # 2 points exactly, between thirds
        (4, 6, "improved"),
        (Fraction(9, 2), 6, "no_clear_change"),  # 1.5 points
        (6, 4, "worse"),
        (1, 2, "no_clear_change"),  # a 100% rise is not a PSFS threshold
    ],
)
def test_psfs_change_against_2_points(psfs, first, latest, verdict):
    change = judge_change(timeline("psfs", first, latest), psfs)
    assert change is not None and change.verdict == verdict


@pytest.mark.parametrize(
    ("first", "latest", "verdict"),
    [(6, 4, "improved"), (10, 7, "improved"), (6, 5, "no_clear_change"), (3, 2, "improved")],
)
def test_pain_change_against_2_points_or_30_percent(nrs, first, latest, verdict):
    change = judge_change(timeline("pain_nrs", first, latest), nrs)
    assert change is not None and change.verdict == verdict


def test_the_change_runs_from_the_first_score_to_the_latest(rmdq):
    scores = timeline("rmdq", 14, 4, 10)
    change = judge_change(list(reversed(scores)), rmdq)
    assert change is not None
    assert (change.baseline.value, change.latest.value) == (14, 10)
    assert change.percent == Fraction(400, 14)


def test_one_score_has_no_change_yet(rmdq):
    assert judge_change(timeline("rmdq", 12), rmdq) is None
    assert judge_change([], rmdq) is None


def test_startback_has_no_threshold(knowledge):
    startback = knowledge.outcome_measure("startback")
    change = judge_change(timeline("startback", 7, 2), startback)
    assert change is not None
    assert (change.verdict, change.reaches_mic) == ("no_threshold", False)


def test_psfs_says_when_the_activities_changed(psfs):
    same = timeline("psfs", 3, 6, activities=(("run 5 km",), ("run 5 km",)))
    other = [same[0], OutcomeScore("psfs", DAY + dt.timedelta(days=14), Fraction(6), "", ("sit",))]
    assert judge_change(same, psfs).same_activities is True
    assert judge_change(other, psfs).same_activities is False


# Properties ------------------------------------------------------------------------------------


@given(st.lists(st.booleans(), min_size=24, max_size=24))
def test_rmdq_never_leaves_its_range(rmdq, answers):
    assert 0 <= rmdq_score(answers, rmdq) <= 24


@given(st.lists(st.integers(0, 10), min_size=1, max_size=5))
def test_psfs_never_leaves_its_range(psfs, ratings):
    score = psfs_score(ratings, psfs)
    assert 0 <= score <= 10
    assert min(ratings) <= score <= max(ratings)


def _below_mic(first: Fraction, latest: Fraction, measure) -> bool:
    size = abs(latest - first)
    mic = measure.mic
    by_points = size < Fraction(str(mic.points))
    by_percent = (
        mic.percent is None or first == 0 or size * 100 < Fraction(str(mic.percent)) * first
    )
    return by_points and by_percent


@settings(max_examples=300)
@given(first=st.integers(0, 24), latest=st.integers(0, 24))
def test_rmdq_improvement_is_never_shown_below_the_mic(rmdq, first, latest):
    change = judge_change(timeline("rmdq", first, latest), rmdq)
    below = _below_mic(Fraction(first), Fraction(latest), rmdq)
    assert (change.verdict == "no_clear_change") is below
    if change.verdict == "improved":
        assert latest < first and not below


@settings(max_examples=300)
@given(
    first=st.lists(st.integers(0, 10), min_size=1, max_size=5),
    latest=st.lists(st.integers(0, 10), min_size=1, max_size=5),
)
def test_psfs_improvement_is_never_shown_below_the_mic(psfs, first, latest):
    a, b = psfs_score(first, psfs), psfs_score(latest, psfs)
    change = judge_change(timeline("psfs", a, b), psfs)
    assert (change.verdict == "no_clear_change") is (abs(b - a) < 2)
    if change.verdict == "improved":
        assert b - a >= 2


@settings(max_examples=300)
@given(first=st.integers(0, 10), latest=st.integers(0, 10))
def test_pain_improvement_is_never_shown_below_the_mic(nrs, first, latest):
    change = judge_change(timeline("pain_nrs", first, latest), nrs)
    below = _below_mic(Fraction(first), Fraction(latest), nrs)
    assert (change.verdict == "no_clear_change") is below
    assert change.reaches_mic is (not below)
    assert reaches_mic(Fraction(first), Fraction(latest - first), nrs) is (not below)
