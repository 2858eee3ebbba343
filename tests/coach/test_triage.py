"""Every triage rule at its edges, and the safety properties of the triage."""

from __future__ import annotations

import pytest
from builders import make_intake
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.coach.triage import RULES, triage
from backstride.contracts.intake import RED_FLAG_NAMES, Intake
from backstride.domain import triage_rank

EMERGENCY_FLAGS = [
    "saddle_numbness",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
    "leg_weakness_worsening",
    "chest_pain_or_breathless",
]
URGENT_FLAGS = [
    "fever_or_unwell",
    "significant_trauma",
    "history_of_cancer",
    "unexplained_weight_loss",
    "constant_night_pain",
    "immunosuppressed_or_iv_drugs",
    "leg_weakness",
]


def fired(intake: Intake, knowledge) -> set[str]:
    return {r.id for r in triage(intake, knowledge).reasons}


def test_no_answers_is_self_care_and_lists_the_unanswered_questions(knowledge):
    result = triage(make_intake(), knowledge)
    assert result.level == "self_care"
    assert result.reasons == ()
    assert result.unanswered == RED_FLAG_NAMES
    assert result.advice


@pytest.mark.parametrize("flag", EMERGENCY_FLAGS)
def test_emergency_flags(flag, knowledge):
    result = triage(make_intake(red_flags={flag: True}), knowledge)
    assert result.level == "emergency"
    assert flag in {r.id for r in result.reasons}
    assert triage(make_intake(red_flags={flag: False}), knowledge).level == "self_care"


@pytest.mark.parametrize("flag", URGENT_FLAGS)
def test_urgent_flags(flag, knowledge):
    assert triage(make_intake(red_flags={flag: True}), knowledge).level == "urgent"


def test_numbness_or_tingling_in_a_leg_is_see_doctor(knowledge):
    result = triage(make_intake(red_flags={"leg_numbness_or_tingling": True}), knowledge)
    assert result.level == "see_doctor"


@pytest.mark.parametrize("neurological", ["leg_weakness", "leg_numbness_or_tingling"])
def test_cancer_with_neurological_symptoms_is_an_emergency(neurological, knowledge):
    intake = make_intake(red_flags={"history_of_cancer": True, neurological: True})
    result = triage(intake, knowledge)
    assert result.level == "emergency"
    assert "cancer_with_neurological_symptoms" in fired(intake, knowledge)
    # each on its own is not
    assert triage(make_intake(red_flags={neurological: True}), knowledge).level != "emergency"


@pytest.mark.parametrize(
    ("onset", "level"), [("sudden", "urgent"), (None, "urgent"), ("gradual", "see_doctor")]
)
def test_osteoporosis_is_urgent_with_a_sudden_or_unknown_onset(onset, level, knowledge):
    intake = make_intake(red_flags={"osteoporosis_or_steroids": True}, pain={"onset": onset})
    assert triage(intake, knowledge).level == level


def test_leg_pain_below_the_knee_is_see_doctor(knowledge):
    assert triage(make_intake(pain={"leg_pain_below_knee": True}), knowledge).level == "see_doctor"
    assert triage(make_intake(pain={"leg_pain_below_knee": False}), knowledge).level == "self_care"


@pytest.mark.parametrize(
    ("worst", "eases", "rule"),
    [
        (7, False, "severe_pain_not_easing"),
        (6, False, None),
        (7, True, None),
        (10, None, "severe_pain_rest_not_answered"),  # not known to ease: asked, not assumed
        (7, None, "severe_pain_rest_not_answered"),
        (6, None, None),
    ],
)
def test_severe_pain_that_does_not_ease(worst, eases, rule, knowledge):
    intake = make_intake(pain={"nrs_worst_week": worst, "eases_with_rest": eases})
    severe = {"severe_pain_not_easing", "severe_pain_rest_not_answered"}
    assert fired(intake, knowledge) & severe == ({rule} if rule else set())
    assert (triage(intake, knowledge).level == "see_doctor") is (rule is not None)


def test_an_unanswered_rest_question_says_it_is_missing(knowledge):
    intake = make_intake(pain={"nrs_now": 8})
    [reason] = [r for r in triage(intake, knowledge).reasons if r.id.startswith("severe_pain")]
    assert reason.id == "severe_pain_rest_not_answered"
    assert "did not say whether it eases when you rest" in reason.text


def test_severe_pain_right_now_counts_too(knowledge):
    intake = make_intake(pain={"nrs_now": 8, "eases_with_rest": False})
    assert "severe_pain_not_easing" in fired(intake, knowledge)


@pytest.mark.parametrize(
    ("days", "improving", "fires"),
    [(7, False, True), (6, False, False), (7, True, False), (7, None, True), (30, False, True)],
)
def test_not_improving_after_seven_days(days, improving, fires, knowledge):
    intake = make_intake(pain={"days_since_onset": days, "improving": improving})
    assert ("not_improving_after_7_days" in fired(intake, knowledge)) is fires


@pytest.mark.parametrize(("days", "fires"), [(41, False), (42, True), (400, True)])
def test_pain_lasting_six_weeks(days, fires, knowledge):
    intake = make_intake(pain={"days_since_onset": days, "improving": True})
    assert ("pain_over_6_weeks" in fired(intake, knowledge)) is fires
    assert (triage(intake, knowledge).level == "see_doctor") is fires


@pytest.mark.parametrize(
    ("age", "previous", "fires"),
    [
        (50, False, True),
        (49, False, False),
        (50, True, False),
        (50, None, True),
        (80, False, True),
    ],
)
def test_first_episode_at_fifty_or_over(age, previous, fires, knowledge):
    intake = make_intake(age=age, pain={"previous_episodes": previous})
    assert ("first_episode_over_50" in fired(intake, knowledge)) is fires


@pytest.mark.parametrize(
    ("stiff", "days", "fires"), [(True, 90, True), (True, 89, False), (False, 200, False)]
)
def test_long_morning_stiffness(stiff, days, fires, knowledge):
    intake = make_intake(
        pain={"morning_stiffness_over_30min": stiff, "days_since_onset": days, "improving": True}
    )
    assert ("inflammatory_morning_stiffness" in fired(intake, knowledge)) is fires


def test_highest_level_wins_and_every_rule_is_listed_most_serious_first(knowledge):
    intake = make_intake(
        red_flags={"saddle_numbness": True, "fever_or_unwell": True},
        pain={"leg_pain_below_knee": True},
    )
    result = triage(intake, knowledge)
    assert result.level == "emergency"
    assert [r.id for r in result.reasons] == [
        "saddle_numbness",
        "fever_or_unwell",
        "leg_pain_below_knee",
    ]
    assert all(r.text and r.sources for r in result.reasons)


def test_every_rule_has_a_knowledge_entry_and_every_entry_a_rule(knowledge):
    entries = {f.id for f in knowledge.red_flags} | {r.id for r in knowledge.triage_rules}
    assert set(RULES) == entries


def test_red_flag_levels_match_the_policy(knowledge):
    levels = {f.id: f.level for f in knowledge.red_flags}
    assert {f for f, level in levels.items() if level == "emergency"} == set(EMERGENCY_FLAGS)
    assert {f for f, level in levels.items() if level == "urgent"} == set(URGENT_FLAGS)


red_flag_answers = st.fixed_dictionaries(
    {}, optional={name: st.one_of(st.none(), st.booleans()) for name in RED_FLAG_NAMES}
)


@settings(max_examples=200)
@given(answers=red_flag_answers, extra=st.sampled_from(RED_FLAG_NAMES))
def test_adding_a_red_flag_never_lowers_the_level(answers, extra, knowledge):
    before = triage(make_intake(red_flags=answers), knowledge)
    after = triage(make_intake(red_flags={**answers, extra: True}), knowledge)
    assert triage_rank(after.level) >= triage_rank(before.level)
    assert triage_rank(after.level) >= 1  # any red flag sends the runner to a clinician
