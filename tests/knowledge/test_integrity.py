"""The shipped knowledge covers what DESIGN.md promises, and every entry is safe and traceable."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from backstride.contracts.intake import RedFlags
from backstride.knowledge import KnowledgeBase

# Copied from DESIGN.md, "Knowledge coverage": every id must exist, in this kind.
COVERAGE: dict[str, tuple[str, ...]] = {
    "exercises": (
        "knees_to_chest",
        "dead_bug",
        "plank",
        "glute_bridge",
        "superman",
        "pull_up",
        "shoulder_extension",
        "band_chest_press",
        "protracted_push_up",
        "dumbbell_lawn_mower",
        "dumbbell_rotational_punch",
        "deadlift",
        "kettlebell_swing",
        "windshield_wiper",
        "russian_twist",
        "weighted_crunch",
        "t_push_up",
        "hamstring_stretch",
        "hip_flexor_stretch",
        "thoracic_rotation",
        "thoracic_extension",
        "clamshell",
        "single_leg_bridge",
        "foam_rolling",
    ),
    "self_care": (
        "active_rest",
        "short_walk",
        "cold_then_heat",
        "otc_pain_relief",
        "soft_flat_surfaces",
        "avoid_downhill",
        "stop_when_painful",
        "see_clinician",
    ),
    "warm_up": (
        "brisk_walk",
        "strides",
        "lunges",
        "star_jumps",
        "butt_kicks",
        "high_knees",
        "gradual_pace_build",
        "skipping_rope",
        "stationary_bike",
        "yoga_flow",
    ),
    "cool_down": ("gradual_slow_down", "easy_bike", "stretching"),
    "form_cues": (
        "head_up_centred",
        "look_ahead",
        "back_straight",
        "relaxed_jaw_neck",
        "relaxed_level_shoulders",
        "chest_up",
        "arms_front_to_back",
        "no_overstriding",
        "short_stride",
        "midfoot_landing",
        "core_engaged",
        "no_waist_twist",
        "stable_upper_body",
    ),
    "factors": (
        "rapid_mileage_increase",
        "new_runner",
        "hard_surfaces",
        "poor_running_form",
        "poor_posture",
        "prolonged_sitting",
        "weak_core",
        "no_warm_up",
        "unsupportive_footwear",
        "no_cross_training",
        "downhill_running",
        "age_over_50",
        "overweight",
        "foot_imbalance",
        "leg_length_difference",
        "sacroiliac_dysfunction",
        "hip_flexor_tightness",
        "glute_weakness",
        "thoracic_stiffness",
        "tight_hamstrings",
        "disc_herniation",
        "sciatica",
        "previous_back_pain",
        "other_medical_conditions",
    ),
    "prevention": (
        "core_training_weekly",
        "cross_training_weekly",
        "gradual_progression",
        "supportive_shoes",
        "warm_up_routine",
        "cool_down_routine",
        "strength_training",
        "stretching_and_foam_rolling",
        "sitting_setup",
        "movement_breaks",
        "standing_desk",
    ),
    "education": (
        "non_specific_pain_likes_movement",
        "running_can_ease_back_pain",
        "warm_up_survey_800_marathoners",
        "cushioned_shoes_spine_shock",
        "beginners_30pct_rise_study",
        "rest_advice_differs",
        "cold_eases_pain_not_recovery",
        "how_runners_back_pain_feels",
        "core_stability_standing_loaded",
        "desk_dynamic_breaks",
        "what_a_doctor_may_do",
        "back_pain_is_common",
        "tight_front_of_hip_tilts_pelvis",
        "upper_back_postural_muscles",
        "serratus_anterior_side_pain",
    ),
    "disagreements": ("rest_from_running",),
    "outcome_measures": ("rmdq", "psfs", "pain_nrs", "startback"),
}

# The clinical references other modules cite by id, with the kind each must have.
CLINICAL_SOURCES = {
    "nice_ng59": "guideline",
    "keele_startback": "tool",
    "pain_monitoring_model": "model",
    "nielsen_2014": "study",
    "frandsen_2025": "study",
    "williams_2017": "study",
    "lolli_2019": "study",
    "impellizzeri_2020": "study",
}

# The five founding articles, by their titles as the articles show them.
ARTICLE_TITLES = {
    "How to manage back pain for runners",
    "Seven ways to ease lower back pain when running",
    "Running with Back Pain",
    "Tips for Safely Running with Back Pain",
    "How to Stop Back Pain When Running",
}

ROTATIONAL_EXERCISES = (
    "russian_twist",
    "windshield_wiper",
    "dumbbell_rotational_punch",
    "thoracic_rotation",
    "dumbbell_lawn_mower",
    "t_push_up",
)
LOADED_HINGES = ("deadlift", "kettlebell_swing")

# Triage policy (DESIGN.md): the level of each red flag on its own.
RED_FLAG_LEVELS = {
    "saddle_numbness": "emergency",
    "bladder_dysfunction": "emergency",
    "bowel_dysfunction": "emergency",
    "sexual_dysfunction": "emergency",
    "bilateral_leg_symptoms": "emergency",
    "leg_weakness_worsening": "emergency",
    "chest_pain_or_breathless": "emergency",
    "leg_weakness": "urgent",
    "fever_or_unwell": "urgent",
    "significant_trauma": "urgent",
    "history_of_cancer": "urgent",
    "unexplained_weight_loss": "urgent",
    "constant_night_pain": "urgent",
    "immunosuppressed_or_iv_drugs": "urgent",
    "leg_numbness_or_tingling": "see_doctor",
    "osteoporosis_or_steroids": "see_doctor",
}
TRIAGE_RULE_LEVELS = {
    "cancer_with_neurological_symptoms": "emergency",
    "osteoporosis_sudden_onset": "urgent",
    "leg_pain_below_knee": "see_doctor",
    "severe_pain_not_easing": "see_doctor",
    "severe_pain_rest_not_answered": "see_doctor",
    "not_improving_after_7_days": "see_doctor",
    "pain_over_6_weeks": "see_doctor",
    "first_episode_over_50": "see_doctor",
    "inflammatory_morning_stiffness": "see_doctor",
}

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

COVERED = [(kind, entry_id) for kind, ids in COVERAGE.items() for entry_id in ids]


def _ids(kb: KnowledgeBase, kind: str) -> set[str]:
    return {entry.id for entry in getattr(kb, kind)}


def _cited(kb: KnowledgeBase) -> Iterator[tuple[str, list[str]]]:
    """Every list of sources in the knowledge base, with where it is."""
    for kind, entry in kb.entries():
        if kind != "sources":
            yield f"{kind}.{entry.id}", list(entry.sources)
    for disagreement in kb.disagreements:
        for view in disagreement.views:
            yield f"disagreements.{disagreement.id}.{view.id}", view.sources
    for advice in kb.triage_levels:
        yield f"triage_levels.{advice.level}", advice.sources


# --- Coverage --------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "entry_id"), COVERED, ids=[f"{k}.{i}" for k, i in COVERED])
def test_every_covered_id_exists_in_its_kind(kb: KnowledgeBase, kind: str, entry_id: str) -> None:
    found = kb.find(entry_id)
    assert found is not None, f"{entry_id} is missing"
    assert found[0] == kind, f"{entry_id} is in {found[0]}, expected {kind}"


def test_the_coverage_list_has_the_designed_sizes() -> None:
    # Guards the hard-coded list itself against a slip when DESIGN.md is copied.
    assert len(COVERAGE["exercises"]) == 24
    assert len(COVERAGE["factors"]) == 24
    assert len(set(COVERED)) == len(COVERED)


def test_clinical_sources_exist_with_their_kinds(kb: KnowledgeBase) -> None:
    for source_id, kind in CLINICAL_SOURCES.items():
        assert kb.source(source_id).kind == kind, source_id


def test_the_five_founding_articles_are_sources(kb: KnowledgeBase) -> None:
    articles = [s for s in kb.sources if s.kind == "article"]
    assert {s.title for s in articles} == ARTICLE_TITLES
    assert len(articles) == len(ARTICLE_TITLES)


# --- Traceability ----------------------------------------------------------------------------


def test_every_entry_cites_sources_that_resolve(kb: KnowledgeBase) -> None:
    source_ids = _ids(kb, "sources")
    for where, cited in _cited(kb):
        assert cited, f"{where} cites no source"
        unknown = set(cited) - source_ids
        assert not unknown, f"{where} cites unknown sources {sorted(unknown)}"
        assert len(cited) == len(set(cited)), f"{where} cites a source twice"


def test_every_source_is_cited_somewhere(kb: KnowledgeBase) -> None:
    cited = {source_id for _where, ids in _cited(kb) for source_id in ids}
    uncited = _ids(kb, "sources") - cited
    # The training-load studies are cited by the engine's load flags rather than by entries.
    assert uncited <= {"williams_2017", "keele_startback"}, sorted(uncited)


def test_education_and_exercises_rest_on_a_founding_article(kb: KnowledgeBase) -> None:
    articles = {s.id for s in kb.sources if s.kind == "article"}
    for entry in [*kb.education, *kb.exercises]:
        assert set(entry.sources) & articles, f"{entry.id} cites no founding article"


def test_ids_are_snake_case(kb: KnowledgeBase) -> None:
    ids = [entry.id for _kind, entry in kb.entries()]
    ids += [view.id for d in kb.disagreements for view in d.views]
    for entry_id in ids:
        assert SNAKE_CASE.match(entry_id), f"{entry_id!r} is not snake_case"


# --- Exercises -------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["acute", "subacute", "prevention"])
def test_each_phase_has_at_least_three_exercises(kb: KnowledgeBase, phase: str) -> None:
    assert len([e for e in kb.exercises if phase in e.phase]) >= 3


def test_acute_exercises_are_gentle(kb: KnowledgeBase) -> None:
    for exercise in kb.exercises:
        if "acute" in exercise.phase:
            harsh = {"loaded", "rotation"} & set(exercise.movement)
            assert not harsh, f"{exercise.id} is acute but {sorted(harsh)}"


def test_exercise_targets_cover_every_region(kb: KnowledgeBase) -> None:
    targets = {t for e in kb.exercises for t in e.target}
    assert {"upper", "side", "lower", "core", "hips", "thoracic"} <= targets


@pytest.mark.parametrize("exercise_id", ROTATIONAL_EXERCISES)
def test_rotational_exercises_are_marked_as_rotation(kb: KnowledgeBase, exercise_id: str) -> None:
    exercise = next(e for e in kb.exercises if e.id == exercise_id)
    assert "rotation" in exercise.movement


def test_every_rotational_exercise_avoids_twisting(kb: KnowledgeBase) -> None:
    rotational = [e for e in kb.exercises if "rotation" in e.movement]
    assert {e.id for e in rotational} >= set(ROTATIONAL_EXERCISES)
    for exercise in rotational:
        assert "twisting" in exercise.avoid_if, exercise.id


@pytest.mark.parametrize("exercise_id", LOADED_HINGES)
def test_loaded_hinges_avoid_lifting_and_bending(kb: KnowledgeBase, exercise_id: str) -> None:
    exercise = next(e for e in kb.exercises if e.id == exercise_id)
    assert {"lifting", "bending"} <= set(exercise.avoid_if)
    assert "loaded" in exercise.movement


def test_each_aggravator_still_leaves_acute_exercises(kb: KnowledgeBase) -> None:
    # Whatever single movement hurts, a runner in the first days still gets something to do.
    aggravators = {a for e in kb.exercises for a in e.avoid_if}
    acute = [e for e in kb.exercises if "acute" in e.phase]
    for aggravator in aggravators:
        left = [e for e in acute if aggravator not in e.avoid_if]
        assert len(left) >= 3, f"only {len(left)} acute exercises when {aggravator} hurts"


@pytest.mark.parametrize(
    ("exercise_id", "dose"),
    [
        ("knees_to_chest", r"60 seconds.*little and often"),
        ("dead_bug", r"20-30 seconds.*two to three times a day"),
        ("plank", r"30 seconds.*3 rounds"),
        ("glute_bridge", r"^10 repetitions"),
        ("superman", r"^5 repetitions"),
    ],
)
def test_doses_follow_the_design(kb: KnowledgeBase, exercise_id: str, dose: str) -> None:
    exercise = next(e for e in kb.exercises if e.id == exercise_id)
    assert re.search(dose, exercise.dose), exercise.dose


def test_superman_warns_against_pushing_into_over_extension(kb: KnowledgeBase) -> None:
    superman = next(e for e in kb.exercises if e.id == "superman")
    assert any("push up" in c and "backward bend" in c for c in superman.cautions)


# --- Advice ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry_id", "least"), [("sitting_setup", 5), ("movement_breaks", 2)])
def test_desk_advice_carries_its_details(kb: KnowledgeBase, entry_id: str, least: int) -> None:
    advice = next(p for p in kb.prevention if p.id == entry_id)
    assert len(advice.details) >= least


def test_cold_is_never_on_bare_skin(kb: KnowledgeBase) -> None:
    cold = next(a for a in kb.self_care if a.id == "cold_then_heat")
    assert "24 to 48 hours" in cold.text
    assert any("bare skin" in d for d in cold.details)


# --- Triage ----------------------------------------------------------------------------------


def test_red_flags_are_exactly_the_intake_questions(kb: KnowledgeBase) -> None:
    assert [f.id for f in kb.red_flags] == list(RedFlags.model_fields)
    assert set(RED_FLAG_LEVELS) == set(RedFlags.model_fields)


@pytest.mark.parametrize(("flag_id", "level"), sorted(RED_FLAG_LEVELS.items()))
def test_red_flag_levels_follow_the_triage_policy(
    kb: KnowledgeBase, flag_id: str, level: str
) -> None:
    flag = next(f for f in kb.red_flags if f.id == flag_id)
    assert flag.level == level
    assert len(flag.short_question) < len(flag.question) or flag.question == flag.short_question


def test_osteoporosis_says_a_sudden_onset_makes_it_urgent(kb: KnowledgeBase) -> None:
    flag = next(f for f in kb.red_flags if f.id == "osteoporosis_or_steroids")
    assert "suddenly" in flag.why and "urgent" in flag.why


def test_triage_rules_follow_the_triage_policy(kb: KnowledgeBase) -> None:
    assert {r.id: r.level for r in kb.triage_rules} == TRIAGE_RULE_LEVELS


def test_emergency_advice_says_where_to_go_and_not_to_drive(kb: KnowledgeBase) -> None:
    emergency = next(t for t in kb.triage_levels if t.level == "emergency")
    assert "emergency department" in emergency.advice
    assert "Do not drive yourself" in emergency.advice
    assert "Do not run" in emergency.advice


def test_disclaimer_says_what_to_do_in_an_emergency(kb: KnowledgeBase) -> None:
    assert "not a substitute" in kb.disclaimer
    assert "emergency" in kb.disclaimer


# --- Disagreements ---------------------------------------------------------------------------


def test_rest_from_running_records_each_view_and_follows_two_to_three_days(
    kb: KnowledgeBase,
) -> None:
    rest = next(d for d in kb.disagreements if d.id == "rest_from_running")
    assert {v.id for v in rest.views} == {"week_off", "two_to_three_days", "keep_moving"}
    articles = {s.id for s in kb.sources if s.kind == "article"}
    for view in rest.views:
        assert set(view.sources) & articles, f"{view.id} is not traced to an article"
    assert rest.followed == "two_to_three_days"
    assert {"nice_ng59", "pain_monitoring_model"} <= set(rest.sources)
    assert "never bed rest" in rest.why


def test_every_disagreement_follows_a_view_backed_by_a_source(kb: KnowledgeBase) -> None:
    for disagreement in kb.disagreements:
        followed = next(v for v in disagreement.views if v.id == disagreement.followed)
        assert followed.sources


# --- Return to run ---------------------------------------------------------------------------


def test_return_to_run_goes_from_a_walk_to_thirty_minutes_running(kb: KnowledgeBase) -> None:
    stages = sorted(kb.return_to_run, key=lambda s: s.stage)
    assert len(stages) >= 10
    first, last = stages[0], stages[-1]
    assert (first.walk_min, first.run_min, first.total_min) == (30, 0, 30)
    assert (last.walk_min, last.run_min, last.repeats) == (0, 30, 1)


def test_return_to_run_stages_add_up_and_never_run_less(kb: KnowledgeBase) -> None:
    stages = sorted(kb.return_to_run, key=lambda s: s.stage)
    running = [s.run_min * s.repeats for s in stages]
    assert running == sorted(running)
    for stage in stages:
        assert stage.total_min == (stage.walk_min + stage.run_min) * stage.repeats, stage.id
        assert "pain_monitoring_model" in stage.sources
