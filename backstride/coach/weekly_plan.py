"""The week ahead: seven days of return-to-run sessions, strength, cross-training and mobility.

Run sessions (the current return-to-run stage) go on the runner's available weekdays, never two
days running, at most `RUN_SESSIONS_MAX` a week. The other days hold core and strength work,
cross-training and active rest, with at least one strength and one cross-training day. Every
day has the same short mobility routine, and every session day its warm-up and cool-down.
Each item carries the id of its knowledge entry and a dose.

```python
plan = plan_week(knowledge, today=date(2026, 3, 2), run_days=(0, 2, 4), stage=3)
[day.kind for day in plan.days]    # ["run", "strength", "run", "cross_training", "run", ...]
```
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import Literal

from backstride.coach.prescription import AGGRAVATOR_MOVEMENTS
from backstride.knowledge.models import Advice, Exercise, KnowledgeBase, Phase, ReturnToRunStage

DayKind = Literal["run", "strength", "cross_training", "rest"]
ItemKind = Literal["warm_up", "walk", "run", "cool_down", "strength", "cross_training", "mobility"]

DAYS = 7
RUN_SESSIONS_MAX = 3
"""Run sessions a week. The programme runs at most every other day with cross-training between
(mgh_return_to_running); three a week keep that rule when the same weekdays repeat next week."""

STRENGTH_DAYS_MAX = 2
"""Strength doses ask for one to three sessions a week; two never fall on consecutive days here."""
CROSS_TRAINING_DAYS_MAX = 2
OTHER_DAY_ORDER: tuple[DayKind, ...] = ("strength", "cross_training", "rest")
"""The days without a run session take these kinds in turn (within the maximums above)."""

MOBILITY_EXERCISES = 3
STRENGTH_EXERCISES = 5
MOBILITY_TARGETS = ("lower", "hips", "thoracic", "legs")
STRENGTH_TARGETS = ("core", "hips", "lower", "core", "side", "upper")
"""The strength session takes one exercise for each target in turn: core first and most."""

WALK_WARM_UP = ("gradual_pace_build",)
RUN_WARM_UP = ("brisk_walk", "butt_kicks", "high_knees", "gradual_pace_build")
WALK_COOL_DOWN = ("stretching",)
RUN_COOL_DOWN = ("gradual_slow_down", "stretching")

# Advice entries have no dose of their own; these say how much of each group to do.
WARM_UP_DOSE = "About 5-10 minutes in all, before the session."
COOL_DOWN_DOSE = "About 5 minutes in all, after the session."
SHORT_WALK_DOSE = "About 10 minutes, once or more during the day, at a comfortable pace."

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """One thing to do on a day: its knowledge id, what it is, how much, and how."""

    id: str
    kind: ItemKind
    name: str
    dose: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """One day of the week ahead. `id` names the knowledge entry the day's session follows."""

    date: date
    kind: DayKind
    id: str
    title: str
    items: tuple[PlannedItem, ...]

    @property
    def weekday(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]


@dataclass(frozen=True, slots=True)
class PlanNote:
    """Advice for the whole week, with the id of its knowledge entry."""

    id: str
    name: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WeeklyPlan:
    """The next seven days from `start`, at return-to-run `stage` of `stages`."""

    start: date
    stage: int
    stages: int
    stage_id: str
    stage_name: str
    run_days: tuple[int, ...]
    days: tuple[PlannedDay, ...]
    notes: tuple[PlanNote, ...]
    """Advice for the whole week (stop when it hurts, soft flat ground), with their ids."""
    skipped_run_dates: tuple[date, ...] = ()
    """Run days left without a run session because the runner ran the day before."""


def plan_week(
    knowledge: KnowledgeBase,
    *,
    today: date,
    run_days: Collection[int],
    stage: int = 1,
    last_run_on: date | None = None,
    aggravators: Collection[str] = (),
) -> WeeklyPlan:
    """Lay out the seven days from `today`. Pure: same inputs, same plan.

    `run_days` are the weekdays the runner can run (0 is Monday); `last_run_on` the day of the
    last run already done, so the week does not start with a run the day after it;
    `aggravators` (intake names) leave out the exercises they rule out. `stage` is clamped to
    the programme's stages.
    """
    if any(isinstance(day, bool) or day not in range(7) for day in run_days):
        raise ValueError(f"run days are weekday numbers 0 (Monday) to 6, not {sorted(run_days)}")
    stages = sorted(knowledge.return_to_run, key=lambda s: s.stage)
    current = stages[min(max(stage, 1), len(stages)) - 1]
    phase: Phase = "prevention" if current.stage == len(stages) else "subacute"
    dates = [today + timedelta(days=offset) for offset in range(DAYS)]
    runs = choose_run_dates(dates, run_days, last_run_on)
    skipped = sorted(choose_run_dates(dates, run_days) - runs)
    kinds = _day_kinds(dates, runs)
    excluded = frozenset(aggravators)
    mobility = tuple(_mobility(knowledge, phase, excluded))
    strength = tuple(_strength(knowledge, phase, excluded))
    days = tuple(
        _day(knowledge, day, kind, current, mobility, strength)
        for day, kind in zip(dates, kinds, strict=True)
    )
    return WeeklyPlan(
        start=today,
        stage=current.stage,
        stages=len(stages),
        stage_id=current.id,
        stage_name=current.name,
        run_days=tuple(sorted(set(run_days))),
        days=days,
        notes=_notes(knowledge, current, len(stages)),
        skipped_run_dates=tuple(skipped),
    )


def choose_run_dates(
    dates: Sequence[date], run_days: Collection[int], last_run_on: date | None = None
) -> frozenset[date]:
    """The run-session dates among `dates`: never two days running, at most RUN_SESSIONS_MAX.

    Weekdays are chosen as a weekly pattern (Sunday and Monday count as consecutive), as many
    as fit, spread as evenly as possible, earliest weekdays first on ties. A date the day after
    `last_run_on` (or on it) is left out.
    """
    pattern = _weekday_pattern(frozenset(run_days))
    return frozenset(
        day
        for day in dates
        if day.weekday() in pattern and (last_run_on is None or (day - last_run_on).days > 1)
    )


def _weekday_pattern(available: frozenset[int]) -> tuple[int, ...]:
    for count in range(min(RUN_SESSIONS_MAX, len(available)), 0, -1):
        patterns = [p for p in combinations(sorted(available), count) if _min_gap(p) > 1]
        if patterns:
            # Widest spacing first, then the earliest weekdays (combinations come sorted).
            return max(patterns, key=_min_gap)
    return ()


def _min_gap(weekdays: tuple[int, ...]) -> int:
    """The fewest days from one run weekday to the next, going round the week."""
    if len(weekdays) == 1:
        return 7
    following = (*weekdays[1:], weekdays[0] + 7)
    return min(b - a for a, b in zip(weekdays, following, strict=True))


def _day_kinds(dates: Sequence[date], runs: frozenset[date]) -> list[DayKind]:
    kinds: list[DayKind] = []
    budget = {"strength": STRENGTH_DAYS_MAX, "cross_training": CROSS_TRAINING_DAYS_MAX}
    turn = 0
    for day in dates:
        if day in runs:
            kinds.append("run")
            continue
        kind = OTHER_DAY_ORDER[turn % len(OTHER_DAY_ORDER)]
        turn += 1
        if budget.get(kind, 1) <= 0:
            kind = "rest"
        elif kind in budget:
            budget[kind] -= 1
        kinds.append(kind)
    return kinds


def _day(
    knowledge: KnowledgeBase,
    day: date,
    kind: DayKind,
    stage: ReturnToRunStage,
    mobility: tuple[PlannedItem, ...],
    strength: tuple[PlannedItem, ...],
) -> PlannedDay:
    if kind == "run":
        walking = stage.run_min == 0
        session = _stage_item(stage)
        warm_up = _advice_items(
            knowledge.warm_up, WALK_WARM_UP if walking else RUN_WARM_UP, "warm_up", WARM_UP_DOSE
        )
        cool_down = _advice_items(
            knowledge.cool_down,
            WALK_COOL_DOWN if walking else RUN_COOL_DOWN,
            "cool_down",
            COOL_DOWN_DOSE,
        )
        title = f"Stage {stage.stage}: {stage.name}"
        return PlannedDay(day, kind, stage.id, title, (*warm_up, session, *cool_down, *mobility))
    if kind == "strength":
        entry = _advice(knowledge.prevention, "core_training_weekly")
        return PlannedDay(day, kind, entry.id, "Core and strength", (*strength, *mobility))
    if kind == "cross_training":
        entry = _advice(knowledge.prevention, "cross_training_weekly")
        minutes = f"{stage.total_min:g} minutes"
        item = PlannedItem(
            id=entry.id,
            kind="cross_training",
            name="Cross-training",
            dose=f"{minutes} at an easy effort: you can still talk in full sentences.",
            steps=(entry.text, *entry.details),
            sources=tuple(entry.sources),
        )
        return PlannedDay(day, kind, entry.id, "Cross-training", (item, *mobility))
    rest = _advice(knowledge.self_care, "active_rest")
    walk = _advice_items(knowledge.self_care, ("short_walk",), "walk", SHORT_WALK_DOSE)
    return PlannedDay(day, kind, rest.id, "Active rest", (*walk, *mobility))


def _stage_item(stage: ReturnToRunStage) -> PlannedItem:
    if stage.run_min == 0:
        dose = f"{stage.total_min:g} minutes of brisk walking."
    elif stage.walk_min == 0 or stage.repeats == 1:
        walk = f"walk {stage.walk_min:g} minutes, then " if stage.walk_min else ""
        dose = f"{walk}{stage.run_min:g} minutes of easy running ({stage.total_min:g} minutes)."
        dose = dose[0].upper() + dose[1:]
    else:
        dose = (
            f"Walk {stage.walk_min:g} min, run {stage.run_min:g} min, {stage.repeats} times "
            f"({stage.total_min:g} minutes)."
        )
    return PlannedItem(
        id=stage.id,
        kind="walk" if stage.run_min == 0 else "run",
        name=stage.name,
        dose=dose,
        steps=(stage.session,),
        sources=tuple(stage.sources),
    )


def _mobility(
    knowledge: KnowledgeBase, phase: Phase, aggravators: frozenset[str]
) -> Iterable[PlannedItem]:
    def fits(e: Exercise) -> bool:
        return bool({"mobility", "stretch"} & set(e.movement))

    chosen = _pick(
        _fitting(knowledge, phase, aggravators, fits), MOBILITY_TARGETS, MOBILITY_EXERCISES
    )
    return (_exercise_item(e, "mobility") for e in chosen)


def _strength(
    knowledge: KnowledgeBase, phase: Phase, aggravators: frozenset[str]
) -> Iterable[PlannedItem]:
    def fits(e: Exercise) -> bool:
        return bool({"strength", "stability"} & set(e.movement))

    # Exercises that need no equipment first: the session should work at home.
    candidates = sorted(
        _fitting(knowledge, phase, aggravators, fits), key=lambda e: bool(e.equipment)
    )
    chosen = _pick(candidates, STRENGTH_TARGETS, STRENGTH_EXERCISES)
    return (_exercise_item(e, "strength") for e in chosen)


def _fitting(
    knowledge: KnowledgeBase,
    phase: Phase,
    aggravators: frozenset[str],
    fits: Callable[[Exercise], bool],
) -> list[Exercise]:
    """Exercises for `phase` that `fits` accepts and no aggravator rules out."""
    excluded_movements: set[str] = set()
    for aggravator in aggravators:
        excluded_movements |= AGGRAVATOR_MOVEMENTS.get(aggravator, frozenset())
    return [
        e
        for e in knowledge.exercises
        if phase in e.phase
        and fits(e)
        and not aggravators.intersection(e.avoid_if)
        and not excluded_movements.intersection(e.movement)
    ]


def _pick(candidates: Sequence[Exercise], targets: Sequence[str], count: int) -> list[Exercise]:
    """One exercise per target in turn, in the candidates' order, then any left, up to `count`."""
    chosen: list[Exercise] = []
    for target in targets:
        match = next((e for e in candidates if target in e.target and e not in chosen), None)
        if match is not None and len(chosen) < count:
            chosen.append(match)
    chosen += [e for e in candidates if e not in chosen][: max(count - len(chosen), 0)]
    return chosen


def _exercise_item(exercise: Exercise, kind: ItemKind) -> PlannedItem:
    return PlannedItem(
        id=exercise.id,
        kind=kind,
        name=exercise.name,
        dose=exercise.dose,
        steps=tuple(exercise.steps),
        sources=tuple(exercise.sources),
    )


def _advice(group: Sequence[Advice], entry_id: str) -> Advice:
    for entry in group:
        if entry.id == entry_id:
            return entry
    raise KeyError(f"the knowledge base has no entry {entry_id!r}")


def _advice_items(
    group: Sequence[Advice], ids: Iterable[str], kind: ItemKind, dose: str
) -> tuple[PlannedItem, ...]:
    items = []
    for entry_id in ids:
        entry = _advice(group, entry_id)
        steps = (entry.text, *entry.details)
        items.append(PlannedItem(entry.id, kind, entry.name, dose, steps, tuple(entry.sources)))
    return tuple(items)


def _notes(knowledge: KnowledgeBase, stage: ReturnToRunStage, stages: int) -> tuple[PlanNote, ...]:
    ids = ["stop_when_painful"] + (["soft_flat_surfaces"] if stage.stage < stages else [])
    entries = (_advice(knowledge.self_care, entry_id) for entry_id in ids)
    return tuple(PlanNote(e.id, e.name, e.text, tuple(e.sources)) for e in entries)
