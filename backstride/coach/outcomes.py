"""Outcome measures: scoring, and whether a change is one patients notice as real.

Pure: scores come from answers, changes from a timeline of scores and the measure's minimal
important change (MIC) in the knowledge base. No I/O, no clock.

- RMDQ: 24 yes/no statements, the score is the number of yes (0-24, lower is better).
- PSFS: 1-5 activities the runner names, each 0-10; the score is their mean (higher is better).
- Pain (0-10): the morning pain of each check-in (lower is better).
- STarT Back: the total of the assessment's screening (0-9); no MIC, so no verdict of change.

A change reaches the MIC when it is at least the MIC's points, or at least its percent of the
first score (where the MIC has one and the first score is not 0); the same rule judges a change
for the worse. Below the MIC the verdict is "no clear change", however the numbers moved:
improvement is never shown when the change is below it. Scores are exact fractions, so a
change of exactly the MIC reaches it (a PSFS mean of 13/3 is not rounded first).

```python
score = rmdq_score([True] * 12 + [False] * 12, measure)       # Fraction(12)
change = judge_change(timeline, measure)                        # OutcomeChange | None
change.verdict                                                  # "improved" | ...
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from backstride.knowledge.models import OutcomeMeasure

Verdict = Literal["improved", "worse", "no_clear_change", "no_threshold"]


class ScoringError(ValueError):
    """Answers that do not fit the measure (wrong count, a rating off the scale)."""


@dataclass(frozen=True, slots=True)
class OutcomeScore:
    """One score on a measure's timeline: the day it is about and its exact value."""

    instrument: str
    day: dt.date
    value: Fraction
    detail: str = ""
    """What the score is made of, in words (e.g. "12 of 24 statements")."""
    activities: tuple[str, ...] = ()
    """The PSFS activities rated, in the order named (empty for the other measures)."""


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    """From the first score to the latest, judged against the measure's MIC."""

    instrument: str
    baseline: OutcomeScore
    latest: OutcomeScore
    change: Fraction
    """Latest minus first, in the measure's own direction (a fall in RMDQ is negative)."""
    improvement: Fraction
    """The change in the better direction: positive when better, negative when worse."""
    percent: Fraction | None
    """The improvement as a percentage of the first score; None when that score is 0."""
    reaches_mic: bool
    verdict: Verdict
    same_activities: bool = True
    """For PSFS: whether the latest rating is of the same activities as the first."""


def rmdq_score(answers: Sequence[bool], measure: OutcomeMeasure) -> Fraction:
    """The Roland-Morris score: how many statements were answered yes."""
    if len(answers) != len(measure.items):
        raise ScoringError(
            f"{measure.short_name} has {len(measure.items)} statements; {len(answers)} answers "
            "were given"
        )
    if any(not isinstance(a, bool) for a in answers):
        raise ScoringError(f"each {measure.short_name} answer is yes (true) or no (false)")
    return Fraction(sum(answers))


def psfs_score(ratings: Sequence[int], measure: OutcomeMeasure) -> Fraction:
    """The Patient-Specific Functional Scale score: the mean of the activities' ratings."""
    limits = measure.activities
    least, most = (limits.least, limits.most) if limits is not None else (1, 5)
    if not least <= len(ratings) <= most:
        raise ScoringError(
            f"{measure.short_name} takes {least} to {most} activities; {len(ratings)} were given"
        )
    for rating in ratings:
        if isinstance(rating, bool) or not isinstance(rating, int):
            raise ScoringError(f"each {measure.short_name} rating is a whole number")
        if not measure.low <= rating <= measure.high:
            raise ScoringError(
                f"{rating} is off the {measure.short_name} scale ({measure.low}-{measure.high})"
            )
    return Fraction(sum(ratings), len(ratings))


def judge_change(timeline: Sequence[OutcomeScore], measure: OutcomeMeasure) -> OutcomeChange | None:
    """The change from the first score to the latest; None with fewer than two scores."""
    if len(timeline) < 2:
        return None
    ordered = sorted(timeline, key=lambda s: s.day)
    baseline, latest = ordered[0], ordered[-1]
    change = latest.value - baseline.value
    improvement = -change if measure.better == "lower" else change
    percent = improvement * 100 / baseline.value if baseline.value else None
    reaches = reaches_mic(baseline.value, change, measure)
    verdict: Verdict
    if measure.mic is None:
        verdict = "no_threshold"
    elif not reaches:
        verdict = "no_clear_change"
    else:
        verdict = "improved" if improvement > 0 else "worse"
    return OutcomeChange(
        instrument=measure.id,
        baseline=baseline,
        latest=latest,
        change=change,
        improvement=improvement,
        percent=percent,
        reaches_mic=reaches,
        verdict=verdict,
        same_activities=baseline.activities == latest.activities,
    )


def reaches_mic(baseline: Fraction, change: Fraction, measure: OutcomeMeasure) -> bool:
    """Whether a change from `baseline` is at least the MIC, in points or in percent."""
    mic = measure.mic
    if mic is None or change == 0:
        return False
    size = abs(change)
    if size >= Fraction(str(mic.points)):
        return True
    # 30% of the first score, compared exactly: size / baseline >= percent / 100.
    return (
        mic.percent is not None
        and baseline > 0
        and size * 100 >= Fraction(str(mic.percent)) * baseline
    )


#: Ask the questionnaires again once this many days have passed since the last answer.
REASK_DAYS = 14

DueReason = Literal["start", "two_weeks"]


@dataclass(frozen=True, slots=True)
class QuestionnaireDue:
    """A questionnaire to answer now, and why: the programme started, or two weeks passed."""

    instrument: str
    reason: DueReason
    last: dt.date | None
    """When it was last answered, if ever."""


def due_questionnaires(
    last_answered: Mapping[str, dt.date | None],
    *,
    started_on: dt.date | None,
    today: dt.date,
) -> tuple[QuestionnaireDue, ...]:
    """The questionnaires to ask for: at the start of the programme, then every two weeks.

    `started_on` is when the runner's programme began (None before any: nothing is asked);
    `last_answered` holds the last date each questionnaire was answered, by instrument.
    """
    if started_on is None or started_on > today:
        return ()
    due = []
    for instrument, last in last_answered.items():
        if last is None or last < started_on:
            due.append(QuestionnaireDue(instrument, "start", last))
        elif (today - last).days >= REASK_DAYS:
            due.append(QuestionnaireDue(instrument, "two_weeks", last))
    return tuple(due)
