"""Builders for test inputs: a valid intake with just the fields a test cares about."""

from __future__ import annotations

import copy
from typing import Any

from backstride.contracts.intake import RED_FLAG_NAMES, Intake

SAMPLE_INTAKE: dict[str, Any] = {
    "age": 44,
    "sex": "female",
    "height_cm": 168,
    "weight_kg": 70,
    "pain": {
        "regions": ["lower"],
        "nrs_now": 3,
        "nrs_worst_week": 6,
        "nrs_during_run": 5,
        "days_since_onset": 4,
        "onset": "gradual",
        "character": ["dull", "tight"],
        "aggravators": ["running", "downhill", "sitting"],
        "eases_with_rest": True,
        "improving": None,
        "leg_pain_below_knee": False,
        "morning_stiffness_over_30min": False,
        "previous_episodes": True,
    },
    "red_flags": dict.fromkeys(RED_FLAG_NAMES, False),
    "history": {
        "years_running": 1.5,
        "disc_herniation": False,
        "sciatica": False,
        "leg_length_difference": False,
        "foot_imbalance": False,
    },
    "lifestyle": {"sitting_hours_per_day": 9},
    "training": {
        "weekly_distance_km": [20, 22, 24, 33],
        "runs_per_week": 4,
        "surface": "road",
        "downhill": "often",
        "warm_up": "never",
        "cool_down": "sometimes",
        "core_sessions_per_week": 0,
        "cross_training_sessions_per_week": 0,
        "shoe_km": 900,
    },
    "startback": [True, False, True, False, False, True, False, False, 3],
}
"""The sample intake of DESIGN.md."""


def intake_dict(**changes: Any) -> dict[str, Any]:
    """A minimal intake (age 35, no pain details) with `changes` merged in.

    Nested sections merge: `intake_dict(pain={"nrs_now": 4})` keeps the other pain fields.
    """
    document: dict[str, Any] = {"age": 35, "pain": {}}
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(document.get(key), dict):
            document[key] = {**document[key], **value}
        else:
            document[key] = value
    return document


def make_intake(**changes: Any) -> Intake:
    """`intake_dict` checked into an `Intake`."""
    return Intake.model_validate(intake_dict(**changes))


def sample_intake(**changes: Any) -> Intake:
    """The DESIGN.md sample with `changes` merged into its sections."""
    document = copy.deepcopy(SAMPLE_INTAKE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(document.get(key), dict):
            document[key] = {**document[key], **value}
        else:
            document[key] = value
    return Intake.model_validate(document)


SAMPLE_CHECKIN: dict[str, Any] = {
    "date": "2026-03-02",
    "morning_pain": 1,
    "morning_stiffness_min": 10,
    "session": {
        "kind": "run",
        "max_pain": 3,
        "pain_after": 2,
        "limp": False,
        "distance_km": 2.5,
        "duration_min": 20,
    },
    "exercises_done": ["dead_bug", "glute_bridge"],
    "new_leg_symptoms": False,
    "red_flags": {"saddle_numbness": False},
    "notes": "felt fine",
}
"""The check-in example of DESIGN.md."""
