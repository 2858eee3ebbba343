"""Export: everything kept about the runner, written to a zip whole or not at all."""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from backstride.clock import utc_now
from backstride.domain import Activity
from backstride.errors import InputInvalid
from backstride.services.data.archive import (
    ACTIVITIES,
    ASSESSMENTS,
    CHECKINS,
    COUNT_NAMES,
    FILES,
    FILES_FOLDER,
    FORM_ANALYSES,
    FORM_FOLDER,
    OUTCOMES,
    PROGRAMMES,
    RUNNER,
    ArchiveWriter,
    DataSummary,
    utc_time,
)
from backstride.services.record import Record
from backstride.store import ActivityFile, FormAnalysisWithMedia, ReturnToRunState, repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def export_record(record: Record, out: Path, *, now: datetime | None = None) -> DataSummary:
    """Write everything kept about the runner to the zip `out`, whole or not at all.

    Original files are streamed from the database a few at a time, and form analyses (whose
    kept videos may be large) one at a time, so memory stays bounded.
    """
    moment = now or utc_now()
    with _replacing(out) as stream:
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            writer = ArchiveWriter(archive, moment)
            with record.session() as session, session.begin():
                documents = _documents(session, record.runner.id)
                stored = repo.iter_activity_files(session=session, runner_id=record.runner.id)
                files = [_write_file(writer, file) for file in stored]
                analyses = repo.iter_form_analyses_with_media(
                    session=session, runner_id=record.runner.id
                )
                form = [_write_analysis(writer, n, a) for n, a in enumerate(analyses, start=1)]
            for name, document in (*documents.items(), (FILES, files), (FORM_ANALYSES, form)):
                writer.json(name, document)
            counts = _document_counts(documents, files, form)
            writer.manifest(counts)
        size = stream.tell()
    return DataSummary(counts=counts, size_bytes=size)


def _documents(session: Session, runner_id: int) -> dict[str, Any]:
    runner = repo.get_runner(session=session, runner_id=runner_id)
    return {
        RUNNER: {
            "key": runner.key,
            "name": runner.name,
            "time_zone": runner.time_zone,
            "run_days": list(runner.run_days) if runner.run_days is not None else None,
            "created_at": utc_time(runner.created_at),
        },
        ASSESSMENTS: [
            {"created_at": utc_time(a.created_at), "intake": a.intake, "output": a.output}
            for a in repo.list_assessments(session=session, runner_id=runner_id)
        ],
        CHECKINS: [
            {
                "date": c.date.isoformat(),
                "created_at": utc_time(c.created_at),
                "updated_at": utc_time(c.updated_at),
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
        OUTCOMES: [
            {
                "date": o.date.isoformat(),
                "instrument": o.instrument,
                "created_at": utc_time(o.created_at),
                "updated_at": utc_time(o.updated_at),
                "data": o.data,
            }
            for o in repo.list_outcomes(session=session, runner_id=runner_id)
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
        "created_at": utc_time(state.created_at) if state.created_at else None,
        "updated_at": utc_time(state.updated_at) if state.updated_at else None,
    }


def _activity_document(activity: Activity) -> dict[str, Any]:
    document = dataclasses.asdict(activity)
    document["start"] = utc_time(activity.start)
    return document


def _write_file(writer: ArchiveWriter, file: ActivityFile) -> dict[str, Any]:
    member = f"{FILES_FOLDER}{file.sha256}/{_safe_name(file.file_name)}"
    writer.bytes(member, file.content)
    return {
        "sha256": file.sha256,
        "file_name": file.file_name,
        "size_bytes": len(file.content),
        "stored_at": utc_time(file.stored_at),
        "member": member,
    }


def _write_analysis(writer: ArchiveWriter, n: int, stored: FormAnalysisWithMedia) -> dict[str, Any]:
    """One analysis's pictures and video written as members; its document for the JSON."""
    analysis = stored.analysis
    key_frame: str | None = None
    video: str | None = None
    if stored.key_frame is not None:
        key_frame = f"{FORM_FOLDER}{n}/key-frame.jpg"
        writer.bytes(key_frame, stored.key_frame, compress=False)
    if stored.video is not None:
        video = f"{FORM_FOLDER}{n}/{_safe_name(analysis.file_name, default='video')}"
        if video == key_frame:
            video = f"{FORM_FOLDER}{n}/video"
        writer.bytes(video, stored.video, compress=False)
    return {
        "created_at": utc_time(analysis.created_at),
        "file_name": analysis.file_name,
        "document": analysis.document,
        "key_frame": key_frame,
        "video": video,
    }


def _document_counts(
    documents: dict[str, Any], files: list[Any], form: list[Any]
) -> dict[str, int]:
    lengths = [len(documents[name]) for name in (ASSESSMENTS, CHECKINS, PROGRAMMES, ACTIVITIES)]
    counts = [*lengths, len(files), len(documents[OUTCOMES]), len(form)]
    return dict(zip(COUNT_NAMES, counts, strict=True))


def _safe_name(name: str, *, default: str = "activity") -> str:
    """A file name that stays inside its folder when the export is unzipped."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")[:120]
    return cleaned or default


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
