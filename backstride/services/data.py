"""The runner owns the data: export all of it to a zip, restore it, or forget it.

An export is a zip of JSON documents and the original activity files, byte for byte:

    manifest.json          format, version, counts, and the SHA-256 and size of every other member
    runner.json            the profile (time zone, run days)
    assessments.json       each assessment: the intake and the output as stored
    checkins.json          the pain diary
    return_to_run.json     every return-to-run programme, oldest first
    activities.json        every imported activity
    files.json             the original files: name, hash, when kept, and their member below
    files/<sha256>/<name>  each original file

```python
with open_record(db) as record:
    export_record(record, Path("backstride.zip"))
    forget_everything(record)
with open_record(db) as record:
    restore_record(record, Path("backstride.zip"))
```

A restore checks the whole archive (member names, sizes, every hash) before it writes, then
writes everything in one transaction: all or nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, ValidationError

from backstride.domain import Activity
from backstride.errors import InputInvalid
from backstride.importers.archive import archive_problem, escape_problem, size_problem
from backstride.importers.model import MAX_FILE_BYTES
from backstride.services.record import Record
from backstride.store import (
    PERSONAL_RUNNER_KEY,
    ActivityFile,
    ReturnToRunState,
    Runner,
    release_deleted_pages,
    repo,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMAT = "backstride-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RUNNER, ASSESSMENTS, CHECKINS = "runner.json", "assessments.json", "checkins.json"
PROGRAMMES, ACTIVITIES, FILES = "return_to_run.json", "activities.json", "files.json"
DOCUMENTS = (RUNNER, ASSESSMENTS, CHECKINS, PROGRAMMES, ACTIVITIES, FILES)
FILES_FOLDER = "files/"
_CHUNK = 1024 * 1024
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")

#: What a record holds, in the words the command line prints.
COUNT_NAMES = ("assessments", "check_ins", "return_to_run", "activities", "activity_files")


@dataclass(frozen=True, slots=True)
class DataSummary:
    """What an export wrote or a restore brought back, counted per kind of record."""

    counts: dict[str, int]
    size_bytes: int = 0
    runner: Runner | None = None
    """After a restore, the runner as restored: the record's runner row is replaced, so its id
    changes (its key stays). Open the record again, or use this, to read what was restored."""


# Export ----------------------------------------------------------------------------------------


def export_record(record: Record, out: Path, *, now: datetime | None = None) -> DataSummary:
    """Write everything kept about the runner to the zip `out`, whole or not at all.

    Original files are streamed from the database a few at a time, so memory stays bounded.
    """
    moment = now or datetime.now(UTC)
    with _replacing(out) as stream:
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            writer = _Writer(archive, moment)
            with record.session() as session, session.begin():
                documents = _documents(session, record.runner.id)
                stored = repo.iter_activity_files(session=session, runner_id=record.runner.id)
                files = [_write_file(writer, file) for file in stored]
            for name, document in (*documents.items(), (FILES, files)):
                writer.json(name, document)
            counts = _document_counts(documents, files)
            writer.manifest(counts)
        size = stream.tell()
    return DataSummary(counts=counts, size_bytes=size)


class _Writer:
    """Adds members to an export and keeps each one's hash and size for the manifest."""

    def __init__(self, archive: zipfile.ZipFile, moment: datetime) -> None:
        self.archive = archive
        self.moment = moment
        self.members: list[dict[str, Any]] = []

    def bytes(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=self.moment.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, data)
        digest = hashlib.sha256(data).hexdigest()
        self.members.append({"name": name, "sha256": digest, "size": len(data)})

    def json(self, name: str, document: Any) -> None:
        self.bytes(name, _json_bytes(document))

    def manifest(self, counts: dict[str, int]) -> None:
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": _time(self.moment),
            "generator": f"Backstride {_version()}",
            "counts": counts,
            "members": self.members,
        }
        info = zipfile.ZipInfo(MANIFEST, date_time=self.moment.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, _json_bytes(manifest))


def _documents(session: Session, runner_id: int) -> dict[str, Any]:
    runner = repo.get_runner(session=session, runner_id=runner_id)
    return {
        RUNNER: {
            "key": runner.key,
            "name": runner.name,
            "time_zone": runner.time_zone,
            "run_days": list(runner.run_days) if runner.run_days is not None else None,
            "created_at": _time(runner.created_at),
        },
        ASSESSMENTS: [
            {"created_at": _time(a.created_at), "intake": a.intake, "output": a.output}
            for a in repo.list_assessments(session=session, runner_id=runner_id)
        ],
        CHECKINS: [
            {
                "date": c.date.isoformat(),
                "created_at": _time(c.created_at),
                "updated_at": _time(c.updated_at),
                "data": c.data,
            }
            for c in repo.list_checkins(session=session, runner_id=runner_id)
        ],
        PROGRAMMES: [
            _programme_document(p)
            for p in repo.list_return_to_run(session=session, runner_id=runner_id)
        ],
        ACTIVITIES: [
            _activity_document(s.activity)
            for s in repo.list_activities(session=session, runner_id=runner_id)
        ],
    }


def _programme_document(state: ReturnToRunState) -> dict[str, Any]:
    return {
        "started_on": state.started_on.isoformat(),
        "stage": state.stage,
        "status": state.status,
        "last_decision": state.last_decision,
        "why": list(state.why),
        "decided_on": state.decided_on.isoformat() if state.decided_on else None,
        "created_at": _time(state.created_at) if state.created_at else None,
        "updated_at": _time(state.updated_at) if state.updated_at else None,
    }


def _activity_document(activity: Activity) -> dict[str, Any]:
    document = dataclasses.asdict(activity)
    document["start"] = _time(activity.start)
    return document


def _write_file(writer: _Writer, file: ActivityFile) -> dict[str, Any]:
    member = f"{FILES_FOLDER}{file.sha256}/{_safe_name(file.file_name)}"
    writer.bytes(member, file.content)
    return {
        "sha256": file.sha256,
        "file_name": file.file_name,
        "size_bytes": len(file.content),
        "stored_at": _time(file.stored_at),
        "member": member,
    }


def _document_counts(documents: dict[str, Any], files: list[Any]) -> dict[str, int]:
    lengths = [len(documents[name]) for name in (ASSESSMENTS, CHECKINS, PROGRAMMES, ACTIVITIES)]
    return dict(zip(COUNT_NAMES, [*lengths, len(files)], strict=True))


def _safe_name(name: str) -> str:
    """A file name that stays inside its folder when the export is unzipped."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")[:120]
    return cleaned or "activity"


@contextmanager
def _replacing(out: Path) -> Iterator[IO[bytes]]:
    """A stream whose content replaces `out` only when the block completes."""
    if out.is_dir():
        raise InputInvalid(f"{out} is a folder; give the name of the .zip file to write")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.resolve().parent)
    except OSError as exc:
        raise InputInvalid(
            f"{out}: could not write the file ({exc.strerror or exc}); choose a folder you can "
            "write to"
        ) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        try:
            os.replace(temporary, out)
        except OSError as exc:
            raise InputInvalid(f"{out}: could not write the file ({exc.strerror or exc})") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Restore ---------------------------------------------------------------------------------------

_Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Member(_Strict):
    name: str
    sha256: _Hex64
    size: int


class _Manifest(_Strict):
    format: Literal["backstride-export"]
    format_version: int
    created_at: AwareDatetime
    generator: str
    counts: dict[str, int]
    members: list[_Member]


class _RunnerDoc(_Strict):
    key: str
    name: str | None
    time_zone: str
    run_days: list[int] | None
    created_at: AwareDatetime


class _AssessmentDoc(_Strict):
    created_at: AwareDatetime
    intake: dict[str, Any]
    output: dict[str, Any]


class _CheckInDoc(_Strict):
    date: date
    created_at: AwareDatetime
    updated_at: AwareDatetime
    data: dict[str, Any]


class _ProgrammeDoc(_Strict):
    started_on: date
    stage: int
    status: Literal["active", "stopped", "completed"]
    last_decision: str | None
    why: list[str]
    decided_on: date | None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None


class _ActivityDoc(_Strict):
    start: AwareDatetime
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
    session_index: int


class _FileDoc(_Strict):
    sha256: _Hex64
    file_name: str
    size_bytes: int
    stored_at: AwareDatetime
    member: str


class _Export(_Strict):
    runner: _RunnerDoc
    assessments: list[_AssessmentDoc]
    checkins: list[_CheckInDoc]
    programmes: list[_ProgrammeDoc]
    activities: list[_ActivityDoc]
    files: list[_FileDoc]


class _Refused(InputInvalid):
    """The archive is not a Backstride export that can be restored."""


def restore_record(record: Record, archive_path: Path, *, replace: bool = False) -> DataSummary:
    """Bring back an export into the runner's record, all or nothing.

    The record must be empty unless `replace` is True, in which case what it holds is deleted
    in the same transaction. A damaged, changed or foreign archive is refused before anything
    is written.
    """
    try:
        with _open_archive(archive_path) as archive:
            manifest = _check_archive(archive, archive_path)
            export = _read_export(archive, manifest)
            with record.session() as session, session.begin():
                _make_room(session, record, replace=replace)
                runner = _restore_runner(session, record.runner, export.runner)
                _restore_documents(session, runner.id, export)
                _restore_files(session, runner.id, archive, export.files)
            size = archive_path.stat().st_size
    except _Refused as exc:
        raise InputInvalid(f"{archive_path.name}: {exc}; nothing was restored") from exc
    return DataSummary(counts=_export_counts(export), size_bytes=size, runner=runner)


@contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise _Refused("there is no such file") from exc
    except IsADirectoryError as exc:
        raise _Refused("this is a folder; give the export's .zip file") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _Refused("not a zip file, so not a Backstride export") from exc
    with archive:
        yield archive


def _check_archive(archive: zipfile.ZipFile, path: Path) -> _Manifest:
    """The manifest, once every member is where it should be and matches its hash and size."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    for name in names:
        problem = escape_problem(name)
        if problem is not None:
            raise _Refused(problem)
    if len(set(names)) != len(names):
        raise _Refused("a member appears twice in the archive")
    if MANIFEST not in names:
        raise _Refused("not a Backstride export (it has no manifest.json)")
    manifest = _read_manifest(archive)
    listed = {m.name: m for m in manifest.members}
    expected = set(listed) | {MANIFEST}
    if set(names) != expected or not set(DOCUMENTS) <= set(listed):
        odd = sorted((set(names) ^ expected) | (set(DOCUMENTS) - set(listed)))
        raise _Refused(f"its members do not match its manifest ({', '.join(odd[:3])})")
    problem = archive_problem(infos, path.stat().st_size)
    if problem is not None:
        raise _Refused(problem)
    for info in infos:
        if info.filename != MANIFEST:
            _check_member(archive, info, listed[info.filename])
    return manifest


def _read_manifest(archive: zipfile.ZipFile) -> _Manifest:
    info = archive.getinfo(MANIFEST)
    document = _parse_json(_read_member(archive, info), MANIFEST)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Refused("not a Backstride export (its manifest.json is another program's)")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _Refused("its manifest.json has no format version")
    if version > FORMAT_VERSION:
        raise _Refused(
            f"it was made by a newer Backstride (export format {version}); upgrade Backstride "
            "to restore it"
        )
    return _validated(_Manifest, document, MANIFEST)


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: _Member) -> None:
    problem = size_problem(info)
    if problem is not None:
        raise _Refused(f"{info.filename}: {problem}")
    if info.file_size != member.size:
        raise _Refused(f"{info.filename} is not the size its manifest says: it was changed")
    digest = hashlib.sha256()
    with _reading(info.filename), archive.open(info) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    if digest.hexdigest() != member.sha256:
        raise _Refused(
            f"{info.filename} does not match its checksum in manifest.json: the export was "
            "changed or damaged"
        )


@contextmanager
def _reading(name: str) -> Iterator[None]:
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _Refused(f"{name} could not be read: the archive is damaged ({exc})") from exc


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with _reading(info.filename), archive.open(info) as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(f"{info.filename} is too large")
    return data


def _parse_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Refused(f"{name} is not valid JSON ({exc})") from exc


def _validated(model: type[M], document: Any, name: str) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the document"
        raise _Refused(f"{name} is not as Backstride writes it ({where}: {error['msg']})") from exc


def _read_export(archive: zipfile.ZipFile, manifest: _Manifest) -> _Export:
    listed = {m.name: m for m in manifest.members}
    parts: dict[str, Any] = {}
    for name, field in zip(DOCUMENTS, _Export.model_fields, strict=True):
        data = _read_member(archive, archive.getinfo(name))
        if hashlib.sha256(data).hexdigest() != listed[name].sha256:
            raise _Refused(f"{name} changed while it was read")
        parts[field] = _parse_json(data, name)
    export = _validated(_Export, parts, "the export")
    _check_files(export.files, listed)
    if _export_counts(export) != manifest.counts:
        raise _Refused("its documents do not hold what its manifest counts")
    for checkin in export.checkins:
        if checkin.data.get("date") != checkin.date.isoformat():
            raise _Refused(f"the check-in of {checkin.date} holds another date")
    return export


def _check_files(files: list[_FileDoc], listed: dict[str, _Member]) -> None:
    members = {name for name in listed if name.startswith(FILES_FOLDER)}
    referenced = [f.member for f in files]
    if sorted(referenced) != sorted(members):
        raise _Refused("files.json does not list the original files the archive holds")
    for file in files:
        if listed[file.member].sha256 != file.sha256:
            raise _Refused(f"{file.member} is not the file files.json names")


def _export_counts(export: _Export) -> dict[str, int]:
    lengths = (export.assessments, export.checkins, export.programmes, export.activities)
    return dict(zip(COUNT_NAMES, [*(len(x) for x in lengths), len(export.files)], strict=True))


def _make_room(session: Session, record: Record, *, replace: bool) -> None:
    if any(_counts(session, record.runner.id).values()) and not replace:
        raise InputInvalid(
            "Your record already holds data, so nothing was restored. To replace all of it "
            "with the export, run restore again with --replace (export it first to keep a copy)."
        )
    # The runner row goes too: it comes back with the export's profile and creation time.
    repo.delete_everything_for(session=session, runner_id=record.runner.id)


def _restore_runner(session: Session, current: Runner, saved: _RunnerDoc) -> Runner:
    """The runner of this record (same key) with the exported profile."""
    if current.key == PERSONAL_RUNNER_KEY:
        runner = repo.get_or_create_personal_runner(
            session=session, time_zone=saved.time_zone, now=saved.created_at
        )
    else:
        runner = repo.create_runner(
            session=session, key=current.key, time_zone=saved.time_zone, now=saved.created_at
        )
    run_days = tuple(saved.run_days) if saved.run_days is not None else None
    profile = dataclasses.replace(runner, name=saved.name, run_days=run_days)
    return repo.update_runner(session=session, runner=profile)


def _restore_documents(session: Session, runner_id: int, export: _Export) -> None:
    for assessment in export.assessments:
        repo.save_assessment(
            session=session,
            runner_id=runner_id,
            intake=assessment.intake,
            output=assessment.output,
            created_at=assessment.created_at,
        )
    for checkin in export.checkins:
        repo.upsert_checkin(
            session=session, runner_id=runner_id, checkin=checkin.data, now=checkin.created_at
        )
        if checkin.updated_at != checkin.created_at:
            repo.upsert_checkin(
                session=session, runner_id=runner_id, checkin=checkin.data, now=checkin.updated_at
            )
    for programme in export.programmes:
        state = ReturnToRunState(
            started_on=programme.started_on,
            stage=programme.stage,
            status=programme.status,
            last_decision=programme.last_decision,
            why=tuple(programme.why),
            decided_on=programme.decided_on,
        )
        # When a programme started matters: assessments after it can stop it. Save it as
        # created, then as last updated, so both times come back as they were.
        created = programme.created_at or programme.updated_at
        saved_state = repo.save_return_to_run(
            session=session, runner_id=runner_id, state=state, now=created
        )
        if programme.updated_at is not None and programme.updated_at != created:
            repo.save_return_to_run(
                session=session,
                runner_id=runner_id,
                state=dataclasses.replace(state, id=saved_state.id),
                now=programme.updated_at,
            )
    activities = [Activity(**a.model_dump()) for a in export.activities]
    saved = repo.save_activities(session=session, runner_id=runner_id, activities=activities)
    if saved.duplicates:
        raise _Refused(f"activities.json holds {saved.duplicates} activities twice")


def _restore_files(
    session: Session, runner_id: int, archive: zipfile.ZipFile, files: list[_FileDoc]
) -> None:
    for file in files:
        content = _read_member(archive, archive.getinfo(file.member))
        kept = repo.save_activity_file(
            session=session,
            runner_id=runner_id,
            file_name=file.file_name,
            content=content,
            sha256=file.sha256,
            now=file.stored_at,
        )
        if not kept:
            raise _Refused(f"files.json lists {file.file_name} twice")


# Forget ----------------------------------------------------------------------------------------


def record_counts(record: Record) -> dict[str, int]:
    """How many assessments, check-ins, programmes and activities the record holds."""
    with record.session() as session, session.begin():
        return _counts(session, record.runner.id)


def forget_everything(record: Record) -> dict[str, int]:
    """Delete the runner and everything kept about them, in one transaction.

    Gives back how many were deleted, with the keys of `COUNT_NAMES` (and "runner").
    """
    with record.session() as session:
        deleted = repo.delete_everything_for(session=session, runner_id=record.runner.id)
    release_deleted_pages(record.store.engine)
    tables = ("assessment", "check_in", "return_to_run", "activity", "activity_file")
    counts = {name: deleted.get(table, 0) for name, table in zip(COUNT_NAMES, tables, strict=True)}
    return {**counts, "runner": deleted.get("runner", 0)}


def _counts(session: Session, runner_id: int) -> dict[str, int]:
    counts = {
        "assessments": len(repo.list_assessments(session=session, runner_id=runner_id)),
        "check_ins": len(repo.list_checkins(session=session, runner_id=runner_id)),
        "return_to_run": len(repo.list_return_to_run(session=session, runner_id=runner_id)),
        "activities": len(repo.list_activities(session=session, runner_id=runner_id)),
    }
    # Original files come with activities; they are counted (which reads them) only when
    # nothing else is there, to tell an empty record from one holding only files.
    files = 0
    if not any(counts.values()):
        files = sum(1 for _ in repo.iter_activity_files(session=session, runner_id=runner_id))
    return {**counts, "activity_files": files}


# Helpers ---------------------------------------------------------------------------------------


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backstride")
    except PackageNotFoundError:
        return "(development)"
