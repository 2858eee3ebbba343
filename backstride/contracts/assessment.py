"""The assessment output (contract version 1): what `backstride assess --format json` prints.

These models describe and check the document; `services.assess.assessment_document` builds it.
Required keys never go away; new keys may be added (consumers must ignore unknown keys).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backstride.domain import RunningDecision, StartBackRisk, TriageLevel

SCHEMA_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Reason(_Out):
    id: str
    text: str
    sources: list[str] = Field(min_length=1)


class TriageOut(_Out):
    level: TriageLevel
    reasons: list[Reason]
    advice: str = Field(min_length=1)


class RunningOut(_Out):
    decision: RunningDecision
    rest_days: int = Field(ge=0)
    why: list[str] = Field(min_length=1)


class StartBackOut(_Out):
    total: int = Field(ge=0, le=9)
    psychosocial: int = Field(ge=0, le=5)
    risk: StartBackRisk


class FactorOut(_Out):
    id: str
    evidence: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class ExerciseOut(_Out):
    id: str
    name: str
    dose: str
    sources: list[str] = Field(min_length=1)


class AdviceOut(_Out):
    id: str
    text: str
    sources: list[str] = Field(min_length=1)


class PlanOut(_Out):
    exercises: list[ExerciseOut]
    self_care: list[AdviceOut]
    warm_up: list[AdviceOut]
    cool_down: list[AdviceOut]
    form_cues: list[AdviceOut]


class AssessmentOut(_Out):
    """The whole output document."""

    schema_version: Literal[1]
    triage: TriageOut
    running: RunningOut
    startback: StartBackOut | None
    factors: list[FactorOut]
    plan: PlanOut
    disclaimer: str = Field(min_length=1)
