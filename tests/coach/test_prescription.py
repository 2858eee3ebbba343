"""The prescription rules: by phase, by region, by what makes the pain worse."""

from __future__ import annotations

import pytest
from builders import make_intake, sample_intake
from hypothesis import given, settings
from strategies import intakes

from backstride.coach.assessment import assess
from backstride.coach.prescription import choose_phase
from backstride.coach.running import RunningAdvice
from backstride.contracts.intake import Intake


def plan_for(knowledge, intake):
    return assess(intake, knowledge).plan


def exercises(knowledge, intake):
    by_id = {e.id: e for e in knowledge.exercises}
    return [by_id[item.id] for item in plan_for(knowledge, intake).exercises]


CONTINUE = RunningAdvice("continue", 0, ("",))
STOP = RunningAdvice("stop", 3, ("",))


@pytest.mark.parametrize(
    ("pain", "running", "phase"),
    [
        ({}, CONTINUE, "subacute"),  # no score given: not assumed pain-free
        ({"nrs_now": 0, "nrs_worst_week": 2, "days_since_onset": 10}, STOP, "acute"),
        ({"nrs_now": 0, "nrs_worst_week": 2}, CONTINUE, "prevention"),
        ({"nrs_worst_week": 3, "days_since_onset": 10}, CONTINUE, "subacute"),
        ({"nrs_now": 3, "days_since_onset": 3}, CONTINUE, "acute"),
        ({"nrs_now": 3, "days_since_onset": 4}, CONTINUE, "subacute"),
        ({"nrs_now": 3, "days_since_onset": 20}, STOP, "acute"),
    ],
)
def test_phase(pain, running, phase):
    assert choose_phase(make_intake(pain=pain), running) == phase


def test_first_days_get_only_gentle_mobility(knowledge):
    chosen = exercises(knowledge, make_intake(pain={"nrs_now": 5, "days_since_onset": 1}))
    assert chosen
    for exercise in chosen:
        assert "acute" in exercise.phase
        assert not {"rotation", "loaded"} & set(exercise.movement)


def test_no_rotation_when_twisting_hurts(knowledge):
    intake = make_intake(pain={"nrs_now": 1, "nrs_worst_week": 1, "aggravators": ["twisting"]})
    chosen = exercises(knowledge, intake)
    assert chosen
    assert all("rotation" not in e.movement and "twisting" not in e.avoid_if for e in chosen)
    without = exercises(knowledge, make_intake(pain={"regions": ["side"], "nrs_now": 0}))
    assert any("rotation" in e.movement for e in without), "rotation is offered otherwise"


def test_aggravators_exclude_what_each_exercise_avoids(knowledge):
    for aggravator in ("bending", "lifting", "sitting", "lying"):
        intake = make_intake(
            pain={"nrs_worst_week": 4, "days_since_onset": 14, "aggravators": [aggravator]}
        )
        assert all(aggravator not in e.avoid_if for e in exercises(knowledge, intake))


def test_later_phases_build_strength(knowledge):
    intake = make_intake(pain={"nrs_worst_week": 4, "days_since_onset": 14})
    chosen = exercises(knowledge, intake)
    assert any("strength" in e.movement or "stability" in e.movement for e in chosen)
    assert all("subacute" in e.phase for e in chosen)


@pytest.mark.parametrize(
    ("region", "targets"),
    [
        ("upper", {"upper", "thoracic"}),
        ("lower", {"lower", "core", "hips"}),
        ("side", {"side", "core"}),
    ],
)
def test_exercises_suit_where_it_hurts(region, targets, knowledge):
    intake = make_intake(pain={"regions": [region], "nrs_worst_week": 4, "days_since_onset": 14})
    first = exercises(knowledge, intake)[0]
    assert targets & set(first.target)


def test_each_exercise_carries_its_dose_and_sources(knowledge):
    for item in plan_for(knowledge, sample_intake()).exercises:
        assert item.dose and item.sources and len(item.steps) >= 2


@pytest.mark.parametrize("flag", ["saddle_numbness", "fever_or_unwell"])
def test_emergency_or_urgent_gives_no_exercise_plan(flag, knowledge):
    plan = plan_for(knowledge, sample_intake(red_flags={flag: True}))
    assert plan.exercises == plan.warm_up == plan.form_cues == ()
    assert [item.id for item in plan.self_care] == ["see_clinician"]


def test_see_doctor_keeps_gentle_movement_and_says_whom_to_see(knowledge):
    plan = plan_for(knowledge, sample_intake(pain={"leg_pain_below_knee": True}))
    assert plan.phase == "acute"
    assert "see_clinician" in {i.id for i in plan.self_care}


def test_self_care_follows_the_running_decision(knowledge):
    stop = plan_for(knowledge, make_intake(pain={"nrs_now": 8, "eases_with_rest": True}))
    reduce = plan_for(knowledge, make_intake(pain={"nrs_now": 4}))
    assert "active_rest" in {i.id for i in stop.self_care}
    assert {"soft_flat_surfaces", "avoid_downhill"} <= {i.id for i in reduce.self_care}


def test_high_startback_risk_adds_seeing_a_clinician(knowledge):
    high = [True, True, True, True, True, True, True, True, 4]
    plan = plan_for(knowledge, make_intake(pain={"nrs_now": 2}, startback=high))
    assert "see_clinician" in {i.id for i in plan.self_care}


def test_factors_bring_their_prevention(knowledge):
    plan = plan_for(knowledge, sample_intake())
    assert "gradual_progression" in {i.id for i in plan.prevention}
    assert {"sitting_setup", "movement_breaks"} & {i.id for i in plan.prevention}


def test_a_runner_told_to_stop_never_gets_loaded_exercises_however_low_the_scores(knowledge):
    # sharp pain that began today: stop, even at 0/10 now
    intake = make_intake(
        pain={
            "nrs_now": 0,
            "nrs_worst_week": 2,
            "character": ["sharp", "spasm"],
            "days_since_onset": 0,
        }
    )
    result = assess(intake, knowledge)
    assert result.running.decision == "stop"
    by_id = {e.id: e for e in knowledge.exercises}
    assert result.plan.phase == "acute"
    for item in result.plan.exercises:
        assert not {"loaded", "rotation"} & set(by_id[item.id].movement)


def test_stopping_gives_no_warm_up_or_cool_down_for_a_run(knowledge):
    plan = plan_for(knowledge, make_intake(pain={"nrs_now": 8, "eases_with_rest": True}))
    assert plan.warm_up == plan.cool_down == ()
    assert {"active_rest", "short_walk"} <= {i.id for i in plan.self_care}


@pytest.mark.parametrize(
    ("region", "expected", "never"),
    [
        ("upper", {"thoracic_extension", "shoulder_blade_squeeze"}, {"knees_to_chest"}),
        ("mid", {"thoracic_extension", "cat_camel"}, {"knees_to_chest", "glute_bridge"}),
        ("side", {"standing_side_bend", "side_lying_side_stretch"}, {"knees_to_chest"}),
        ("lower", {"knees_to_chest"}, {"shoulder_blade_squeeze", "standing_side_bend"}),
    ],
)
def test_the_first_days_bring_gentle_exercises_for_where_it_hurts(
    region, expected, never, knowledge
):
    intake = make_intake(pain={"regions": [region], "nrs_now": 4, "days_since_onset": 1})
    chosen = exercises(knowledge, intake)
    ids = {e.id for e in chosen}
    assert expected <= ids, ids
    assert not never & ids, ids
    from backstride.coach.prescription import REGION_TARGETS

    for exercise in chosen:
        assert REGION_TARGETS[region] & set(exercise.target), exercise.id


@settings(max_examples=150, deadline=None)
@given(document=intakes)
def test_acute_exercises_always_suit_the_painful_regions_and_stay_gentle(document, knowledge):
    from backstride.coach.prescription import REGION_TARGETS

    intake = Intake.model_validate(document)
    result = assess(intake, knowledge)
    if result.plan.phase != "acute":
        return
    by_id = {e.id: e for e in knowledge.exercises}
    wanted = set().union(*(REGION_TARGETS[r] for r in intake.pain.regions))
    for item in result.plan.exercises:
        exercise = by_id[item.id]
        assert not {"rotation", "loaded"} & set(exercise.movement)
        assert not set(exercise.avoid_if) & set(intake.pain.aggravators)
        if wanted:
            assert wanted & set(exercise.target), (exercise.id, intake.pain.regions)


@pytest.mark.parametrize(
    ("region", "fact"),
    [
        ("side", "serratus_anterior_side_pain"),
        ("upper", "upper_back_postural_muscles"),
        ("mid", "upper_back_postural_muscles"),
    ],
)
def test_the_plan_explains_the_muscles_behind_pain_where_it_hurts(region, fact, knowledge):
    plan = plan_for(knowledge, make_intake(pain={"regions": [region], "nrs_now": 4}))
    assert fact in {item.id for item in plan.education}


def test_a_tight_front_of_hip_is_explained_with_its_factor(knowledge):
    intake = make_intake(
        pain={"regions": ["lower"], "nrs_now": 3, "aggravators": ["sitting"]},
        lifestyle={"sitting_hours_per_day": 10},
    )
    result = assess(intake, knowledge)
    assert "hip_flexor_tightness" in {f.id for f in result.factors}
    assert "tight_front_of_hip_tilts_pelvis" in {i.id for i in result.plan.education}
    factor = next(f for f in knowledge.factors if f.id == "hip_flexor_tightness")
    assert "tight_front_of_hip_tilts_pelvis" in factor.education
    assert "rectus femoris" in factor.what
