"""What the store gives back: small frozen values, never ORM rows.

Documents the runner gave (an intake, an assessment output, a check-in) come back as the JSON
values that were saved. `Activity` is the shared domain type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from backstride.domain import Activity

ReturnToRunStatus = Literal["active", "stopped", "completed"]

#: The key of the one runner of personal mode.
PERSONAL_RUNNER_KEY = "personal"


@dataclass(frozen=True, slots=True)
class Runner:
    """A runner's profile.

    `run_days` are the days the runner can run, as `date.weekday()` numbers (0 is Monday);
    None until they have been asked. `time_zone` is an IANA name such as "Europe/Paris".
    """

    id: int
    key: str
    name: str | None
    time_zone: str
    run_days: tuple[int, ...] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """A stored assessment: the intake and output JSON as given, with their key values."""

    id: int
    created_at: datetime
    intake: dict[str, Any]
    output: dict[str, Any]
    triage_level: str
    running_decision: str


@dataclass(frozen=True, slots=True)
class FormAnalysisRecord:
    """A stored form analysis: its document as printed, and whether a picture or video is kept."""

    id: int
    created_at: datetime
    file_name: str
    usable: bool
    document: dict[str, Any]
    has_key_frame: bool
    has_video: bool


@dataclass(frozen=True, slots=True)
class CheckInRecord:
    """A stored check-in: the check-in JSON as given (`data`) and the values read from it."""

    date: date
    data: dict[str, Any]
    morning_pain: int | None
    session_kind: str | None
    max_pain: int | None
    pain_after: int | None
    limp: bool | None
    new_leg_symptoms: bool | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """A stored outcome questionnaire: its JSON as given (`data`) and its score."""

    date: date
    instrument: str
    data: dict[str, Any]
    score: float
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ReturnToRunState:
    """Where a runner stands in a return-to-run programme.

    `id` is None for a programme not saved yet; `save_return_to_run` gives back the saved one.
    `created_at` is when it was first saved (its start) and never changes; `updated_at` moves
    each time it is saved again, e.g. on every check-in.
    """

    started_on: date
    stage: int
    status: ReturnToRunStatus = "active"
    last_decision: str | None = None
    why: tuple[str, ...] = ()
    decided_on: date | None = None
    id: int | None = None
    updated_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredActivity:
    """An activity and the id the store gave it."""

    id: int
    activity: Activity


@dataclass(frozen=True, slots=True)
class ActivitiesSaved:
    """The outcome of `save_activities`: what was added and how many were duplicates."""

    added: tuple[StoredActivity, ...] = ()
    duplicates: int = 0

    @property
    def added_count(self) -> int:
        return len(self.added)


@dataclass(frozen=True, slots=True)
class ActivityFile:
    """An original activity file as it was imported, byte for byte."""

    sha256: str
    file_name: str
    content: bytes = field(repr=False)
    stored_at: datetime
