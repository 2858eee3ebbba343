"""What an assessment takes from a form analysis: the findings, with their numbers and cues.

Kept apart from `backstride.form.findings` (which measures with numpy) so that an assessment,
which only reads these records, starts without loading numpy or the pose pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["FormEvidence", "FormFinding"]


@dataclass(frozen=True, slots=True)
class FormFinding:
    """A finding of one analysis: what, the evidence in numbers, the cues, the sources."""

    id: str
    name: str
    evidence: str
    advice: str
    cues: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FormEvidence:
    """The findings of a runner's latest usable form analysis, handed to an assessment."""

    analysed_on: date
    findings: tuple[FormFinding, ...]

    @property
    def cues(self) -> tuple[str, ...]:
        """The cues the findings call for, once each, the first finding's first."""
        return tuple(dict.fromkeys(cue for f in self.findings for cue in f.cues))
