"""The values the importers hand to their callers: sources to read and what reading each gave."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from backstride.domain import Activity

SourceKind = Literal["fit", "gpx", "tcx", "strava_csv", "garmin_summaries"]
OutcomeStatus = Literal["imported", "skipped", "failed"]

#: An activity file (after gunzip) larger than this is refused. A 24-hour recording at one
#: point a second is about 10 MB as FIT and 40 MB as GPX, so this leaves room without letting
#: one file take the memory of a small machine.
MAX_FILE_BYTES = 128 * 1024 * 1024

#: An index file in an export (activities.csv, summarizedActivities.json) is streamed, never
#: held in memory, so it may be much larger than an activity file.
MAX_INDEX_BYTES = 4 * 1024 * 1024 * 1024

#: Compressed data expanding more than this many times is a zip (or gzip) bomb. Activity files
#: compress 3 to 30 times; deflate cannot exceed about 1032.
MAX_EXPANSION_RATIO = 200

#: Below this size the ratio is not checked: a tiny, highly repetitive file is harmless.
RATIO_CHECK_FROM_BYTES = 1024 * 1024


class ActivityReader(Protocol):
    """What every format reader is: the bytes of one file in, its activities out.

    `file` names the source in the activities; `sha256` is the hash of `data` they carry.
    Readers raise `ImportFailed` subclasses (`NotAnActivity`, `NoUsableData`, `FileRefused`).
    """

    def __call__(self, data: bytes, *, file: str, sha256: str) -> list[Activity]: ...


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to import: a file on disk or a member of an export zip (possibly nested).

    `name` is what to show the user and what its activities' `source_file` says, named from the
    path the user gave ("run.fit", "runs/2024/run.fit", "export.zip/activities/1.fit"). `size`
    is the number of bytes it holds (before gunzip), for progress. `problem` is set when the scan
    already knows the file cannot be imported (refused, unsupported); reading it then fails with
    that message without touching the bytes.
    """

    name: str
    path: Path
    kind: SourceKind | None
    size: int = 0
    members: tuple[str, ...] = ()
    gzipped: bool = False
    sport_hint: tuple[str, str | None] | None = None
    problem: str | None = None

    @property
    def in_archive(self) -> bool:
        """Whether the bytes come from inside a zip."""
        return bool(self.members)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What reading one source gave: activities, or why it was skipped or failed.

    `reason` is in plain words without the file name (the contract reports `file` apart);
    `str(outcome)` joins them for a log line.
    """

    source: SourceFile
    status: OutcomeStatus
    activities: tuple[Activity, ...] = ()
    reason: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def file(self) -> str:
        """The name of the source, as shown to the user."""
        return self.source.name

    def __str__(self) -> str:
        if self.status == "imported":
            return f"{self.file}: {len(self.activities)} activities"
        return f"{self.file}: {self.status}: {self.reason}"
