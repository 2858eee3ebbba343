"""The plan: exercises with their doses, self-care, warm-up, cool-down and form cues.

Chosen by the phase of the pain (gentle mobility in the first days, strength later, prevention
when pain-free), by where it hurts, and by what makes it worse: no rotation when twisting
hurts, nothing an exercise's `avoid_if` names. In the first days every exercise works where it
hurts (thoracic mobility for the upper and middle back, side bends for the side), never the
lower-back set for every region. An emergency or urgent triage gives no exercise plan at all,
only what to do now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from backstride.coach.factors import FactorFinding
from backstride.coach.running import RunningAdvice
from backstride.coach.screening import StartBackScore
from backstride.coach.triage import Triage
from backstride.contracts.intake import Intake, Region
from backstride.form.evidence import FormEvidence
from backstride.knowledge.models import Exercise, KnowledgeBase, Phase, Target

ACUTE_DAYS = 3
"""The first days after onset, when only gentle mobility is given."""
PAIN_FREE_MAX = 2
"""Worst pain this week at or below which the runner is treated as pain-free (prevention)."""
EXERCISES_PER_PHASE: dict[Phase, int] = {"acute": 4, "subacute": 5, "prevention": 6}
EDUCATION_ITEMS = 4
"""Facts shown with a plan: enough to explain it, few enough to be read."""

REGION_TARGETS: dict[Region, frozenset[Target]] = {
    "upper": frozenset({"upper", "thoracic"}),
    "mid": frozenset({"thoracic", "core"}),
    "side": frozenset({"side", "core"}),
    "lower": frozenset({"lower", "core", "hips"}),
    "buttock": frozenset({"hips", "lower", "legs"}),
}
DEFAULT_TARGETS: frozenset[Target] = frozenset({"lower", "core", "hips"})

# Which movements a painful activity rules out, on top of each exercise's own `avoid_if`.
AGGRAVATOR_MOVEMENTS: dict[str, frozenset[str]] = {
    "twisting": frozenset({"rotation"}),
    "lifting": frozenset({"loaded"}),
}
GENTLE_MOVEMENTS_EXCLUDED = frozenset({"rotation", "loaded"})
"""Never in the acute phase."""


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One item of the plan, with the id of its knowledge entry."""

    id: str
    name: str
    text: str
    sources: tuple[str, ...]
    dose: str | None = None
    steps: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do: empty of exercises when the runner must see a clinician first."""

    phase: Phase | Literal["none"]
    exercises: tuple[PlanItem, ...]
    self_care: tuple[PlanItem, ...]
    warm_up: tuple[PlanItem, ...]
    cool_down: tuple[PlanItem, ...]
    form_cues: tuple[PlanItem, ...]
    prevention: tuple[PlanItem, ...]
    education: tuple[PlanItem, ...]


def choose_phase(intake: Intake, running: RunningAdvice) -> Phase:
    """Acute in the first days or whenever running must stop; prevention only when pain-free.

    Stopping comes first: a runner told to stop gets gentle mobility, never loaded strength
    work, however low the scores they gave. Pain-free means at least one score given and every
    score given at or below `PAIN_FREE_MAX`.
    """
    pain = intake.pain
    early = pain.days_since_onset is not None and pain.days_since_onset <= ACUTE_DAYS
    if running.decision == "stop" or early:
        return "acute"
    scores = [s for s in (pain.nrs_now, pain.nrs_worst_week, pain.nrs_during_run) if s is not None]
    if scores and max(scores) <= PAIN_FREE_MAX:
        return "prevention"
    return "subacute"


def prescribe(
    intake: Intake,
    triage: Triage,
    running: RunningAdvice,
    factors: tuple[FactorFinding, ...],
    startback: StartBackScore | None,
    knowledge: KnowledgeBase,
    form: FormEvidence | None = None,
) -> Plan:
    """Build the plan for this runner. Pure: same input, same output.

    With a form analysis, the cues its findings call for come first among the form cues.
    """
    if triage.level in ("emergency", "urgent"):
        see = _items(knowledge, ["see_clinician"])
        return Plan("none", (), see, (), (), (), (), ())
    phase = choose_phase(intake, running)
    helped = {ref for f in factors for ref in f.helps}
    return Plan(
        phase=phase,
        exercises=choose_exercises(intake, phase, helped, knowledge),
        self_care=_items(knowledge, _self_care_ids(intake, triage, running, startback)),
        warm_up=_items(knowledge, _warm_up_ids(running, phase)),
        cool_down=_items(knowledge, _cool_down_ids(running)),
        form_cues=_items(knowledge, _form_cue_ids(intake, factors, form)),
        prevention=_items(knowledge, [p.id for p in knowledge.prevention if p.id in helped]),
        education=_education(factors, phase, intake.pain.regions, knowledge),
    )


def choose_exercises(
    intake: Intake, phase: Phase, helped: set[str], knowledge: KnowledgeBase
) -> tuple[PlanItem, ...]:
    """The exercises for this phase that suit where it hurts and avoid what makes it worse."""
    targets = _targets(intake.pain.regions)
    excluded = _excluded_movements(intake, phase)
    aggravators = frozenset(intake.pain.aggravators)
    fitting = [
        e
        for e in knowledge.memo("exercise_tags", _exercise_tags)
        if phase in e.phase and not (e.avoid_if & aggravators or e.movement & excluded)
    ]
    if phase == "acute":
        # Gentle movement where it hurts only: a sore upper back gets no knees-to-chest. The
        # whole gentle set stays as a fallback, should nothing for the region be left.
        fitting = [e for e in fitting if targets & e.target] or fitting
    # Stable sort: exercises for the painful regions and the runner's factors come first, then
    # the knowledge base's own order.
    fitting.sort(key=lambda e: (-len(targets & e.target), e.id not in helped))
    return _items(knowledge, (e.id for e in fitting[: EXERCISES_PER_PHASE[phase]]))


@dataclass(frozen=True, slots=True)
class _Tags:
    """An exercise's tags as sets, for quick matching."""

    id: str
    phase: frozenset[str]
    target: frozenset[str]
    movement: frozenset[str]
    avoid_if: frozenset[str]


def _exercise_tags(knowledge: KnowledgeBase) -> list[_Tags]:
    return [
        _Tags(
            e.id,
            frozenset(e.phase),
            frozenset(e.target),
            frozenset(e.movement),
            frozenset(e.avoid_if),
        )
        for e in knowledge.exercises
    ]


def _targets(regions: Iterable[Region]) -> frozenset[Target]:
    chosen = frozenset().union(*(REGION_TARGETS[r] for r in regions))
    return chosen or DEFAULT_TARGETS


def _excluded_movements(intake: Intake, phase: Phase) -> frozenset[str]:
    excluded: set[str] = set(GENTLE_MOVEMENTS_EXCLUDED) if phase == "acute" else set()
    for aggravator in intake.pain.aggravators:
        excluded |= AGGRAVATOR_MOVEMENTS.get(aggravator, frozenset())
    return frozenset(excluded)


def _exercise_item(exercise: Exercise) -> PlanItem:
    return PlanItem(
        id=exercise.id,
        name=exercise.name,
        text=exercise.steps[0],
        sources=tuple(exercise.sources),
        dose=exercise.dose,
        steps=tuple(exercise.steps),
        cautions=tuple(exercise.cautions),
    )


def _self_care_ids(
    intake: Intake, triage: Triage, running: RunningAdvice, startback: StartBackScore | None
) -> list[str]:
    pain = intake.pain
    in_pain = max((s for s in (pain.nrs_now, pain.nrs_worst_week) if s is not None), default=0) > 0
    ids = []
    if running.decision == "stop":
        ids.append("active_rest")
    if in_pain:
        ids += ["short_walk", "cold_then_heat", "otc_pain_relief"]
    if running.decision == "reduce":
        ids += ["soft_flat_surfaces", "avoid_downhill"]
    elif "downhill" in pain.aggravators:
        ids.append("avoid_downhill")
    if running.decision != "stop" and in_pain:
        ids.append("stop_when_painful")
    if triage.level != "self_care" or (startback is not None and startback.risk == "high"):
        ids.append("see_clinician")
    return ids


def _warm_up_ids(running: RunningAdvice, phase: Phase) -> list[str]:
    if running.decision == "stop":
        return []  # no run to warm up for: the self-care walks and mobility are the plan
    if phase == "prevention" and running.decision == "continue":
        return ["brisk_walk", "lunges", "butt_kicks", "high_knees", "strides", "gradual_pace_build"]
    return ["brisk_walk", "butt_kicks", "gradual_pace_build", "stationary_bike"]


def _cool_down_ids(running: RunningAdvice) -> list[str]:
    if running.decision == "stop":
        return []
    if running.decision == "continue":
        return ["gradual_slow_down", "stretching", "easy_bike"]
    return ["gradual_slow_down", "stretching"]


def _form_cue_ids(
    intake: Intake, factors: tuple[FactorFinding, ...], form: FormEvidence | None
) -> list[str]:
    regions = set(intake.pain.regions)
    factor_ids = {f.id for f in factors}
    measured = list(form.cues) if form is not None else []
    ids = [*measured, "head_up_centred", "look_ahead", "relaxed_level_shoulders", "core_engaged"]
    if regions & {"upper", "mid"}:
        ids += ["relaxed_jaw_neck", "chest_up", "stable_upper_body"]
    if regions & {"lower", "buttock"} or not regions:
        ids += ["back_straight", "midfoot_landing"]
    if "twisting" in intake.pain.aggravators or "side" in regions:
        ids += ["no_waist_twist", "arms_front_to_back"]
    if factor_ids & {"downhill_running", "hard_surfaces", "rapid_mileage_increase"}:
        ids += ["short_stride"]
    ids.append("no_overstriding")
    return ids


def _education(
    factors: tuple[FactorFinding, ...],
    phase: Phase,
    regions: Iterable[Region],
    knowledge: KnowledgeBase,
) -> tuple[PlanItem, ...]:
    """The facts shown with the plan: movement first, then where it hurts, then the causes."""
    wanted = ["non_specific_pain_likes_movement"] if phase != "prevention" else []
    painful = set(regions)
    wanted += [e.id for e in knowledge.education if painful & set(e.regions)]
    by_factor = {f.id: f for f in knowledge.factors}
    for finding in factors:
        wanted += by_factor[finding.id].education
    items = {e.id: e for e in knowledge.education}
    chosen = list(dict.fromkeys(w for w in wanted if w in items))[:EDUCATION_ITEMS]
    return tuple(PlanItem(i, "", items[i].text, tuple(items[i].sources)) for i in chosen)


def _plan_items(knowledge: KnowledgeBase) -> dict[str, PlanItem]:
    """Every exercise and piece of advice as a plan item, by id (built once per base)."""
    items = {e.id: _exercise_item(e) for e in knowledge.exercises}
    for group in (
        knowledge.self_care,
        knowledge.warm_up,
        knowledge.cool_down,
        knowledge.form_cues,
        knowledge.prevention,
    ):
        items.update((a.id, PlanItem(a.id, a.name, a.text, tuple(a.sources))) for a in group)
    return items


def _items(knowledge: KnowledgeBase, ids: Iterable[str]) -> tuple[PlanItem, ...]:
    """The plan items named by `ids`, once each, in the order asked; unknown ids are a bug."""
    items = knowledge.memo("plan_items", _plan_items)
    return tuple(items[i] for i in dict.fromkeys(ids))
