"""Every contributing-factor rule at its edges, with the runner's own numbers as evidence."""

from __future__ import annotations

import pytest
from builders import make_intake, sample_intake

from backstride.coach.factors import RECOGNISERS, latest_two_week_rise, recognise_factors


def found(knowledge, **changes) -> dict[str, str]:
    return {f.id: f.evidence for f in recognise_factors(make_intake(**changes), knowledge)}


def test_sample_intake_shows_its_factors_with_evidence(knowledge):
    findings = {f.id: f for f in recognise_factors(sample_intake(), knowledge)}
    assert set(findings) == {
        "rapid_mileage_increase",
        "prolonged_sitting",
        "no_warm_up",
        "weak_core",
        "no_cross_training",
        "downhill_running",
        "hard_surfaces",
        "unsupportive_footwear",
        "previous_back_pain",
        "hip_flexor_tightness",
    }
    assert "22 km to 33 km" in findings["rapid_mileage_increase"].evidence
    assert "+50%" in findings["rapid_mileage_increase"].evidence
    assert "9 hours" in findings["prolonged_sitting"].evidence
    assert "900 km" in findings["unsupportive_footwear"].evidence
    assert all(f.sources and f.name for f in findings.values())


@pytest.mark.parametrize(
    ("weeks", "fires"),
    [
        ([10, 10, 13], False),  # exactly 30%
        ([10, 10, 13.01], True),
        ([0, 10, 30], False),  # nothing two weeks before
        ([10, 30, 12], False),  # compares with two weeks before, not last week
        ([20, 22, 24, 33], True),
        ([33], False),
        ([], False),
    ],
)
def test_rapid_mileage_increase(weeks, fires, knowledge):
    assert (
        "rapid_mileage_increase" in found(knowledge, training={"weekly_distance_km": weeks})
    ) is fires


def test_the_most_recent_rise_is_quoted():
    assert latest_two_week_rise([10, 10, 20, 20, 30]) == (4, 30, 20)


@pytest.mark.parametrize(
    ("field", "section", "value", "factor", "fires"),
    [
        ("years_running", "history", 0.9, "new_runner", True),
        ("years_running", "history", 1.0, "new_runner", False),
        ("sitting_hours_per_day", "lifestyle", 7, "prolonged_sitting", True),
        ("sitting_hours_per_day", "lifestyle", 6.5, "prolonged_sitting", False),
        ("warm_up", "training", "never", "no_warm_up", True),
        ("warm_up", "training", "rarely", "no_warm_up", True),
        ("warm_up", "training", "sometimes", "no_warm_up", False),
        ("core_sessions_per_week", "training", 0, "weak_core", True),
        ("core_sessions_per_week", "training", 1, "weak_core", False),
        ("cross_training_sessions_per_week", "training", 0, "no_cross_training", True),
        ("cross_training_sessions_per_week", "training", 1, "no_cross_training", False),
        ("downhill", "training", "often", "downhill_running", True),
        ("downhill", "training", "always", "downhill_running", True),
        ("downhill", "training", "sometimes", "downhill_running", False),
        ("surface", "training", "road", "hard_surfaces", True),
        ("surface", "training", "trail", "hard_surfaces", False),
        ("shoe_km", "training", 801, "unsupportive_footwear", True),
        ("shoe_km", "training", 800, "unsupportive_footwear", False),
        ("disc_herniation", "history", True, "disc_herniation", True),
        ("sciatica", "history", True, "sciatica", True),
        ("leg_length_difference", "history", True, "leg_length_difference", True),
        ("foot_imbalance", "history", True, "foot_imbalance", True),
        ("foot_imbalance", "history", False, "foot_imbalance", False),
        ("previous_episodes", "pain", True, "previous_back_pain", True),
        ("previous_episodes", "pain", False, "previous_back_pain", False),
    ],
)
def test_factor_rules(field, section, value, factor, fires, knowledge):
    assert (factor in found(knowledge, **{section: {field: value}})) is fires


@pytest.mark.parametrize(("age", "fires"), [(50, False), (51, True)])
def test_age_over_50(age, fires, knowledge):
    assert ("age_over_50" in found(knowledge, age=age)) is fires


@pytest.mark.parametrize(("weight", "fires"), [(72.0, False), (72.3, True)])
def test_overweight_from_bmi_25(weight, fires, knowledge):
    # 170 cm: BMI 25 is 72.25 kg
    assert ("overweight" in found(knowledge, height_cm=170, weight_kg=weight)) is fires


def test_downhill_as_an_aggravator_counts(knowledge):
    assert "downhill_running" in found(knowledge, pain={"aggravators": ["downhill"]})


def test_regions_point_to_possible_causes(knowledge):
    assert "thoracic_stiffness" in found(knowledge, pain={"regions": ["upper"]})
    assert "sacroiliac_dysfunction" in found(knowledge, pain={"regions": ["buttock"]})
    assert not found(knowledge, pain={"regions": ["lower"]})


def test_nothing_known_means_no_factors(knowledge):
    assert found(knowledge) == {}


def test_every_recogniser_has_a_knowledge_entry(knowledge):
    assert set(RECOGNISERS) <= {f.id for f in knowledge.factors}
