"""The running decision at each of its edges."""

from __future__ import annotations

import pytest
from builders import make_intake

from backstride.coach.running import REST_DAYS, REST_DAYS_SHARP, decide_running
from backstride.coach.triage import triage


def decide(knowledge, **changes):
    intake = make_intake(**changes)
    return decide_running(intake, triage(intake, knowledge), knowledge)


@pytest.mark.parametrize(
    ("now", "decision"),
    [(0, "continue"), (2, "continue"), (3, "reduce"), (6, "reduce"), (7, "stop"), (10, "stop")],
)
def test_pain_now(now, decision, knowledge):
    # eases with rest, so severe pain stays within self-care and the running rules decide
    assert decide(knowledge, pain={"nrs_now": now, "eases_with_rest": True}).decision == decision


@pytest.mark.parametrize(
    ("during", "decision"), [(2, "continue"), (3, "reduce"), (5, "reduce"), (6, "stop")]
)
def test_pain_during_running(during, decision, knowledge):
    assert decide(knowledge, pain={"nrs_during_run": during}).decision == decision


@pytest.mark.parametrize(
    ("character", "days", "decision"),
    [
        (["sharp"], 2, "stop"),
        (["spasm"], 0, "stop"),
        (["sharp"], 3, "continue"),
        (["dull"], 1, "continue"),
        (["sharp"], None, "continue"),
    ],
)
def test_sharp_or_spasm_onset_in_the_last_two_days(character, days, decision, knowledge):
    pain = {"nrs_now": 1, "character": character, "days_since_onset": days}
    assert decide(knowledge, pain=pain).decision == decision


def test_stop_rests_two_to_three_days_and_a_week_when_sharp(knowledge):
    dull = decide(knowledge, pain={"nrs_now": 7, "eases_with_rest": True})
    sharp = decide(knowledge, pain={"nrs_now": 7, "character": ["sharp"], "eases_with_rest": True})
    assert (dull.rest_days, sharp.rest_days) == (REST_DAYS, REST_DAYS_SHARP)
    assert 2 <= REST_DAYS <= 3
    assert any("never bed rest" in line for line in dull.why)
    assert any("Sources differ" in line for line in dull.why)


@pytest.mark.parametrize(
    "changes",
    [
        {"red_flags": {"saddle_numbness": True}},
        {"red_flags": {"fever_or_unwell": True}},
        {"pain": {"leg_pain_below_knee": True}},
    ],
)
def test_any_level_above_self_care_means_stop_until_cleared(changes, knowledge):
    advice = decide(knowledge, **changes)
    assert advice.decision == "stop"
    assert advice.until_cleared
    assert advice.why


def test_reduce_and_continue_explain_the_pain_monitoring_rule(knowledge):
    for advice in (decide(knowledge, pain={"nrs_now": 4}), decide(knowledge, pain={"nrs_now": 0})):
        assert advice.rest_days == 0
        assert any("5/10" in line for line in advice.why)


def test_with_no_pain_score_at_all_running_is_reduced_not_continued(knowledge):
    advice = decide(knowledge)
    assert advice.decision == "reduce"
    assert any("did not say how much it hurts" in line for line in advice.why)


@pytest.mark.parametrize(("worst", "decision"), [(2, "continue"), (4, "reduce"), (8, "stop")])
def test_worst_of_the_week_stands_in_when_pain_now_is_not_given(worst, decision, knowledge):
    advice = decide(knowledge, pain={"nrs_worst_week": worst, "eases_with_rest": True})
    assert advice.decision == decision
