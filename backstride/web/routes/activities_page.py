"""Activities (GET /activities): upload activity files or a whole export, with progress;
the list and the training-load flags.

The upload form posts to POST /activities/upload: several .fit, .gpx or .tcx files (each
optionally .gz) or a Strava or Garmin Connect export .zip, imported by
`services.importing.import_sources`, exactly what `backstride import` does (duplicates dropped,
archives read without extracting, zip bombs and escaping paths refused). Without JavaScript it
is a plain form post answered with the whole page; with htmx the answer is the
`_activities_record.html` partial (the result, then the refreshed chart, flags and list), while
static/backstride.js shows the upload's progress. The import step is one call,
`_import_files`, so that it can be handed to a queue: the result partial can also show an
upload waiting in a queue, polling its status URL.

The load figures are `services.load`'s, the document `backstride load --format json` prints.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from backstride.errors import BackstrideError, StoreError
from backstride.knowledge import KnowledgeBase
from backstride.services.activities import activity_document, list_runner_activities
from backstride.services.importing import ImportSummary, find_sources, import_sources
from backstride.services.load import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    load_document,
    runner_load,
    runner_zone,
)
from backstride.services.record import Record
from backstride.services.resumable_uploads import (
    UploadFolder,
    UploadIncomplete,
    UploadNotFound,
    import_resumable,
    queue_resumable,
    size_text,
)
from backstride.services.return_to_run import runner_today
from backstride.services.upload_queue import (
    UploadJob,
    UploadQueueUnavailable,
    UploadTooLarge,
    enqueue_upload,
    upload_job,
)
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.routes import API_PREFIX
from backstride.web.routes.activities import safe_file_name
from backstride.web.routes.resumable import RESUMABLE_PATH, export_size_limit
from backstride.web.routes.uploads import MAX_FILES_PER_REQUEST, QueueNameDep, upload_settings
from backstride.web.templating import team_mode, templates

router = APIRouter(include_in_schema=False)

#: Where the page's upload form posts (the body limit for uploads belongs on this path too).
UPLOAD_PAGE_PATH = "/activities/upload"
#: Where the page asks how queued uploads (team mode) are getting on.
UPLOAD_STATUS_PATH = "/activities/uploads"
#: What the page takes: activity files, each optionally gzipped, and export zips.
ACCEPTED_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip")
#: The file picker's hint to the browser (the server checks the names itself).
ACCEPT_ATTRIBUTE = ".fit,.gpx,.tcx,.gz,.zip"
ACCEPTED_WORDS = (
    ".fit, .gpx or .tcx files (each optionally .gz), or a Strava or Garmin Connect export .zip"
)
#: Weeks in the weekly-distance chart: the default of `backstride load`.
LOAD_WEEKS = 12
#: Activities listed at first, and added by each "show more".
LIST_STEP = 50

SPORT_WORDS = {
    "running": "Run",
    "cycling": "Ride",
    "swimming": "Swim",
    "walking": "Walk",
    "hiking": "Hike",
}

#: The short name of each training-load flag (its text says the rest).
FLAG_WORDS = {
    "weekly_increase_over_30pct": "Weekly distance up more than 30%",
    "single_run_spike": "A run much longer than before",
}


@dataclass(frozen=True, slots=True)
class UploadQueued:
    """An upload handed to the upload queue: the page polls `status_url` until it is imported."""

    status_url: str
    files: int


@dataclass(frozen=True, slots=True)
class LoadWindow:
    """The weeks the chart shows, and why they end where they do when that is not this week."""

    until: dt.date
    note: str | None = None


@router.get("/activities", response_class=HTMLResponse)
def activities_page(
    request: Request,
    record: RecordDep,
    knowledge: KnowledgeDep,
    shown: str | None = None,
    until: str | None = None,
) -> HTMLResponse:
    """The upload form, the weekly-distance chart with its flags, and the activities."""
    count = _shown_count(shown)
    if not until:
        return _page(request, record, knowledge, shown=count, window=_default_window(record))
    try:
        day = dt.date.fromisoformat(until)
    except ValueError:
        error = f"{until[:20]!r} is not a date: give the chart's last day as YYYY-MM-DD."
    else:
        if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            return _page(request, record, knowledge, shown=count, window=LoadWindow(until=day))
        error = f"{until}: choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}."
    window = _default_window(record)
    return _page(request, record, knowledge, shown=count, window=window, window_error=error)


@router.post(UPLOAD_PAGE_PATH, response_class=HTMLResponse)
async def upload_activities(
    request: Request, record: RecordDep, knowledge: KnowledgeDep, queue: QueueNameDep
) -> HTMLResponse:
    """Import the uploaded files and answer with what happened, then the refreshed record."""
    is_htmx = request.headers.get("HX-Request") == "true"
    try:
        async with request.form() as form:
            sent = form.get("uploads")
            if isinstance(sent, str) and sent:
                return await _take_resumable(request, record, knowledge, is_htmx, sent, queue)
            files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            problem = _upload_problem(files)
            if problem is not None:
                return _answer(request, record, knowledge, is_htmx, upload_error=problem)
            if team_mode(request):
                jobs = await run_in_threadpool(_queue_files, request, record, files, queue)
                queued = UploadQueued(status_url=_status_url(jobs), files=len(files))
                return _answer(request, record, knowledge, is_htmx, queued=queued)
            summary = await run_in_threadpool(_import_files, record, files)
    except (UploadTooLarge, UploadQueueUnavailable) as exc:
        return _answer(request, record, knowledge, is_htmx, upload_error=str(exc))
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        error = f"The upload could not be read ({exc.detail}); choose the files and try again."
        return _answer(request, record, knowledge, is_htmx, upload_error=error)
    return _answer(request, record, knowledge, is_htmx, result=_result_document(record, summary))


@router.get(UPLOAD_STATUS_PATH, response_class=HTMLResponse)
def upload_status(
    request: Request, record: RecordDep, knowledge: KnowledgeDep, jobs: str = ""
) -> HTMLResponse:
    """The queued uploads `jobs` (comma-separated ids): still queued, or what they imported.

    Polled by the page (htmx) until every job has ended; an id that is not one of this runner's
    jobs is "not found", whoever asks.
    """
    ids = [j for j in jobs.split(",") if j][:MAX_FILES_PER_REQUEST]
    settings = upload_settings(request)
    found = [upload_job(settings, record.runner.id, job_id, record=record) for job_id in ids]
    known = [job for job in found if job is not None]
    if not ids or len(known) != len(ids):
        raise HTTPException(404, "no such upload: it may have ended more than a day ago")
    is_htmx = request.headers.get("HX-Request") == "true"
    if any(job.state in ("queued", "running") for job in known):
        queued = UploadQueued(status_url=_status_url(ids), files=len(ids))
        return _answer(request, record, knowledge, is_htmx, queued=queued)
    return _answer(request, record, knowledge, is_htmx, result=_jobs_result(record, known))


async def _take_resumable(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    is_htmx: bool,
    sent: str,
    queue: str,
) -> HTMLResponse:
    """Import (or, in team mode, queue) the resumable uploads the page sent whole, by id."""
    ids = [i for i in sent.split(",") if i][:MAX_FILES_PER_REQUEST]
    settings = upload_settings(request)
    try:
        folder = await run_in_threadpool(UploadFolder.of, settings)
        if team_mode(request):
            jobs = [
                await run_in_threadpool(
                    queue_resumable, settings, folder, record.runner.id, i, queue_name=queue
                )
                for i in ids
            ]
            queued = UploadQueued(status_url=_status_url([j.id for j in jobs]), files=len(jobs))
            return _answer(request, record, knowledge, is_htmx, queued=queued)
        summary = ImportSummary()
        for upload_id in ids:
            one = await run_in_threadpool(import_resumable, record, folder, upload_id)
            summary.added += one.added
            summary.duplicates += one.duplicates
            summary.skipped += one.skipped
            summary.failed += one.failed
    except UploadQueueUnavailable as exc:
        return _answer(request, record, knowledge, is_htmx, upload_error=str(exc))
    except (UploadNotFound, UploadIncomplete) as exc:
        error = f"{str(exc).removeprefix('upload: ').capitalize()}."
        return _answer(request, record, knowledge, is_htmx, upload_error=error)
    return _answer(request, record, knowledge, is_htmx, result=_result_document(record, summary))


def _queue_files(
    request: Request, record: Record, files: Sequence[UploadFile], queue: str
) -> list[str]:
    """Hand each upload to the upload queue (team mode: a worker imports it); their job ids."""
    settings = upload_settings(request)
    limit = _upload_limit(request)
    ids = []
    for upload in files:
        upload.file.seek(0)
        job = enqueue_upload(
            settings,
            record.runner.id,
            (safe_file_name(upload.filename) or "upload"),
            upload.file,
            max_bytes=limit,
            queue_name=queue,
        )
        ids.append(job.id)
    return ids


def _status_url(job_ids: Sequence[str]) -> str:
    return f"{UPLOAD_STATUS_PATH}?jobs={','.join(job_ids)}"


def _jobs_result(record: Record, jobs: Sequence[UploadJob]) -> dict[str, Any]:
    """The ended jobs' import summaries as one, as an import of all the files at once reads."""
    zone = runner_zone(record)
    merged: dict[str, Any] = {
        "imported": 0,
        "duplicates": 0,
        "skipped": [],
        "failed": [],
        "activities": [],
    }
    for job in jobs:
        if job.summary is None:
            merged["failed"].append({"file": job.file, "error": job.error or "not imported"})
            continue
        merged["imported"] += job.summary["imported"]
        merged["duplicates"] += job.summary["duplicates"]
        for key in ("skipped", "failed", "activities"):
            merged[key].extend(job.summary[key])
    return {**merged, "rows": [_activity_row(a, zone) for a in merged["activities"]]}


def _import_files(record: Record, files: Sequence[UploadFile]) -> ImportSummary:
    """Import uploaded files as `backstride import` does, through a private temporary folder.

    The import service reads files, so each upload is written to its own folder (two uploads
    may share a name) under one temporary folder, removed whatever happens.
    """
    with tempfile.TemporaryDirectory(prefix="backstride-upload-") as folder:
        paths: list[Path] = []
        for number, upload in enumerate(files):
            own = Path(folder) / str(number)
            own.mkdir()
            path = own / (safe_file_name(upload.filename) or "upload")
            upload.file.seek(0)
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            paths.append(path)
        return import_sources(record, find_sources(paths))


def _upload_problem(files: Sequence[UploadFile]) -> str | None:
    """One line saying what is wrong with the files chosen, or None when they can be imported."""
    if not files:
        return f"Choose at least one file to upload: {ACCEPTED_WORDS}."
    if len(files) > MAX_FILES_PER_REQUEST:
        return (
            f"That is {len(files)} files; nothing was uploaded. Upload at most "
            f"{MAX_FILES_PER_REQUEST} at a time, or the export .zip they came in."
        )
    for upload in files:
        name = PureWindowsPath(upload.filename or "").name
        if not name.lower().endswith(ACCEPTED_SUFFIXES):
            return (
                f"{name[:60]!r} is not a file Backstride can import; nothing was uploaded. "
                f"Choose {ACCEPTED_WORDS}."
            )
    return None


def _answer(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    is_htmx: bool,
    *,
    result: dict[str, Any] | None = None,
    upload_error: str | None = None,
    queued: UploadQueued | None = None,
) -> HTMLResponse:
    """The whole page after an upload, or (for htmx) the part of it that changed.

    One of: `result` (the import is done), `upload_error` (nothing was imported, and why), or
    `queued` (the upload waits in the upload queue; the part polls `queued.status_url`, which
    answers with this same part until the import is done).
    """
    return _page(
        request,
        record,
        knowledge,
        shown=LIST_STEP,
        window=_default_window(record),
        result=result,
        upload_error=upload_error,
        queued=queued,
        partial=is_htmx,
    )


def _result_document(record: Record, summary: ImportSummary) -> dict[str, Any]:
    """The import summary, with the activities added as the list shows them."""
    document = summary.document()
    zone = runner_zone(record)
    return {**document, "rows": [_activity_row(a, zone) for a in document["activities"]]}


def _page(
    request: Request,
    record: Record,
    knowledge: KnowledgeBase,
    *,
    shown: int,
    window: LoadWindow,
    window_error: str | None = None,
    result: dict[str, Any] | None = None,
    upload_error: str | None = None,
    queued: UploadQueued | None = None,
    partial: bool = False,
) -> HTMLResponse:
    """The page (or, for htmx, the `_activities_record.html` part); 422 when a line says what
    was wrong with the request."""
    zone = runner_zone(record)
    stored = list_runner_activities(record)
    newest_first = [_activity_row(activity_document(s), zone) for s in reversed(stored[-shown:])]
    load = _load(record, knowledge, window)
    limit = _upload_limit(request)
    export_limit = export_size_limit(request)
    return templates.TemplateResponse(
        request,
        "_activities_record.html" if partial else "activities.html",
        {
            "activities": newest_first,
            "total": len(stored),
            "more": min(LIST_STEP, len(stored) - len(newest_first)),
            "next_shown": shown + LIST_STEP,
            "load": load,
            "window_error": window_error,
            "result": result,
            "upload_error": upload_error,
            "queued": queued,
            "upload_path": UPLOAD_PAGE_PATH,
            "accept": ACCEPT_ATTRIBUTE,
            "accepted_words": ACCEPTED_WORDS,
            "max_upload_bytes": limit,
            "max_upload_text": None if limit is None else size_text(limit),
            "max_export_bytes": export_limit,
            "max_export_text": size_text(export_limit),
            "resumable_endpoint": f"{API_PREFIX}{RESUMABLE_PATH}",
        },
        status_code=422 if upload_error or window_error else 200,
    )


def _upload_limit(request: Request) -> int | None:
    """The largest upload the app takes (`create_app(max_upload_bytes=...)`), when it says."""
    limit = getattr(request.app.state, "max_upload_bytes", None)
    return limit if isinstance(limit, int) and limit > 0 else None


def _shown_count(shown: str | None) -> int:
    """How many activities to list: `?shown=N`, whole steps of LIST_STEP, at least one step."""
    try:
        count = int(shown or LIST_STEP)
    except ValueError:
        return LIST_STEP
    return max(LIST_STEP, min(count, 100_000))


def _default_window(record: Record) -> LoadWindow:
    """The chart ends this week, or with the latest activity's week when every activity is
    older than the chart's weeks (so an archive of old runs still shows)."""
    today = runner_today(record)
    stored = list_runner_activities(record, sport="running") or list_runner_activities(record)
    if not stored:
        return LoadWindow(until=today)
    latest = stored[-1].activity.start.astimezone(runner_zone(record)).date()
    first_monday = _monday(today) - dt.timedelta(weeks=LOAD_WEEKS - 1)
    if latest >= first_monday:
        return LoadWindow(until=today)
    note = (
        f"Your latest activity is from {_day_text(latest)}, so the chart shows the "
        f"{LOAD_WEEKS} weeks up to it."
    )
    return LoadWindow(until=latest, note=note)


def _load(record: Record, knowledge: KnowledgeBase, window: LoadWindow) -> dict[str, Any]:
    """The load document for the chart's weeks, with what the page and the chart show."""
    try:
        report = runner_load(record, weeks=LOAD_WEEKS, until=window.until)
    except StoreError:
        raise
    except BackstrideError as exc:
        return {"error": str(exc)}
    document = load_document(report, knowledge)
    flagged = _flagged_weeks(document["flags"])
    weeks = [
        {
            **week,
            "week_text": _day_text(dt.date.fromisoformat(week["week_start"])),
            "flags": flagged.get(week["week_start"], []),
        }
        for week in document["weeks"]
    ]
    chart = {
        "title": "Running distance per week",
        "weeks": [
            {
                "label": _short_day(dt.date.fromisoformat(w["week_start"])),
                "distance_km": round(w["distance_km"], 1),
                "flagged": bool(w["flags"]),
            }
            for w in weeks
        ],
    }
    citations = {s["id"]: s["citation"] for s in document["sources"]}
    flags = [
        {
            **flag,
            "name": FLAG_WORDS.get(flag["id"], flag["id"]),
            "citations": [citations.get(s, s) for s in flag["sources"]],
        }
        for flag in document["flags"]
    ]
    return {
        **document,
        "weeks": weeks,
        "flags": flags,
        "chart": chart,
        "has_running": any(w["distance_km"] > 0 for w in weeks),
        "note": window.note,
        "first_text": weeks[0]["week_text"] if weeks else "",
        "until_text": _day_text(window.until),
        "acwr_citations": [citations.get(s, s) for s in document["acwr"]["sources"]],
    }


def _flagged_weeks(flags: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """The flags' short names by the Monday of the week they fall in."""
    found: dict[str, list[str]] = {}
    for flag in flags:
        day = dt.date.fromisoformat(flag.get("week_start") or flag["date"])
        words = FLAG_WORDS.get(flag["id"], flag["id"])
        found.setdefault(_monday(day).isoformat(), []).append(words)
    return found


def _activity_row(document: dict[str, Any], zone: dt.tzinfo) -> dict[str, Any]:
    """One activity (its import-contract document) as the list shows it: local date and time,
    sport, distance, duration."""
    start = dt.datetime.fromisoformat(document["start"]).astimezone(zone)
    sport = document["sport"] or "activity"
    words = SPORT_WORDS.get(sport, sport.replace("_", " ").capitalize())
    sub_sport = document["sub_sport"]
    if sub_sport and sub_sport not in ("generic", sport):
        words += f" ({sub_sport.replace('_', ' ')})"
    distance = document["distance_m"]
    seconds = document["timer_s"] if document["timer_s"] is not None else document["elapsed_s"]
    return {
        "id": document["id"],
        "start": start.isoformat(),
        "date_text": f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}",
        "sport": words,
        "distance_text": "–" if distance is None else f"{distance / 1000:.2f} km",
        "duration_text": "–" if seconds is None else _duration(seconds),
        "file": document["file"],
    }


def _duration(seconds: float) -> str:
    """1:05:12 for an hour and more, 58:20 under an hour."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short_day(day: dt.date) -> str:
    return f"{day.day} {day:%b}"
