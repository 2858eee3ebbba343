"""Contributing factors recognised from the intake, each with the evidence in the runner's words.

Each recogniser is a small function registered under the id of its knowledge entry in
`factors`; it returns the evidence (a sentence quoting the runner's own numbers) or None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backstride.coach.training_load import WEEKLY_INCREASE_LIMIT_PCT, more_than
from backstride.contracts.intake import Intake
from backstride.form.evidence import FormEvidence
from backstride.knowledge.models import KnowledgeBase

Recogniser = Callable[[Intake], str | None]

#: Every recogniser by its factor id, in the order the report lists them.
RECOGNISERS: dict[str, Recogniser] = {}

MILEAGE_RISE_LIMIT_PCT = WEEKLY_INCREASE_LIMIT_PCT
"""A rise of more than 30% over two weeks (Nielsen et al. 2014), as in the load flags."""
NEW_RUNNER_YEARS = 1.0
LONG_SITTING_HOURS = 7.0
WORN_SHOE_KM = 800.0
"""Shoe mileage past which Backstride treats cushioning as worn (a common rule of thumb)."""
OLDER_RUNNER_AGE = 50
OVERWEIGHT_BMI = 25.0


def _recognises(factor_id: str) -> Callable[[Recogniser], Recogniser]:
    def register(func: Recogniser) -> Recogniser:
        RECOGNISERS[factor_id] = func
        return func

    return register


@dataclass(frozen=True, slots=True)
class FactorFinding:
    """A factor that applies to this runner, the evidence for it and its sources."""

    id: str
    name: str
    evidence: str
    sources: tuple[str, ...]
    helps: tuple[str, ...]


def recognise_factors(
    intake: Intake, knowledge: KnowledgeBase, form: FormEvidence | None = None
) -> tuple[FactorFinding, ...]:
    """Every contributing factor the intake shows, with the evidence in the runner's numbers.

    `form` is the runner's latest usable form analysis: its findings are the evidence of
    `poor_running_form`, quoting what was measured, with their sources added to the factor's.
    """
    factors = knowledge.memo("factors_by_id", lambda kb: {f.id: f for f in kb.factors})
    findings = []
    if form is not None and form.findings:
        factor = factors["poor_running_form"]
        sources = dict.fromkeys([*factor.sources, *(s for f in form.findings for s in f.sources)])
        findings.append(
            FactorFinding(
                factor.id,
                factor.name,
                form_evidence_text(form),
                tuple(sources),
                tuple(dict.fromkeys([*form.cues, *factor.helps])),
            )
        )
    for factor_id, recognise in RECOGNISERS.items():
        evidence = recognise(intake)
        if evidence is not None:
            factor = factors[factor_id]
            findings.append(
                FactorFinding(
                    factor_id, factor.name, evidence, tuple(factor.sources), tuple(factor.helps)
                )
            )
    return tuple(findings)


def form_evidence_text(form: FormEvidence) -> str:
    """The form findings as one piece of evidence: when the video was analysed, then each
    finding with its numbers."""
    day = form.analysed_on
    parts = " ".join(f"{f.name}: {f.evidence}" for f in form.findings)
    return f"Your running video analysed on {day.day} {day:%B %Y} showed: {parts}"


def latest_two_week_rise(weekly_km: Sequence[float]) -> tuple[int, float, float] | None:
    """The most recent week whose distance is over 30% above the week two weeks before it.

    Returns (index of that week, its km, the km two weeks before), or None. A week two weeks
    before with no running never counts: any running is an infinite rise from zero.
    """
    for index in range(len(weekly_km) - 1, 1, -1):
        before, now = weekly_km[index - 2], weekly_km[index]
        if before > 0 and more_than(now, before, MILEAGE_RISE_LIMIT_PCT):
            return index, now, before
    return None


@_recognises("rapid_mileage_increase")
def _rapid_mileage_increase(intake: Intake) -> str | None:
    weeks = intake.training.weekly_distance_km
    found = latest_two_week_rise(weeks)
    if found is None:
        return None
    index, now, before = found
    rise = (now - before) / before * 100
    ago = len(weeks) - 1 - index
    last_monday = intake.training.last_week_start
    if last_monday is not None:
        monday = last_monday - timedelta(weeks=ago)
        when = f"the week of {monday.day} {monday:%B} against the week of {_day(monday, -2)}"
    else:
        when = "in your most recent week" if ago == 0 else f"{ago} weeks before your most recent"
    return (
        f"Your weekly distance rose from {before:g} km to {now:g} km over two weeks "
        f"(+{rise:.0f}%, {when}); rises of more than 30% in two weeks went with more injuries "
        "in new runners."
    )


def _day(monday: date, weeks: int) -> str:
    day = monday + timedelta(weeks=weeks)
    return f"{day.day} {day:%B}"


@_recognises("new_runner")
def _new_runner(intake: Intake) -> str | None:
    years = intake.history.years_running
    if years is None or years >= NEW_RUNNER_YEARS:
        return None
    months = round(years * 12)
    return f"You have been running for about {months} months."


@_recognises("prolonged_sitting")
def _prolonged_sitting(intake: Intake) -> str | None:
    hours = intake.lifestyle.sitting_hours_per_day
    if hours is None or hours < LONG_SITTING_HOURS:
        return None
    return f"You sit about {hours:g} hours a day."


@_recognises("no_warm_up")
def _no_warm_up(intake: Intake) -> str | None:
    answer = intake.training.warm_up
    if answer not in ("never", "rarely"):
        return None
    return f"You {answer} warm up before running."


@_recognises("weak_core")
def _weak_core(intake: Intake) -> str | None:
    if intake.training.core_sessions_per_week != 0:
        return None
    return "You do no core or strength sessions in a typical week."


@_recognises("no_cross_training")
def _no_cross_training(intake: Intake) -> str | None:
    if intake.training.cross_training_sessions_per_week != 0:
        return None
    return "You do no cross-training (cycling, swimming, other low-impact cardio) in a week."


@_recognises("downhill_running")
def _downhill_running(intake: Intake) -> str | None:
    answer = intake.training.downhill
    share = intake.training.downhill_share
    if answer in ("often", "always"):
        if share is not None:
            return (
                f"{share:.0%} of your recent runs descended 15 m or more per km: you run "
                f"downhill {answer}."
            )
        return f"You run downhill {answer}."
    if "downhill" in intake.pain.aggravators:
        return "Running downhill makes your pain worse."
    return None


@_recognises("hard_surfaces")
def _hard_surfaces(intake: Intake) -> str | None:
    if intake.training.surface != "road":
        return None
    return "You run mostly on roads."


@_recognises("unsupportive_footwear")
def _unsupportive_footwear(intake: Intake) -> str | None:
    km = intake.training.shoe_km
    if km is None or km <= WORN_SHOE_KM:
        return None
    return f"Your shoes have about {km:g} km on them (worn past {WORN_SHOE_KM:g} km)."


@_recognises("age_over_50")
def _age_over_50(intake: Intake) -> str | None:
    if intake.age <= OLDER_RUNNER_AGE:
        return None
    return f"You are {intake.age}."


@_recognises("overweight")
def _overweight(intake: Intake) -> str | None:
    bmi = body_mass_index(intake)
    if bmi is None or bmi < OVERWEIGHT_BMI:
        return None
    return f"Your body mass index is {bmi:.1f} (25 or more counts as overweight)."


def body_mass_index(intake: Intake) -> float | None:
    """Weight (kg) over height (m) squared, or None when either is missing."""
    if intake.height_cm is None or intake.weight_kg is None:
        return None
    return intake.weight_kg / (intake.height_cm / 100) ** 2


def _history(factor_id: str, field: str, evidence: str) -> None:
    def recognise(intake: Intake) -> str | None:
        return evidence if getattr(intake.history, field) is True else None

    RECOGNISERS[factor_id] = recognise


_history("disc_herniation", "disc_herniation", "You have had a disc herniation.")
_history("sciatica", "sciatica", "You have had sciatica.")
_history("leg_length_difference", "leg_length_difference", "One of your legs is longer.")
_history("foot_imbalance", "foot_imbalance", "You have a foot imbalance (such as flat feet).")


@_recognises("previous_back_pain")
def _previous_back_pain(intake: Intake) -> str | None:
    if intake.pain.previous_episodes is not True:
        return None
    return "You have had back pain before."


@_recognises("thoracic_stiffness")
def _thoracic_stiffness(intake: Intake) -> str | None:
    regions = {"upper", "mid"} & set(intake.pain.regions)
    if not regions:
        return None
    where = " and ".join(sorted(regions))
    return f"Your pain is in the {where} back."


@_recognises("sacroiliac_dysfunction")
def _sacroiliac_dysfunction(intake: Intake) -> str | None:
    if "buttock" not in intake.pain.regions:
        return None
    return "Your pain reaches the buttock, near the joints between spine and pelvis."


@_recognises("hip_flexor_tightness")
def _hip_flexor_tightness(intake: Intake) -> str | None:
    hours = intake.lifestyle.sitting_hours_per_day
    if "sitting" not in intake.pain.aggravators or hours is None or hours < LONG_SITTING_HOURS:
        return None
    return f"Sitting makes your pain worse and you sit about {hours:g} hours a day."
