"""The assessment intake: what a runner tells Backstride about their back and their running.

Unknown keys are errors; every field but `age` and `pain` is optional. A missing answer is None
and counts as "not reported": the report lists the red-flag questions left unanswered.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

Region = Literal["upper", "mid", "side", "lower", "buttock"]
Character = Literal["dull", "ache", "sharp", "spasm", "tight", "tingling", "burning"]
Aggravator = Literal[
    "running",
    "downhill",
    "uphill",
    "sitting",
    "standing",
    "bending",
    "twisting",
    "lifting",
    "lying",
    "morning",
]
Onset = Literal["sudden", "gradual"]
Surface = Literal["road", "trail", "track", "treadmill", "mixed"]
Frequency = Literal["never", "rarely", "sometimes", "often", "always"]
Sex = Literal["female", "male", "other"]

Nrs = Annotated[int, Field(ge=0, le=10, strict=True)]
"""A pain score on the 0-10 numeric rating scale."""


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pain(_Contract):
    """Where it hurts, how much, since when and what makes it worse."""

    regions: list[Region] = Field(
        default_factory=list, description="Where the back hurts.", max_length=5
    )
    nrs_now: Nrs | None = Field(None, description="Pain right now, 0 (none) to 10 (worst).")
    nrs_worst_week: Nrs | None = Field(None, description="Worst pain in the last 7 days, 0-10.")
    nrs_during_run: Nrs | None = Field(None, description="Pain during the last run, 0-10.")
    days_since_onset: Annotated[int, Field(ge=0, le=36500, strict=True)] | None = Field(
        None, description="Days since this episode began."
    )
    onset: Onset | None = Field(None, description="Did it come on suddenly or gradually?")
    character: list[Character] = Field(
        default_factory=list, description="What the pain feels like.", max_length=7
    )
    aggravators: list[Aggravator] = Field(
        default_factory=list, description="What makes it worse.", max_length=10
    )
    eases_with_rest: StrictBool | None = Field(None, description="Does it ease when you rest?")
    improving: StrictBool | None = Field(None, description="Is it getting better?")
    leg_pain_below_knee: StrictBool | None = Field(
        None, description="Does pain spread below a knee?"
    )
    morning_stiffness_over_30min: StrictBool | None = Field(
        None, description="Is your back stiff for more than 30 minutes after waking?"
    )
    previous_episodes: StrictBool | None = Field(None, description="Have you had back pain before?")


class RedFlags(_Contract):
    """Answers to the red-flag questions; True means the runner has it."""

    saddle_numbness: StrictBool | None = None
    bladder_dysfunction: StrictBool | None = None
    bowel_dysfunction: StrictBool | None = None
    sexual_dysfunction: StrictBool | None = None
    bilateral_leg_symptoms: StrictBool | None = None
    leg_weakness: StrictBool | None = None
    leg_weakness_worsening: StrictBool | None = None
    leg_numbness_or_tingling: StrictBool | None = None
    fever_or_unwell: StrictBool | None = None
    significant_trauma: StrictBool | None = None
    history_of_cancer: StrictBool | None = None
    unexplained_weight_loss: StrictBool | None = None
    constant_night_pain: StrictBool | None = None
    osteoporosis_or_steroids: StrictBool | None = None
    immunosuppressed_or_iv_drugs: StrictBool | None = None
    chest_pain_or_breathless: StrictBool | None = None


#: The red-flag names, in the order the questions are asked.
RED_FLAG_NAMES: tuple[str, ...] = tuple(RedFlags.model_fields)


class History(_Contract):
    """The runner's running and back history."""

    years_running: Annotated[float, Field(ge=0, le=90)] | None = None
    disc_herniation: StrictBool | None = None
    sciatica: StrictBool | None = None
    leg_length_difference: StrictBool | None = None
    foot_imbalance: StrictBool | None = None


class Lifestyle(_Contract):
    """Daily life away from running."""

    sitting_hours_per_day: Annotated[float, Field(ge=0, le=24)] | None = None


class Training(_Contract):
    """How the runner trains."""

    weekly_distance_km: list[Annotated[float, Field(ge=0, le=1000)]] = Field(
        default_factory=list,
        description="Running distance per week, oldest first, most recent week last.",
        max_length=104,
    )
    runs_per_week: Annotated[int, Field(ge=0, le=21, strict=True)] | None = None
    surface: Surface | None = None
    downhill: Frequency | None = None
    warm_up: Frequency | None = None
    cool_down: Frequency | None = None
    core_sessions_per_week: Annotated[int, Field(ge=0, le=21, strict=True)] | None = None
    cross_training_sessions_per_week: Annotated[int, Field(ge=0, le=21, strict=True)] | None = None
    shoe_km: Annotated[float, Field(ge=0, le=20000)] | None = None
    last_week_start: date | None = Field(
        None,
        description="The Monday of the most recent week in weekly_distance_km, when known "
        "(filled in from activity files by `assess --history`).",
    )
    downhill_share: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None,
        description="Share of recent runs that descended 15 m or more per km (from activity "
        "files).",
    )


StartBackAnswers = tuple[
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    StrictBool,
    Annotated[int, Field(ge=0, le=4, strict=True)],
]
"""Keele STarT Back: items 1-8 agree (True) or disagree (False); item 9 from 0 to 4."""


class Intake(_Contract):
    """Everything a runner tells Backstride for one assessment (contract version 1)."""

    age: Annotated[int, Field(ge=16, le=110, strict=True)] = Field(
        description="Age in years (Backstride is for adults, 16 and over)."
    )
    sex: Sex | None = None
    height_cm: Annotated[float, Field(ge=100, le=250)] | None = None
    weight_kg: Annotated[float, Field(ge=25, le=350)] | None = None
    pain: Pain
    red_flags: RedFlags = Field(default_factory=RedFlags)
    history: History = Field(default_factory=History)
    lifestyle: Lifestyle = Field(default_factory=Lifestyle)
    training: Training = Field(default_factory=Training)
    startback: StartBackAnswers | None = Field(
        None, description="The nine Keele STarT Back answers (items 1-8 true/false, item 9 0-4)."
    )
