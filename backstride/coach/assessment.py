"""One assessment: triage, running decision, STarT Back, contributing factors and the plan."""

from __future__ import annotations

from dataclasses import dataclass

from backstride.coach.factors import FactorFinding, recognise_factors
from backstride.coach.prescription import Plan, prescribe
from backstride.coach.running import RunningAdvice, decide_running
from backstride.coach.screening import StartBackScore, score_startback
from backstride.coach.triage import Triage, triage
from backstride.contracts.intake import Intake
from backstride.form.evidence import FormEvidence
from backstride.knowledge.models import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything Backstride concludes from one intake."""

    intake: Intake
    triage: Triage
    running: RunningAdvice
    startback: StartBackScore | None
    factors: tuple[FactorFinding, ...]
    plan: Plan


def assess(
    intake: Intake, knowledge: KnowledgeBase, form: FormEvidence | None = None
) -> Assessment:
    """Assess an intake: triage first, then running, risk, causes and the plan. Pure.

    `form` is the runner's latest usable form analysis, when there is one: its findings become
    the evidence of poor running form and put their cues first.
    """
    safety = triage(intake, knowledge)
    running = decide_running(intake, safety, knowledge)
    startback = score_startback(intake.startback)
    factors = recognise_factors(intake, knowledge, form)
    plan = prescribe(intake, safety, running, factors, startback, knowledge, form)
    return Assessment(intake, safety, running, startback, factors, plan)
