"""Finding what to import: files, folders (recursively), and export zips, as `SourceFile`s."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import IO

from backstride.errors import ImportFailed
from backstride.importers import strava
from backstride.importers.archive import (
    UNREADABLE,
    ArchiveReader,
    archive_problem,
    escape_problem,
    members_in_order,
    size_problem,
)
from backstride.importers.model import MAX_FILE_BYTES, MAX_INDEX_BYTES, SourceFile, SourceKind
from backstride.importers.sports import Sport

_SUFFIXES: tuple[tuple[str, SourceKind, bool], ...] = (
    (".fit", "fit", False),
    (".fit.gz", "fit", True),
    (".gpx", "gpx", False),
    (".gpx.gz", "gpx", True),
    (".tcx", "tcx", False),
    (".tcx.gz", "tcx", True),
)
SUPPORTED = "supported: .fit, .gpx, .tcx, each optionally .gz, or a Strava or Garmin export .zip"
_STRAVA_INDEX = "activities.csv"
_GARMIN_SUMMARIES = "summarizedactivities.json"

Hints = dict[str, Sport]


def classify(name: str) -> tuple[SourceKind, bool] | None:
    """The kind of activity file a name says, and whether it is gzipped; None if not one."""
    lower = name.lower()
    for suffix, kind, gzipped in _SUFFIXES:
        if lower.endswith(suffix):
            return kind, gzipped
    return None


def _hint_key(name: str) -> str:
    """The last two parts of a path, lower-case: 'activities/123.fit.gz'."""
    return "/".join(PurePosixPath(name.replace("\\", "/").lower()).parts[-2:])


def scan(paths: Iterable[str | os.PathLike[str]]) -> Iterator[SourceFile]:
    """Yield every source under `paths`, lazily, in a stable order.

    Folders are walked recursively (files that are not activities are passed over); zips are
    opened without extracting (nested zips too), reading only their directories and indexes.
    Problems found on the way (a missing path, an unsupported file named explicitly, a refused
    archive entry) come out as sources whose `problem` says what is wrong.

    Sources are named from the path given, never with the folders above it (which would put the
    user's home folder into summaries and exports): "run.fit" for a file given, "runs/sub/run.fit"
    for one found in the folder "runs", "export.zip/activities/1.fit" for a member of an export.
    """
    with ArchiveReader() as archives:
        for raw in paths:
            path = Path(raw).expanduser()
            name = _root_name(path)
            if path.is_dir():
                yield from _scan_folder(path, name, archives)
            elif path.is_file():
                yield from _scan_file(path, name, archives, explicit=True, hints={})
            else:
                yield SourceFile(name or str(path), path, None, problem="no such file or folder")


def _root_name(path: Path) -> str:
    """The name of a path given, as sources under it start: its last part; "" for ".", "/"."""
    return "" if path.name in ("", ".", "..") else path.name


def _child(parent: str, relative: str) -> str:
    return f"{parent}/{relative}" if parent else relative


def _scan_folder(root: Path, root_name: str, archives: ArchiveReader) -> Iterator[SourceFile]:
    summaries: list[SourceFile] = []
    # An unzipped Strava export keeps activities.csv next to the activities/ folder, so the
    # hints of a folder hold for everything below it.
    hints_of: dict[Path, Hints] = {}
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        here = Path(folder)
        hints = hints_of.get(here.parent, {}) if here != root else {}
        relative = here.relative_to(root).as_posix()
        prefix = root_name if relative == "." else _child(root_name, relative)
        if _STRAVA_INDEX in files:
            path, shown = here / _STRAVA_INDEX, _child(prefix, _STRAVA_INDEX)
            try:
                hints, index = _strava_folder_index(path, shown)
            except OSError as exc:
                hints, index = {}, [_unreadable(path, shown, exc)]
            yield from index
        hints_of[here] = hints
        for name in sorted(files):
            path, shown = here / name, _child(prefix, name)
            # A file that vanished, a dangling link or one without permission fails alone.
            try:
                if name.lower().endswith(_GARMIN_SUMMARIES):
                    summaries.append(_index_source(path, shown, "garmin_summaries"))
                elif not name.startswith("."):
                    yield from _scan_file(path, shown, archives, explicit=False, hints=hints)
            except OSError as exc:
                yield _unreadable(path, shown, exc)
    yield from summaries


def _unreadable(path: Path, name: str, exc: OSError) -> SourceFile:
    return SourceFile(
        name, path, None, problem=f"the file could not be read ({exc.strerror or exc})"
    )


def _index_source(path: Path, name: str, kind: SourceKind) -> SourceFile:
    size = path.stat().st_size
    problem = None if size <= MAX_INDEX_BYTES else "the index file is too large; refused"
    return SourceFile(name, path, kind, size=size, problem=problem)


def _strava_folder_index(path: Path, name: str) -> tuple[Hints, list[SourceFile]]:
    """Sport hints from an unzipped Strava export's activities.csv, and its source if needed."""
    with path.open("rb") as stream:
        hints, manual, problem = _read_strava_index(stream)
    if not manual and problem is None:
        return hints, []
    source = _index_source(path, name, "strava_csv")
    if problem:
        source = replace(source, kind=None, problem=problem)
    return hints, [source]


def _read_strava_index(stream: IO[bytes]) -> tuple[Hints, int, str | None]:
    hints: Hints = {}
    manual = 0
    try:
        for row in strava.read_rows(stream):
            if row.filename:
                hints[_hint_key(row.filename)] = row.sport
            else:
                manual += 1
    except ImportFailed as exc:
        return hints, manual, str(exc)
    return hints, manual, None


def _scan_file(
    path: Path, name: str, archives: ArchiveReader, *, explicit: bool, hints: Hints
) -> Iterator[SourceFile]:
    if path.suffix.lower() == ".zip":
        yield from _scan_zip(path, name, archives)
        return
    found = classify(path.name)
    if found is None:
        if explicit:
            suffix = "".join(path.suffixes) or path.name
            unsupported = f"'{suffix}' is not a supported file ({SUPPORTED})"
            yield SourceFile(name, path, None, problem=unsupported)
        return
    size = path.stat().st_size
    problem: str | None = None
    if size > MAX_FILE_BYTES:
        problem = f"{size / 1e6:,.1f} MB is over the {MAX_FILE_BYTES / 1e6:,.1f} MB limit; refused"
    yield SourceFile(
        name,
        path,
        found[0],
        size=size,
        gzipped=found[1],
        sport_hint=hints.get(_hint_key(str(path))),
        problem=problem,
    )


def _scan_zip(path: Path, name: str, archives: ArchiveReader) -> Iterator[SourceFile]:
    try:
        archive = archives.outer(path)
    except ImportFailed as exc:
        yield SourceFile(name, path, None, size=path.stat().st_size, problem=str(exc))
        return
    infos = members_in_order(archive)
    refusal = archive_problem(infos, path.stat().st_size)
    if refusal:
        yield SourceFile(name, path, None, size=path.stat().st_size, problem=refusal)
        return
    hints, index = _strava_zip_index(path, name, archive, infos)
    summaries: list[SourceFile] = []
    for info in infos:
        lower = info.filename.lower()
        if lower.endswith(_GARMIN_SUMMARIES):
            summaries.append(_member(path, name, (info.filename,), info, "garmin_summaries", False))
        elif lower.endswith(".zip") and escape_problem(info.filename) is None:
            yield from _scan_nested(path, name, info, archives)
        else:
            yield from _member_sources(path, name, (), info, hints)
    yield from index
    yield from summaries


def _strava_zip_index(
    path: Path, name: str, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[Hints, list[SourceFile]]:
    info = next((i for i in infos if _hint_key(i.filename).split("/")[-1] == _STRAVA_INDEX), None)
    if info is None or escape_problem(info.filename):
        return {}, []
    source = _member(path, name, (info.filename,), info, "strava_csv", False)
    if source.problem:
        return {}, [source]
    try:
        with archive.open(info) as stream:
            hints, manual, problem = _read_strava_index(stream)
    except UNREADABLE as exc:
        hints, problem = {}, f"the archive entry could not be read ({exc})"
    if problem:
        return hints, [replace(source, kind=None, problem=problem)]
    return hints, [source] if manual else []


def _scan_nested(
    path: Path, zip_name: str, info: zipfile.ZipInfo, archives: ArchiveReader
) -> Iterator[SourceFile]:
    name = f"{zip_name}/{info.filename}"
    try:
        inner = archives.inner(path, info.filename)
        infos = members_in_order(inner)
    except (ImportFailed, zipfile.BadZipFile, OSError, EOFError) as exc:
        yield SourceFile(name, path, None, size=info.file_size, problem=str(exc))
        return
    refusal = archive_problem(infos, info.file_size)
    if refusal:
        yield SourceFile(name, path, None, size=info.file_size, problem=refusal)
        return
    for member in infos:
        # One level of nesting is what exports use; zips inside nested zips are passed over.
        if not member.filename.lower().endswith(".zip"):
            yield from _member_sources(path, zip_name, (info.filename,), member, {})


def _member_sources(
    path: Path, zip_name: str, outer: tuple[str, ...], info: zipfile.ZipInfo, hints: Hints
) -> Iterator[SourceFile]:
    members = (*outer, info.filename)
    escape = escape_problem(info.filename)
    if escape:
        name = "/".join((zip_name, *members))
        yield SourceFile(name, path, None, members=members, problem=escape)
        return
    found = classify(info.filename)
    if found is not None:
        source = _member(path, zip_name, members, info, found[0], found[1])
        hint = hints.get(_hint_key(info.filename))
        yield source if hint is None else replace(source, sport_hint=hint)


def _member(
    path: Path,
    zip_name: str,
    members: tuple[str, ...],
    info: zipfile.ZipInfo,
    kind: SourceKind,
    gzipped: bool,
) -> SourceFile:
    is_index = kind in ("strava_csv", "garmin_summaries")
    problem = size_problem(info, MAX_INDEX_BYTES if is_index else MAX_FILE_BYTES)
    return SourceFile(
        "/".join((zip_name, *members)),
        path,
        kind,
        size=info.file_size,
        members=members,
        gzipped=gzipped,
        problem=problem,
    )
