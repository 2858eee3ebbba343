"""Import activity files into the runner's record: scan, decode on every core, store in batches.

Each batch of activities is stored together with their original files in one transaction, so
an import stopped halfway leaves whole batches behind and nothing half-written; running it
again skips what is already there (duplicates by file hash, and by start time and sport across
formats) and finishes the job.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from backstride.domain import Activity
from backstride.errors import ImportFailed, InputInvalid
from backstride.importers import (
    ArchiveReader,
    ImportOutcome,
    SourceFile,
    load_data,
    read_sources,
    scan,
)
from backstride.services.activities import activity_document
from backstride.services.record import Record
from backstride.store import StoredActivity, repo

#: Activities stored per transaction: large enough to be quick, small enough that an import
#: stopped halfway loses little.
BATCH_ACTIVITIES = 256
#: Original file bytes held before a batch is written, whatever the number of activities.
BATCH_BYTES = 32 * 1024 * 1024

OnOutcome = Callable[[ImportOutcome], None]

#: Why a file fails when the bytes kept as its original are not the bytes that were decoded.
CHANGED = "the file changed while it was imported; import it again"


@dataclass
class ImportSummary:
    """What one import did (the import contract of DESIGN.md)."""

    added: list[StoredActivity] = field(default_factory=list)
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every file was imported or skipped; 1 when some failed."""
        return 1 if self.failed else 0

    def document(self) -> dict[str, Any]:
        """The import summary JSON."""
        return {
            "imported": len(self.added),
            "duplicates": self.duplicates,
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "failed": [{"file": f, "error": e} for f, e in self.failed],
            "activities": [activity_document(a) for a in self.added],
        }


def find_sources(paths: Sequence[str | os.PathLike[str]]) -> list[SourceFile]:
    """Every importable file under `paths`; a path that does not exist is a usage error."""
    if not paths:
        raise InputInvalid("give at least one file, folder or export zip to import")
    for path in paths:
        if not Path(path).expanduser().exists():
            raise InputInvalid(f"{path}: no such file or folder")
    return list(scan(paths))


def import_sources(
    record: Record,
    sources: Iterable[SourceFile],
    *,
    on_outcome: OnOutcome | None = None,
    workers: int | None = None,
) -> ImportSummary:
    """Decode `sources` and store what they hold; `on_outcome` is called after each file."""
    summary = ImportSummary()
    batch = _Batch()
    # The originals are loaded in the order they were read, through archives kept open for this
    # import only: each export zip is read front to back once, then closed.
    with ArchiveReader() as archives:
        for outcome in read_sources(sources, workers=workers):
            if outcome.status == "imported":
                outcome = batch.add(outcome, archives)
            if outcome.status == "skipped":
                summary.skipped.append((outcome.file, outcome.reason or "not an activity"))
            elif outcome.status == "failed":
                summary.failed.append((outcome.file, outcome.reason or "could not be read"))
            if batch.is_full():
                batch.store(record, summary)
            if on_outcome is not None:
                on_outcome(outcome)
    batch.store(record, summary)
    return summary


def _failed(outcome: ImportOutcome, reason: str) -> ImportOutcome:
    return replace(outcome, status="failed", activities=(), reason=reason, warnings=())


class _Batch:
    """Activities and original files waiting to be stored together."""

    def __init__(self) -> None:
        self.activities: list[Activity] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.size = 0

    def clear(self) -> None:
        self.activities, self.files, self.size = [], {}, 0

    def add(self, outcome: ImportOutcome, archives: ArchiveReader) -> ImportOutcome:
        """Take the activities of an imported file and its original bytes.

        The file is loaded again for its original, so it may have changed or gone since it was
        decoded: then nothing of it is taken and the outcome returned says it failed.
        """
        if outcome.source.kind in ("fit", "gpx", "tcx") and outcome.activities:
            digest = outcome.activities[0].sha256
            if digest not in self.files:
                try:
                    data = load_data(outcome.source, archives)
                except ImportFailed as exc:
                    return _failed(outcome, str(exc))
                if hashlib.sha256(data).hexdigest() != digest:
                    return _failed(outcome, CHANGED)
                # The bytes kept are un-gzipped, so the name loses its ".gz" too.
                self.files[digest] = (Path(outcome.file).name.removesuffix(".gz"), data)
                self.size += len(data)
        self.activities.extend(outcome.activities)
        return outcome

    def is_full(self) -> bool:
        return len(self.activities) >= BATCH_ACTIVITIES or self.size >= BATCH_BYTES

    def store(self, record: Record, summary: ImportSummary) -> None:
        if not self.activities:
            return
        runner_id = record.runner.id
        with record.session() as session, session.begin():
            for digest, (name, data) in self.files.items():
                repo.save_activity_file(
                    session=session,
                    runner_id=runner_id,
                    file_name=name,
                    content=data,
                    sha256=digest,
                )
            saved = repo.save_activities(
                session=session, runner_id=runner_id, activities=self.activities
            )
        summary.added.extend(saved.added)
        summary.duplicates += saved.duplicates
        self.clear()
