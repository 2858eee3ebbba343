"""Findings: what in a runner's measured form may load the back, with the numbers.

Each finding is an entry of the knowledge base (`form_findings`: its measure, threshold, cues
and sources); the evidence sentence quoting the runner's own numbers is built here, one small
function per finding, as the contributing factors are. Only a usable clip gives findings.
"""

from __future__ import annotations

from collections.abc import Callable

from backstride.form.evidence import FormEvidence, FormFinding
from backstride.form.metrics import RUNNING_CADENCE_SPM, FormMetrics
from backstride.knowledge.models import FormFinding as FindingRule
from backstride.knowledge.models import KnowledgeBase

__all__ = ["EVIDENCE", "FormEvidence", "FormFinding", "find_form_findings", "metric_value"]

Evidence = Callable[[FormMetrics, FindingRule], str]
EVIDENCE: dict[str, Evidence] = {}


def _evidence(finding_id: str) -> Callable[[Evidence], Evidence]:
    def register(func: Evidence) -> Evidence:
        EVIDENCE[finding_id] = func
        return func

    return register


def find_form_findings(metrics: FormMetrics, knowledge: KnowledgeBase) -> tuple[FormFinding, ...]:
    """Every finding whose measure passes its threshold, in the knowledge base's order."""
    found = []
    for rule in knowledge.form_findings:
        value = metric_value(metrics, rule.metric)
        if value is None or not _passes(value, rule):
            continue
        describe = EVIDENCE.get(rule.id, _generic)
        found.append(
            FormFinding(
                rule.id,
                rule.name,
                describe(metrics, rule),
                rule.advice,
                tuple(rule.cues),
                tuple(rule.sources),
            )
        )
    return tuple(found)


def metric_value(metrics: FormMetrics, metric: str) -> float | None:
    """The measure a finding is judged on; cadence only within running cadences."""
    value: float | None = getattr(metrics, metric)
    if metric == "cadence_spm" and value is not None:
        low, high = RUNNING_CADENCE_SPM
        return value if low <= value <= high else None
    return value


def _passes(value: float, rule: FindingRule) -> bool:
    if rule.above is not None:
        return value > rule.above
    return rule.below is not None and value < rule.below


@_evidence("overstriding")
def _overstriding(metrics: FormMetrics, rule: FindingRule) -> str:
    heel = metrics.heel_ahead_leg_lengths
    ahead = f" and your heel {heel:.2f} leg lengths ahead of your hips" if heel is not None else ""
    return (
        f"As your foot landed, your shin pointed {metrics.shank_angle_deg:.0f}° past vertical"
        f"{ahead} (median of {len(metrics.steps)} steps); Backstride flags more than "
        f"{rule.above:g}°."
    )


@_evidence("low_cadence")
def _low_cadence(metrics: FormMetrics, rule: FindingRule) -> str:
    cadence = metrics.cadence_spm or 0.0
    return (
        f"You took {cadence:.0f} steps a minute; runners with back pain averaged 166 and "
        f"runners without it 171. 5 to 10% more would be {cadence * 1.05:.0f} to "
        f"{cadence * 1.10:.0f}."
    )


@_evidence("forward_trunk_lean")
def _forward_trunk_lean(metrics: FormMetrics, rule: FindingRule) -> str:
    change = metrics.trunk_lean_change_deg
    trend = ""
    if metrics.trunk_lean_trend == "more_lean" and change is not None:
        trend = f", leaning {change:.0f}° further by the end of the clip"
    return (
        f"Your trunk leaned {metrics.trunk_lean_deg:.0f}° forward{trend}; Backstride flags "
        f"more than {rule.above:g}°."
    )


@_evidence("head_forward")
def _head_forward(metrics: FormMetrics, rule: FindingRule) -> str:
    return (
        f"Your head was carried {metrics.head_forward_deg:.0f}° ahead of your trunk line (a "
        f"level head reads about 25°); Backstride flags {rule.above:g}° or more."
    )


def _generic(metrics: FormMetrics, rule: FindingRule) -> str:
    value = metric_value(metrics, rule.metric)
    limit = f"above {rule.above:g}" if rule.above is not None else f"below {rule.below:g}"
    return f"Measured {value:.1f} ({rule.metric}), {limit}."
