"""The decision on running today, after triage, by the pain-monitoring model.

Pain during activity up to 5/10 is acceptable when it settles by the next morning and does not
rise week on week. Above self-care, the answer is always to stop until a clinician has seen
the runner.
"""

from __future__ import annotations

from dataclasses import dataclass

from backstride.coach.triage import Triage
from backstride.contracts.intake import Intake
from backstride.domain import RunningDecision
from backstride.knowledge.models import KnowledgeBase

STOP_NOW_FROM = 7
"""Pain now of 7/10 or more stops running."""
ACCEPTABLE_DURING_RUN_MAX = 5
"""Pain during a run above 5/10 stops running (pain-monitoring model)."""
REDUCE_FROM = 3
"""Pain now of 3-6, or 3-5 during a run, reduces running."""
SHARP_ONSET_DAYS = 2
"""Sharp pain or spasm that began this recently stops running."""
REST_DAYS = 3
"""Days off running after a stop: the upper end of two to three, moving every day."""
REST_DAYS_SHARP = 7
"""Days off running when the pain is sharp."""
REST_VIEWS_ID = "rest_from_running"
"""The knowledge entry recording how the sources differ on rest."""


@dataclass(frozen=True, slots=True)
class RunningAdvice:
    """Stop, reduce or continue; the days off running and why, in plain words."""

    decision: RunningDecision
    rest_days: int
    why: tuple[str, ...]
    until_cleared: bool = False
    """True when no running until a clinician has seen the runner."""


def decide_running(intake: Intake, triage: Triage, knowledge: KnowledgeBase) -> RunningAdvice:
    """Decide on running today. Any level above self-care means stop."""
    if triage.level != "self_care":
        return RunningAdvice(
            "stop",
            REST_DAYS_SHARP,
            (
                "Do not run until a clinician has seen you: " + triage.title.rstrip(".") + ".",
                "Gentle walking and moving around the house are fine if they do not worsen "
                "your symptoms.",
            ),
            until_cleared=True,
        )
    stop_reasons = _stop_reasons(intake)
    if stop_reasons:
        sharp = "sharp" in intake.pain.character
        return RunningAdvice(
            "stop",
            REST_DAYS_SHARP if sharp else REST_DAYS,
            (*stop_reasons, *_rest_explanation(knowledge, sharp=sharp)),
        )
    reduce_reasons = _reduce_reasons(intake)
    if not _any_pain_score(intake):
        reduce_reasons = [
            "You did not say how much it hurts, so Backstride cannot tell you to run as usual."
        ]
    if reduce_reasons:
        return RunningAdvice(
            "reduce",
            0,
            (
                *reduce_reasons,
                "Run shorter and easy, on flat and soft surfaces, with walk breaks if you like; "
                "no downhill or speed work until the pain settles.",
                "Pain up to 5/10 during a run is acceptable if it has settled by the next "
                "morning and is not rising week on week.",
            ),
        )
    return RunningAdvice(
        "continue",
        0,
        (
            "Your pain is low enough to keep running as planned.",
            "Keep an eye on it: pain up to 5/10 during a run is acceptable if it has settled by "
            "the next morning and is not rising week on week.",
        ),
    )


def _any_pain_score(intake: Intake) -> bool:
    pain = intake.pain
    return any(s is not None for s in (pain.nrs_now, pain.nrs_worst_week, pain.nrs_during_run))


def _pain_now(intake: Intake) -> tuple[int | None, str]:
    """Pain right now; when not given, the worst of the week stands in for it (cautious)."""
    pain = intake.pain
    if pain.nrs_now is not None:
        return pain.nrs_now, "right now"
    return pain.nrs_worst_week, "at its worst this week (you did not say how it is now)"


def _stop_reasons(intake: Intake) -> list[str]:
    pain = intake.pain
    reasons = []
    now, when = _pain_now(intake)
    if now is not None and now >= STOP_NOW_FROM:
        reasons.append(f"Your pain is {now}/10 {when}: too high to run on.")
    if pain.nrs_during_run is not None and pain.nrs_during_run > ACCEPTABLE_DURING_RUN_MAX:
        reasons.append(
            f"Your pain reached {pain.nrs_during_run}/10 while running, above the 5/10 that "
            "running can tolerate."
        )
    sudden_kind = [c for c in ("sharp", "spasm") if c in pain.character]
    recent = pain.days_since_onset is not None and pain.days_since_onset <= SHARP_ONSET_DAYS
    if sudden_kind and recent:
        reasons.append(
            f"A {' and '.join(sudden_kind)} pain that began {_days(pain.days_since_onset)} "
            "needs a few days to settle before you run."
        )
    return reasons


def _reduce_reasons(intake: Intake) -> list[str]:
    pain = intake.pain
    reasons = []
    now, when = _pain_now(intake)
    if now is not None and now >= REDUCE_FROM:
        reasons.append(f"Your pain is {now}/10 {when}.")
    if pain.nrs_during_run is not None and pain.nrs_during_run >= REDUCE_FROM:
        reasons.append(f"Your pain reached {pain.nrs_during_run}/10 while running.")
    return reasons


def _rest_explanation(knowledge: KnowledgeBase, *, sharp: bool) -> tuple[str, ...]:
    days = REST_DAYS_SHARP if sharp else REST_DAYS
    advice = (
        f"Take {days} days off running, but keep moving every day with walks and gentle "
        "mobility: rest is active, never bed rest."
    )
    found = next((d for d in knowledge.disagreements if d.id == REST_VIEWS_ID), None)
    if found is None:
        return (advice,)
    return (advice, f"Sources differ on how long to rest. {found.why}")


def _days(days: int | None) -> str:
    return {0: "today", 1: "yesterday"}.get(days or 0, f"{days} days ago")
