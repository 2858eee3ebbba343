"""Hypothesis strategies for intakes that follow the contract."""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st

from backstride.contracts.intake import (
    RED_FLAG_NAMES,
    Aggravator,
    Character,
    Frequency,
    Onset,
    Region,
    Sex,
    Surface,
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _subset(literal: Any) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(get_args(literal)), unique=True)


def _section(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the fields, each possibly null."""
    return st.fixed_dictionaries({}, optional={k: _maybe(v) for k, v in fields.items()})


nrs = st.integers(0, 10)
pain = _section(
    {
        "regions": _subset(Region),
        "nrs_now": nrs,
        "nrs_worst_week": nrs,
        "nrs_during_run": nrs,
        "days_since_onset": st.integers(0, 800),
        "onset": st.sampled_from(get_args(Onset)),
        "character": _subset(Character),
        "aggravators": _subset(Aggravator),
        "eases_with_rest": st.booleans(),
        "improving": st.booleans(),
        "leg_pain_below_knee": st.booleans(),
        "morning_stiffness_over_30min": st.booleans(),
        "previous_episodes": st.booleans(),
    }
).map(lambda d: {k: v for k, v in d.items() if v is not None or k not in _LISTS})
_LISTS = {"regions", "character", "aggravators"}

red_flags = _section(dict.fromkeys(RED_FLAG_NAMES, st.booleans()))
frequency = st.sampled_from(get_args(Frequency))
training = st.fixed_dictionaries(
    {},
    optional={
        "weekly_distance_km": st.lists(st.floats(0, 200, allow_nan=False), max_size=12),
        "runs_per_week": _maybe(st.integers(0, 14)),
        "surface": _maybe(st.sampled_from(get_args(Surface))),
        "downhill": _maybe(frequency),
        "warm_up": _maybe(frequency),
        "cool_down": _maybe(frequency),
        "core_sessions_per_week": _maybe(st.integers(0, 7)),
        "cross_training_sessions_per_week": _maybe(st.integers(0, 7)),
        "shoe_km": _maybe(st.floats(0, 3000, allow_nan=False)),
    },
)
history = _section(
    {
        "years_running": st.floats(0, 60, allow_nan=False),
        "disc_herniation": st.booleans(),
        "sciatica": st.booleans(),
        "leg_length_difference": st.booleans(),
        "foot_imbalance": st.booleans(),
    }
)
startback = st.tuples(*[st.booleans()] * 8, st.integers(0, 4)).map(list)

intakes = st.fixed_dictionaries(
    {"age": st.integers(16, 100), "pain": pain},
    optional={
        "sex": st.sampled_from(get_args(Sex)),
        "height_cm": st.floats(140, 210, allow_nan=False),
        "weight_kg": st.floats(40, 160, allow_nan=False),
        "red_flags": red_flags,
        "history": history,
        "lifestyle": _section({"sitting_hours_per_day": st.floats(0, 16, allow_nan=False)}),
        "training": training,
        "startback": _maybe(startback),
    },
)
"""Intake documents (dicts) that follow the contract."""
