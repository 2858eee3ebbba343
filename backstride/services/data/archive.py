"""The export format: its member names, the manifest, and the checks a zip passes before a restore.

Writing: `ArchiveWriter` adds members and keeps each one's SHA-256 and size for manifest.json.
Reading: `open_archive` and `check_archive` refuse a zip that is not a whole, unchanged
Backstride export, raising `Refused`, before anything is read into the record.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, ValidationError

from backstride.errors import InputInvalid
from backstride.importers.archive import archive_problem, escape_problem, size_problem
from backstride.importers.model import MAX_FILE_BYTES
from backstride.store import MAX_KEPT_VIDEO_BYTES, Runner

FORMAT = "backstride-export"
#: 2 added outcomes.json, 3 form_analyses.json and form/; older exports still restore.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
RUNNER, ASSESSMENTS, CHECKINS = "runner.json", "assessments.json", "checkins.json"
PROGRAMMES, ACTIVITIES, FILES = "return_to_run.json", "activities.json", "files.json"
OUTCOMES, FORM_ANALYSES = "outcomes.json", "form_analyses.json"
DOCUMENTS = (RUNNER, ASSESSMENTS, CHECKINS, PROGRAMMES, ACTIVITIES, FILES, OUTCOMES, FORM_ANALYSES)
#: The documents of each format version: what an archive of that version must hold.
DOCUMENTS_OF_VERSION = {1: DOCUMENTS[:-2], 2: DOCUMENTS[:-1], 3: DOCUMENTS}
FILES_FOLDER = "files/"
FORM_FOLDER = "form/"
"""Each form analysis's key-frame JPEG and kept video: form/<n>/key-frame.jpg, form/<n>/<name>."""
_CHUNK = 1024 * 1024

#: What a record holds, in the words the command line prints.
COUNT_NAMES = (
    "assessments",
    "check_ins",
    "return_to_run",
    "activities",
    "activity_files",
    "outcomes",
    "form_analyses",
)


@dataclass(frozen=True, slots=True)
class DataSummary:
    """What an export wrote or a restore brought back, counted per kind of record."""

    counts: dict[str, int]
    size_bytes: int = 0
    runner: Runner | None = None
    """After a restore, the runner as restored. The record's runner row is replaced, so its id
    changes (its key stays), unless the restore kept the runner. Open the record again, or use
    this, to read what was restored."""


# Writing ---------------------------------------------------------------------------------------


class ArchiveWriter:
    """Adds members to an export and keeps each one's hash and size for the manifest."""

    def __init__(self, archive: zipfile.ZipFile, moment: datetime) -> None:
        self.archive = archive
        self.moment = moment
        self.members: list[dict[str, Any]] = []

    def bytes(self, name: str, data: bytes, *, compress: bool = True) -> None:
        """Add a member; `compress=False` stores it as it is (a video is compressed already)."""
        info = zipfile.ZipInfo(name, date_time=self.moment.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
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
            "created_at": utc_time(self.moment),
            "generator": f"Backstride {_version()}",
            "counts": counts,
            "members": self.members,
        }
        info = zipfile.ZipInfo(MANIFEST, date_time=self.moment.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self.archive.writestr(info, _json_bytes(manifest))


def utc_time(moment: datetime) -> str:
    """A moment as the export writes it: ISO 8601, in UTC."""
    return moment.astimezone(UTC).isoformat()


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backstride")
    except PackageNotFoundError:
        return "(development)"


# Reading ---------------------------------------------------------------------------------------

Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A document as Backstride writes it: no field more, none changed after reading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Member(Strict):
    name: str
    sha256: Hex64
    size: int


class Manifest(Strict):
    format: Literal["backstride-export"]
    format_version: int
    created_at: AwareDatetime
    generator: str
    counts: dict[str, int]
    members: list[Member]


class Refused(InputInvalid):
    """The archive is not a Backstride export that can be restored."""


@contextmanager
def open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise Refused("there is no such file") from exc
    except IsADirectoryError as exc:
        raise Refused("this is a folder; give the export's .zip file") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise Refused("not a zip file, so not a Backstride export") from exc
    with archive:
        yield archive


def check_archive(archive: zipfile.ZipFile, path: Path) -> Manifest:
    """The manifest, once every member is where it should be and matches its hash and size."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    for name in names:
        problem = escape_problem(name)
        if problem is not None:
            raise Refused(problem)
    if len(set(names)) != len(names):
        raise Refused("a member appears twice in the archive")
    if MANIFEST not in names:
        raise Refused("not a Backstride export (it has no manifest.json)")
    manifest = _read_manifest(archive)
    listed = {m.name: m for m in manifest.members}
    expected = set(listed) | {MANIFEST}
    documents = set(DOCUMENTS_OF_VERSION.get(manifest.format_version, DOCUMENTS))
    if set(names) != expected or not documents <= set(listed):
        odd = sorted((set(names) ^ expected) | (documents - set(listed)))
        raise Refused(f"its members do not match its manifest ({', '.join(odd[:3])})")
    problem = archive_problem(infos, path.stat().st_size)
    if problem is not None:
        raise Refused(problem)
    for info in infos:
        if info.filename != MANIFEST:
            _check_member(archive, info, listed[info.filename])
    return manifest


def _read_manifest(archive: zipfile.ZipFile) -> Manifest:
    info = archive.getinfo(MANIFEST)
    document = parse_json(read_member(archive, info), MANIFEST)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Refused("not a Backstride export (its manifest.json is another program's)")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Refused("its manifest.json has no format version")
    if version > FORMAT_VERSION:
        raise Refused(
            f"it was made by a newer Backstride (export format {version}); upgrade Backstride "
            "to restore it"
        )
    return validated(Manifest, document, MANIFEST)


def member_limit(name: str) -> int:
    """The largest a member may be: a kept video may be larger than any activity file."""
    return MAX_KEPT_VIDEO_BYTES if name.startswith(FORM_FOLDER) else MAX_FILE_BYTES


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: Member) -> None:
    problem = size_problem(info, member_limit(info.filename))
    if problem is not None:
        raise Refused(f"{info.filename}: {problem}")
    if info.file_size != member.size:
        raise Refused(f"{info.filename} is not the size its manifest says: it was changed")
    digest = hashlib.sha256()
    with _reading(info.filename), archive.open(info) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    if digest.hexdigest() != member.sha256:
        raise Refused(
            f"{info.filename} does not match its checksum in manifest.json: the export was "
            "changed or damaged"
        )


@contextmanager
def _reading(name: str) -> Iterator[None]:
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise Refused(f"{name} could not be read: the archive is damaged ({exc})") from exc


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, refused when it is damaged or larger than any file Backstride keeps."""
    limit = member_limit(info.filename)
    with _reading(info.filename), archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{info.filename} is too large")
    return data


def parse_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(f"{name} is not valid JSON ({exc})") from exc


def validated(model: type[M], document: Any, name: str) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the document"
        raise Refused(f"{name} is not as Backstride writes it ({where}: {error['msg']})") from exc
