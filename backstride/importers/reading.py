"""Reading sources into outcomes: one at a time, or many on every core in a stable order."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from backstride.domain import Activity
from backstride.errors import ImportFailed, NotAnActivity
from backstride.importers import garmin, strava
from backstride.importers.archive import UNREADABLE, ArchiveReader, gunzip, read_limited
from backstride.importers.fit import read_fit
from backstride.importers.gpx import read_gpx
from backstride.importers.model import MAX_FILE_BYTES, ActivityReader, ImportOutcome, SourceFile
from backstride.importers.sources import SUPPORTED, classify
from backstride.importers.tcx import read_tcx

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future

#: The format readers, by source kind.
READERS: dict[str, ActivityReader] = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}

#: A Garmin summary starting this close to an activity read from a file is that activity.
SUMMARY_MATCH_S = 300

#: Below this many sources, starting worker processes costs more than it saves.
_POOL_FROM = 8
#: Seconds one core takes to read a megabyte of each kind, about (bench/bench_import.py on the
#: shared corpus: FIT 110-130 MB/s, GPX about 27 MB/s, TCX about 16 MB/s); a gzipped file holds
#: about this many times its size.
_SECONDS_PER_MB = {"fit": 0.009, "gpx": 0.037, "tcx": 0.063}
_SECONDS_PER_MB_OTHER = 0.05
_GZIP_RATIO = 5
#: With the default number of workers, a pool starts only for this much reading on one core:
#: starting it and sending it the files costs about as much as 0.1-0.2 s of reading (40 FIT
#: files, 9.8 MB, read in 0.08 s on one core and in 0.09 s on two).
_POOL_FROM_S = 0.3


def _failed(source: SourceFile, reason: str) -> ImportOutcome:
    return ImportOutcome(source, "failed", reason=reason)


def _with_hint(activities: list[Activity], source: SourceFile) -> tuple[Activity, ...]:
    """Use the export index's sport where the file itself did not say."""
    hint = source.sport_hint
    if hint is None:
        return tuple(activities)
    return tuple(
        replace(a, sport=hint[0], sub_sport=hint[1]) if a.sport == "generic" else a
        for a in activities
    )


def decode(source: SourceFile, data: bytes) -> ImportOutcome:
    """Decode the bytes of an activity source. Never raises: failures become outcomes."""
    try:
        if source.gzipped:
            data = gunzip(data)
        reader = READERS[source.kind or ""]
        digest = hashlib.sha256(data).hexdigest()
        activities = reader(data, file=source.name, sha256=digest)
        return ImportOutcome(source, "imported", _with_hint(activities, source))
    except NotAnActivity as exc:
        return ImportOutcome(source, "skipped", reason=str(exc))
    except ImportFailed as exc:
        return _failed(source, str(exc))
    # A bug in one reader must not stop an import of thousands of files; the outcome says so.
    except Exception as exc:
        return _failed(source, f"could not be read because of an unexpected error ({exc!r})")


def read_data(name: str, data: bytes) -> ImportOutcome:
    """Decode an activity file given as bytes (an upload, say); the name picks the format."""
    found = classify(name)
    source = SourceFile(name, Path(name), None if found is None else found[0], size=len(data))
    if found is None:
        return _failed(source, f"not a supported file ({SUPPORTED})")
    if len(data) > MAX_FILE_BYTES:
        return _failed(source, "the file is over the size limit; refused")
    return decode(replace(source, gzipped=found[1]), data)


def _load(source: SourceFile, archives: ArchiveReader) -> bytes:
    if source.in_archive:
        return archives.read(source.path, source.members)
    try:
        with source.path.open("rb") as stream:
            return read_limited(stream, MAX_FILE_BYTES, "the file")
    except OSError as exc:
        raise ImportFailed(f"the file could not be read ({exc.strerror or exc})") from exc


def load_data(source: SourceFile, archives: ArchiveReader) -> bytes:
    """The bytes of an activity source after removing zip and gzip layers.

    These are the bytes each of its activities' `sha256` is of, for keeping the original file.
    `archives` keeps the last archives it opened open, so loading the members of an export in the
    order `scan` gave them reads each (nested) zip front to back once; the caller owns it and
    closes it when the import is done (`with ArchiveReader() as archives: ...`).
    Raises `ImportFailed`.
    """
    if source.problem is not None or source.kind not in READERS:
        raise ImportFailed(source.problem or "not an activity file")
    data = _load(source, archives)
    return gunzip(data) if source.gzipped else data


def _read_index(source: SourceFile, archives: ArchiveReader) -> ImportOutcome:
    opened = (
        archives.open(source.path, source.members) if source.in_archive else source.path.open("rb")
    )
    with opened as stream:
        if source.kind == "strava_csv":
            rows = strava.read_rows(stream)
            found = [strava.manual_activity(r, file=source.name) for r in rows if not r.filename]
            activities = tuple(a for a in found if a is not None)
            unread = len(found) - len(activities)
            note = f"{unread} manual entries without a readable date or any numbers left out"
            return ImportOutcome(source, "imported", activities, warnings=(note,) if unread else ())
        activities = tuple(garmin.read_summaries(stream, file=source.name))
    note = "no activity summaries found (an unknown layout?)"
    return ImportOutcome(source, "imported", activities, warnings=() if activities else (note,))


def read_source(source: SourceFile, archives: ArchiveReader | None = None) -> ImportOutcome:
    """Read one source into an outcome. Never raises: failures become outcomes.

    Garmin summaries come back whole here; `read_sources` leaves out those that duplicate an
    activity file of the same export.
    """
    if source.problem is not None or source.kind is None:
        return _failed(source, source.problem or f"not a supported file ({SUPPORTED})")
    if archives is None:
        with ArchiveReader() as own:
            return read_source(source, own)
    try:
        if source.kind in ("strava_csv", "garmin_summaries"):
            return _read_index(source, archives)
        return decode(source, _load(source, archives))
    except ImportFailed as exc:
        return _failed(source, str(exc))
    except UNREADABLE as exc:
        what = "the archive entry" if source.in_archive else "the file"
        return _failed(source, f"{what} could not be read ({exc})")


# ---------------------------------------------------------------------------------------------
# Many sources, on every core

_worker_archives: ArchiveReader | None = None


def _work(source: SourceFile, data: bytes | None) -> ImportOutcome:
    """Run in a worker process: decode bytes sent along, or read the source itself."""
    global _worker_archives
    if data is not None:
        return decode(source, data)
    # Kept open between jobs so an export's zip directory is read once per worker, not per file.
    if _worker_archives is None:
        _worker_archives = ArchiveReader()
    return read_source(source, _worker_archives)


class _SummaryFilter:
    """Leaves out Garmin summaries of activities already read from a file in the same run.

    Summaries come after the activity files of their export (see `scan`), and a runner does not
    start two activities within minutes, so a summary that close to a file's start is that file.
    """

    def __init__(self) -> None:
        self._starts: list[float] = []

    def __call__(self, outcome: ImportOutcome) -> ImportOutcome:
        if outcome.source.kind == "garmin_summaries":
            return self._filter(outcome)
        if outcome.source.kind in READERS:
            for activity in outcome.activities:
                bisect.insort(self._starts, activity.start.timestamp())
        return outcome

    def _filter(self, outcome: ImportOutcome) -> ImportOutcome:
        kept = tuple(a for a in outcome.activities if not self._matches(self._starts, a))
        dropped = len(outcome.activities) - len(kept)
        if not dropped:
            return outcome
        note = f"{dropped} summaries left out: their activity files were read"
        return replace(outcome, activities=kept, warnings=(*outcome.warnings, note))

    @staticmethod
    def _matches(starts: list[float], activity: Activity) -> bool:
        moment = activity.start.timestamp()
        i = bisect.bisect_left(starts, moment - SUMMARY_MATCH_S)
        return i < len(starts) and starts[i] <= moment + SUMMARY_MATCH_S


def read_sources(
    sources: Iterable[SourceFile], *, workers: int | None = None
) -> Iterator[ImportOutcome]:
    """Read many sources, on `workers` processes, yielding outcomes in order.

    By default every core reads, once the sources make enough work for it (`_POOL_FROM_S`);
    a few files are read here, sooner than worker processes could start. Given `workers`,
    that many read as soon as there are `_POOL_FROM` sources.

    Outcomes come out in the order of `sources`, whatever order the work finishes in, so an
    import is repeatable. At most a few sources per worker are in flight, so memory stays bounded
    however many there are. Members of nested zips are read here, in order, and their bytes sent
    to the workers; everything else the workers read themselves.
    """
    pending = iter(sources)
    if workers is None:
        # Every core, once there is enough work to share out.
        workers, head = os.cpu_count() or 1, _enough_for_a_pool(pending)
        enough = len(head) >= 2 and _reading_seconds(head) >= _POOL_FROM_S
    else:
        head = list(itertools.islice(pending, _POOL_FROM))
        enough = len(head) >= _POOL_FROM
    keep = _SummaryFilter()
    if workers <= 1 or not enough:
        with ArchiveReader() as archives:
            for source in itertools.chain(head, pending):
                yield keep(read_source(source, archives))
        return
    yield from (keep(o) for o in _read_in_pool(itertools.chain(head, pending), workers))


def _enough_for_a_pool(sources: Iterator[SourceFile]) -> list[SourceFile]:
    """The first sources, up to two or more that make enough work for a pool (or all of them)."""
    head: list[SourceFile] = []
    seconds = 0.0
    for source in sources:
        head.append(source)
        seconds += _reading_seconds([source])
        if seconds >= _POOL_FROM_S and len(head) >= 2:
            break
    return head


def _reading_seconds(sources: Iterable[SourceFile]) -> float:
    """About how long one core takes to read `sources`."""
    total = 0.0
    for source in sources:
        rate = _SECONDS_PER_MB.get(source.kind or "", _SECONDS_PER_MB_OTHER)
        total += source.size / 1e6 * rate * (_GZIP_RATIO if source.gzipped else 1)
    return total


def _read_in_pool(sources: Iterator[SourceFile], workers: int) -> Iterator[ImportOutcome]:
    # Imported here: an import of a few files never starts a pool, and loading it takes a while.
    from concurrent.futures import ProcessPoolExecutor

    window: deque[tuple[SourceFile, Future[ImportOutcome]]] = deque()
    with (
        ArchiveReader() as archives,
        ProcessPoolExecutor(max_workers=workers, mp_context=_process_context()) as pool,
    ):
        for source in sources:
            window.append((source, pool.submit(_work, *_job(source, archives))))
            if len(window) >= 4 * workers:
                yield _result(*window.popleft())
        while window:
            yield _result(*window.popleft())


def _process_context() -> multiprocessing.context.BaseContext:
    """How to start workers: forking is quickest and needs no `__main__` guard in scripts, but
    forking a threaded caller (a web server) can copy a held lock into the child, so a threaded
    caller gets workers from a clean fork server instead."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _job(source: SourceFile, archives: ArchiveReader) -> tuple[SourceFile, bytes | None]:
    nested = len(source.members) > 1 and source.problem is None
    if not nested or source.kind not in READERS:
        return source, None
    try:
        return source, archives.read(source.path, source.members)
    except ImportFailed as exc:
        return replace(source, problem=str(exc)), None


def _result(source: SourceFile, future: Future[ImportOutcome]) -> ImportOutcome:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        return _failed(source, "the process decoding it stopped unexpectedly")
    except Exception as exc:
        return _failed(source, f"could not be read because of an unexpected error ({exc!r})")
