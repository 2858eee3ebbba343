"""Safety triage: does this back pain need a clinician, and how soon?

Each rule below is a small named function registered under the id of its knowledge entry
(a red flag in `red_flags`, or a rule in `triage_rules`); the knowledge base gives its level,
the text the runner reads and its sources. The highest level that fires wins and every rule
that fired is listed. Unanswered questions count as "no" (a red flag not reported; "is it
improving?" not improving; "had back pain before?" a first episode), and where the answers
given already point to a serious cause, a missing detail counts against the runner too: severe
pain with no answer to "does it ease when you rest?" is not assumed to ease, and its own rule
says the answer is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backstride.contracts.intake import RED_FLAG_NAMES, Intake
from backstride.domain import TriageLevel, triage_rank
from backstride.knowledge.models import KnowledgeBase

Rule = Callable[[Intake], bool]

SEVERE_PAIN = 7
"""Pain (now or at worst this week) from which the answer to "does it ease when you rest?"
decides whether a doctor is needed within days."""

#: Every triage rule by its knowledge id. Red flags fire on their own answer.
RULES: dict[str, Rule] = {}


def _rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        RULES[rule_id] = func
        return func

    return register


def _red_flag(name: str) -> Rule:
    def fires(intake: Intake) -> bool:
        return getattr(intake.red_flags, name) is True

    fires.__doc__ = f"The runner answered yes to the red-flag question {name!r}."
    return fires


for _name in RED_FLAG_NAMES:
    RULES[_name] = _red_flag(_name)


@_rule("cancer_with_neurological_symptoms")
def _cancer_with_neurological_symptoms(intake: Intake) -> bool:
    """A history of cancer with leg weakness, numbness or tingling: possible cord compression."""
    flags = intake.red_flags
    neurological = flags.leg_weakness or flags.leg_numbness_or_tingling
    return flags.history_of_cancer is True and neurological is True


@_rule("osteoporosis_sudden_onset")
def _osteoporosis_sudden_onset(intake: Intake) -> bool:
    """Osteoporosis or steroids with a sudden onset (or onset not given): possible fracture."""
    return intake.red_flags.osteoporosis_or_steroids is True and intake.pain.onset != "gradual"


@_rule("leg_pain_below_knee")
def _leg_pain_below_knee(intake: Intake) -> bool:
    """Pain spreading below a knee: possible sciatica."""
    return intake.pain.leg_pain_below_knee is True


@_rule("severe_pain_not_easing")
def _severe_pain_not_easing(intake: Intake) -> bool:
    """Pain of 7/10 or more, now or at worst this week, that does not ease with rest."""
    return _worst_pain(intake) >= SEVERE_PAIN and intake.pain.eases_with_rest is False


@_rule("severe_pain_rest_not_answered")
def _severe_pain_rest_not_answered(intake: Intake) -> bool:
    """Pain of 7/10 or more and no answer to "does it ease with rest?": not assumed to ease."""
    return needs_rest_answer(intake) and intake.pain.eases_with_rest is None


def needs_rest_answer(intake: Intake) -> bool:
    """Whether "does it ease when you rest?" decides the triage: pain of 7/10 or more."""
    return _worst_pain(intake) >= SEVERE_PAIN


@_rule("not_improving_after_7_days")
def _not_improving_after_7_days(intake: Intake) -> bool:
    """Seven days or more of self-care and the pain is not improving (or not said to be)."""
    days = intake.pain.days_since_onset
    return days is not None and days >= 7 and intake.pain.improving is not True


@_rule("pain_over_6_weeks")
def _pain_over_6_weeks(intake: Intake) -> bool:
    """Pain lasting 42 days or more, whether or not it is improving."""
    days = intake.pain.days_since_onset
    return days is not None and days >= 42


@_rule("first_episode_over_50")
def _first_episode_over_50(intake: Intake) -> bool:
    """A first episode of back pain at 50 or over (no earlier episode reported)."""
    return intake.age >= 50 and intake.pain.previous_episodes is not True


@_rule("inflammatory_morning_stiffness")
def _inflammatory_morning_stiffness(intake: Intake) -> bool:
    """Morning stiffness over 30 minutes for 90 days or more: possible inflammatory back pain."""
    days = intake.pain.days_since_onset
    stiff = intake.pain.morning_stiffness_over_30min is True
    return stiff and days is not None and days >= 90


def _worst_pain(intake: Intake) -> int:
    scores = (intake.pain.nrs_now, intake.pain.nrs_worst_week)
    return max((s for s in scores if s is not None), default=0)


@dataclass(frozen=True, slots=True)
class TriageReason:
    """One rule that fired, with the text the runner reads and its sources."""

    id: str
    level: TriageLevel
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Triage:
    """The triage result: the highest level that fired, every reason, and what to do now."""

    level: TriageLevel
    reasons: tuple[TriageReason, ...]
    advice: str
    title: str
    unanswered: tuple[str, ...]
    """Red-flag questions the runner did not answer."""


def triage(intake: Intake, knowledge: KnowledgeBase) -> Triage:
    """Triage an intake by the policy of DESIGN.md. Pure: same input, same output."""
    reasons = tuple(
        sorted(
            (_reason(rule_id, knowledge) for rule_id, fires in RULES.items() if fires(intake)),
            key=lambda r: -triage_rank(r.level),
        )
    )
    level: TriageLevel = reasons[0].level if reasons else "self_care"
    advice = knowledge.memo("level_advice", lambda kb: {a.level: a for a in kb.triage_levels})[
        level
    ]
    unanswered = tuple(n for n in RED_FLAG_NAMES if getattr(intake.red_flags, n) is None)
    return Triage(level, reasons, advice.advice, advice.title, unanswered)


def _reason(rule_id: str, knowledge: KnowledgeBase) -> TriageReason:
    reasons = knowledge.memo("triage_reasons", _reasons)
    if rule_id not in reasons:
        raise LookupError(f"triage rule {rule_id!r} has no entry in the knowledge base")
    return reasons[rule_id]


def _reasons(knowledge: KnowledgeBase) -> dict[str, TriageReason]:
    reasons = {
        f.id: TriageReason(f.id, f.level, f.why, tuple(f.sources)) for f in knowledge.red_flags
    }
    for rule in knowledge.triage_rules:
        reasons[rule.id] = TriageReason(rule.id, rule.level, rule.text, tuple(rule.sources))
    return reasons
