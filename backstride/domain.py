"""The small frozen value types every layer shares. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

TriageLevel = Literal["emergency", "urgent", "see_doctor", "self_care"]
RunningDecision = Literal["stop", "reduce", "continue"]
StartBackRisk = Literal["low", "medium", "high"]

#: Triage levels from the most to the least serious.
TRIAGE_LEVELS: tuple[TriageLevel, ...] = ("emergency", "urgent", "see_doctor", "self_care")


def triage_rank(level: TriageLevel) -> int:
    """Seriousness of a level: 3 for emergency down to 0 for self_care."""
    return len(TRIAGE_LEVELS) - 1 - TRIAGE_LEVELS.index(level)


@dataclass(frozen=True, slots=True)
class Activity:
    """One session read from an activity file (a multisport file gives several).

    Numbers are the device's session totals where the file has them; unknown values are None.
    `start` is timezone-aware (UTC).
    """

    start: datetime
    sport: str
    sub_sport: str | None
    distance_m: float | None
    elapsed_s: float | None
    timer_s: float | None
    ascent_m: float | None
    descent_m: float | None
    device: str | None
    source_file: str
    sha256: str
    file_format: Literal["fit", "gpx", "tcx", "csv", "json"]
    session_index: int = 0
