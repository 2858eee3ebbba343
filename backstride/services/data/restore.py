"""Restore: an export brought back into the runner's record, all or nothing.

The whole archive is checked (member names, sizes, every hash) and every document read into the
strict models below before anything is written; then everything is written in one transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AwareDatetime, Field

from backstride.domain import Activity
from backstride.errors import InputInvalid
from backstride.services.data.archive import (
    COUNT_NAMES,
    DOCUMENTS,
    DOCUMENTS_OF_VERSION,
    FILES_FOLDER,
    FORM_ANALYSES,
    FORM_FOLDER,
    OUTCOMES,
    DataSummary,
    Hex64,
    Manifest,
    Member,
    Refused,
    Strict,
    check_archive,
    open_archive,
    parse_json,
    read_member,
    validated,
)
from backstride.services.data.records import count_records, delete_records
from backstride.services.record import Record
from backstride.store import PERSONAL_RUNNER_KEY, ReturnToRunState, Runner, repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class _RunnerDoc(Strict):
    key: str
    name: str | None
    time_zone: str
    run_days: list[int] | None
    created_at: AwareDatetime


class _AssessmentDoc(Strict):
    created_at: AwareDatetime
    intake: dict[str, Any]
    output: dict[str, Any]


class _CheckInDoc(Strict):
    date: date
    created_at: AwareDatetime
    updated_at: AwareDatetime
    data: dict[str, Any]


class _ProgrammeDoc(Strict):
    started_on: date
    stage: int
    status: Literal["active", "stopped", "completed"]
    last_decision: str | None
    why: list[str]
    decided_on: date | None
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None


class _ActivityDoc(Strict):
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


class _FileDoc(Strict):
    sha256: Hex64
    file_name: str
    size_bytes: int
    stored_at: AwareDatetime
    member: str


class _OutcomeDoc(Strict):
    date: date
    instrument: Literal["rmdq", "psfs"]
    created_at: AwareDatetime
    updated_at: AwareDatetime
    data: dict[str, Any]


class _FormAnalysisDoc(Strict):
    created_at: AwareDatetime
    file_name: str
    document: dict[str, Any]
    key_frame: str | None
    """The member holding the key-frame JPEG, under form/."""
    video: str | None
    """The member holding the kept video, under form/."""


class _Export(Strict):
    runner: _RunnerDoc
    assessments: list[_AssessmentDoc]
    checkins: list[_CheckInDoc]
    programmes: list[_ProgrammeDoc]
    activities: list[_ActivityDoc]
    files: list[_FileDoc]
    outcomes: list[_OutcomeDoc] = Field(default_factory=list)
    """Absent from a version 1 export, which was made before outcome questionnaires."""
    form_analyses: list[_FormAnalysisDoc] = Field(default_factory=list)
    """Absent from versions 1 and 2, made before form analyses were exported."""


def restore_record(
    record: Record, archive_path: Path, *, replace: bool = False, keep_runner: bool = False
) -> DataSummary:
    """Bring back an export into the runner's record, all or nothing.

    The record must be empty unless `replace` is True, in which case what it holds is deleted
    in the same transaction. A damaged, changed or foreign archive is refused before anything
    is written.

    By default the runner row is replaced too (its id changes, its key stays), so the profile
    comes back with its creation time. With `keep_runner` the runner keeps its row and id and
    takes the exported name, time zone and run days: the web app serves a runner by id.
    """
    try:
        with open_archive(archive_path) as archive:
            manifest = check_archive(archive, archive_path)
            export = _read_export(archive, manifest)
            with record.session() as session, session.begin():
                _make_room(session, record, replace=replace, keep_runner=keep_runner)
                if keep_runner:
                    runner = _restore_profile(session, record.runner.id, export.runner)
                else:
                    runner = _restore_runner(session, record.runner, export.runner)
                _restore_documents(session, runner.id, export)
                _restore_files(session, runner.id, archive, export.files)
                _restore_form_analyses(session, runner.id, archive, export.form_analyses)
            size = archive_path.stat().st_size
    except Refused as exc:
        raise InputInvalid(f"{archive_path.name}: {exc}; nothing was restored") from exc
    return DataSummary(counts=_export_counts(export), size_bytes=size, runner=runner)


def _read_export(archive: zipfile.ZipFile, manifest: Manifest) -> _Export:
    listed = {m.name: m for m in manifest.members}
    parts: dict[str, Any] = {}
    for name, field in zip(DOCUMENTS, _Export.model_fields, strict=True):
        if name not in listed and name not in DOCUMENTS_OF_VERSION[1]:
            continue  # an older export: no outcome questionnaires (1) or form analyses (1, 2)
        data = read_member(archive, archive.getinfo(name))
        if hashlib.sha256(data).hexdigest() != listed[name].sha256:
            raise Refused(f"{name} changed while it was read")
        parts[field] = parse_json(data, name)
    export = validated(_Export, parts, "the export")
    _check_files(export.files, listed)
    _check_form_members(export.form_analyses, listed)
    if _export_counts(export) != {"outcomes": 0, "form_analyses": 0, **manifest.counts}:
        raise Refused("its documents do not hold what its manifest counts")
    for checkin in export.checkins:
        if checkin.data.get("date") != checkin.date.isoformat():
            raise Refused(f"the check-in of {checkin.date} holds another date")
    for outcome in export.outcomes:
        given = (outcome.data.get("date"), outcome.data.get("instrument"))
        if given != (outcome.date.isoformat(), outcome.instrument):
            raise Refused(f"the {outcome.instrument} questionnaire of {outcome.date} holds another")
    return export


def _check_files(files: list[_FileDoc], listed: dict[str, Member]) -> None:
    members = {name for name in listed if name.startswith(FILES_FOLDER)}
    referenced = [f.member for f in files]
    if sorted(referenced) != sorted(members):
        raise Refused("files.json does not list the original files the archive holds")
    for file in files:
        if listed[file.member].sha256 != file.sha256:
            raise Refused(f"{file.member} is not the file files.json names")


def _check_form_members(analyses: list[_FormAnalysisDoc], listed: dict[str, Member]) -> None:
    members = {name for name in listed if name.startswith(FORM_FOLDER)}
    referenced = [m for a in analyses for m in (a.key_frame, a.video) if m is not None]
    if sorted(referenced) != sorted(members) or not all(
        m.startswith(FORM_FOLDER) for m in referenced
    ):
        raise Refused(f"{FORM_ANALYSES} does not list the pictures and videos the archive holds")


def _export_counts(export: _Export) -> dict[str, int]:
    lengths = (export.assessments, export.checkins, export.programmes, export.activities)
    counts = [
        *(len(x) for x in lengths),
        len(export.files),
        len(export.outcomes),
        len(export.form_analyses),
    ]
    return dict(zip(COUNT_NAMES, counts, strict=True))


def _make_room(session: Session, record: Record, *, replace: bool, keep_runner: bool) -> None:
    if any(count_records(session, record.runner.id).values()) and not replace:
        raise InputInvalid(
            "Your record already holds data, so nothing was restored. To replace all of it "
            "with the export, run restore again with --replace (export it first to keep a copy)."
        )
    if keep_runner:
        delete_records(session, record.runner.id)
        return
    # The runner row goes too: it comes back with the export's profile and creation time.
    repo.delete_everything_for(session=session, runner_id=record.runner.id)


def _restore_profile(session: Session, runner_id: int, saved: _RunnerDoc) -> Runner:
    """The record's own runner (same row, same id) with the exported profile."""
    current = repo.get_runner(session=session, runner_id=runner_id)
    run_days = tuple(saved.run_days) if saved.run_days is not None else None
    profile = dataclasses.replace(
        current, name=saved.name, time_zone=saved.time_zone, run_days=run_days
    )
    return repo.update_runner(session=session, runner=profile)


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
    _restore_outcomes(session, runner_id, export.outcomes)
    activities = [Activity(**a.model_dump()) for a in export.activities]
    saved = repo.save_activities(session=session, runner_id=runner_id, activities=activities)
    if saved.duplicates:
        raise Refused(f"activities.json holds {saved.duplicates} activities twice")


def _restore_outcomes(session: Session, runner_id: int, outcomes: list[_OutcomeDoc]) -> None:
    """Each questionnaire, checked and scored again as when it was first kept."""
    from backstride.services.outcomes import parse_outcome, score_answers

    for outcome in outcomes:
        try:
            answers = parse_outcome(outcome.data, origin=OUTCOMES)
        except InputInvalid as exc:
            raise Refused(
                f"{OUTCOMES} holds a questionnaire Backstride cannot read ({exc})"
            ) from exc
        score = float(score_answers(answers).value)
        for moment in dict.fromkeys((outcome.created_at, outcome.updated_at)):
            updated = repo.upsert_outcome(
                session=session, runner_id=runner_id, outcome=outcome.data, score=score, now=moment
            )
            if updated and moment == outcome.created_at:
                raise Refused(f"{OUTCOMES} holds the {outcome.instrument} of {outcome.date} twice")


def _restore_files(
    session: Session, runner_id: int, archive: zipfile.ZipFile, files: list[_FileDoc]
) -> None:
    for file in files:
        content = read_member(archive, archive.getinfo(file.member))
        kept = repo.save_activity_file(
            session=session,
            runner_id=runner_id,
            file_name=file.file_name,
            content=content,
            sha256=file.sha256,
            now=file.stored_at,
        )
        if not kept:
            raise Refused(f"files.json lists {file.file_name} twice")


def _restore_form_analyses(
    session: Session, runner_id: int, archive: zipfile.ZipFile, analyses: list[_FormAnalysisDoc]
) -> None:
    """Each analysis with its picture and video, read from the archive one at a time."""
    for analysis in analyses:
        key_frame = _form_member(archive, analysis.key_frame)
        video = _form_member(archive, analysis.video)
        repo.save_form_analysis(
            session=session,
            runner_id=runner_id,
            file_name=analysis.file_name,
            document=analysis.document,
            key_frame=key_frame,
            video=video,
            created_at=analysis.created_at,
        )
        del key_frame, video


def _form_member(archive: zipfile.ZipFile, member: str | None) -> bytes | None:
    return read_member(archive, archive.getinfo(member)) if member is not None else None
