"""/api/v1/uploads: large uploads handed to the upload queue, and their progress by job id.

The web process only writes each file to the spool folder and queues it; `backstride worker`
imports it (services/upload_queue.py). The runner follows each job at the URL answered.
"""

from __future__ import annotations

from pathlib import PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from backstride.errors import InputInvalid
from backstride.services.upload_queue import (
    UploadJob,
    UploadQueueUnavailable,
    UploadTooLarge,
    enqueue_upload,
    upload_job,
)
from backstride.settings import Settings
from backstride.web.deps import RecordDep
from backstride.web.errors import error_response
from backstride.web.routes.activities import safe_file_name, upload_name

router = APIRouter(tags=["uploads"])

#: Files one request may queue: a few exports or a folder's worth of activity files.
MAX_FILES_PER_REQUEST = 32
_QUEUED = ".fit, .gpx or .tcx (each optionally .gz), or a Strava or Garmin Connect export .zip"
# Kept in an export's name: letters, digits and a few marks, as for an activity file's name.


def upload_settings(request: Request) -> Settings:
    """The app's settings (kept on app.state when it is built), else the environment's."""
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else Settings()


def upload_queue_name(request: Request) -> str:
    """The queue uploads go to (the one `backstride worker` takes them from)."""
    return upload_settings(request).upload_queue


def upload_size_limit(request: Request) -> int:
    """The most bytes one uploaded file may have: the app's upload limit."""
    limit = getattr(request.app.state, "max_upload_bytes", None)
    if isinstance(limit, int):
        return limit
    from backstride.web.app import MAX_UPLOAD_BYTES  # the app module imports this one

    return MAX_UPLOAD_BYTES


SettingsDep = Annotated[Settings, Depends(upload_settings)]
QueueNameDep = Annotated[str, Depends(upload_queue_name)]
SizeLimitDep = Annotated[int, Depends(upload_size_limit)]


@router.post(
    "/uploads",
    summary="Queue activity files or an export zip for import by the worker",
    status_code=202,
    response_model=None,
    responses={
        202: {
            "description": "Queued: one job per file, each with the URL to follow it at; "
            "`Location` names the first."
        },
        413: {"description": "A file is over the size limit; nothing was queued."},
        422: {"description": "A file is not one Backstride imports; nothing was queued."},
        503: {"description": "The upload queue is not configured or cannot be reached."},
    },
)
def queue_uploads(
    files: Annotated[list[UploadFile], File(description=f"One or more files: {_QUEUED}.")],
    record: RecordDep,
    settings: SettingsDep,
    queue_name: QueueNameDep,
    max_bytes: SizeLimitDep,
    request: Request,
) -> JSONResponse:
    """Queue each file for import into the runner's record, as `backstride import` would.

    Every name and size is checked before anything is queued, so a refused request queues
    nothing. Follow each job at its `url` until its state is `done` (with the import summary)
    or `failed` (with the reason).
    """
    if not settings.redis_url:
        return queue_unavailable(
            "the upload queue is not configured on this server (BACKSTRIDE_REDIS_URL is unset); "
            "upload one activity file at a time with POST /api/v1/activities instead"
        )
    if len(files) > MAX_FILES_PER_REQUEST:
        raise InputInvalid(
            f"files: {len(files)} files in one request; send at most {MAX_FILES_PER_REQUEST} "
            "at a time"
        )
    names = [queued_upload_name(file.filename) for file in files]
    for name, file in zip(names, files, strict=True):
        if file.size is not None and file.size > max_bytes:
            return error_response(413, str(UploadTooLarge.for_file(name, max_bytes)))
    jobs: list[UploadJob] = []
    try:
        for name, file in zip(names, files, strict=True):
            jobs.append(
                enqueue_upload(
                    settings,
                    record.runner.id,
                    name,
                    file.file,
                    max_bytes=max_bytes,
                    queue_name=queue_name,
                )
            )
    except UploadTooLarge as exc:
        return error_response(413, str(exc))
    except UploadQueueUnavailable as exc:
        return queue_unavailable(str(exc), retry=True)
    documents = [job_document(job, request) for job in jobs]
    return JSONResponse(
        {"jobs": documents}, status_code=202, headers={"Location": documents[0]["url"]}
    )


@router.get(
    "/uploads/{job_id}",
    summary="The state of one queued upload",
    response_model=None,
    responses={
        200: {"description": "queued, running, done (with the import summary) or failed."},
        404: {"description": "No such upload job for this runner (or it expired)."},
        503: {"description": "The upload queue is not configured or cannot be reached."},
    },
)
def show_upload(
    job_id: Annotated[str, Path(max_length=64, description="The job's id, as POST answered.")],
    record: RecordDep,
    settings: SettingsDep,
    request: Request,
) -> JSONResponse:
    """Where one upload is: queued, running, done with its import summary, or failed and why.

    A job is kept for a day after it ends, then forgotten (404).
    """
    if not settings.redis_url:
        return queue_unavailable(
            "the upload queue is not configured on this server (BACKSTRIDE_REDIS_URL is unset)"
        )
    try:
        job = upload_job(settings, record.runner.id, job_id, record=record)
    except UploadQueueUnavailable as exc:
        return queue_unavailable(str(exc), retry=True)
    if job is None:
        shown = job_id if len(job_id) <= 40 else job_id[:37] + "..."
        return error_response(
            404,
            f"job_id: no upload job {shown!r} here; it may have expired (jobs are kept a day "
            "after they end), so check the id POST /api/v1/uploads answered",
        )
    return JSONResponse(job_document(job, request))


def queued_upload_name(filename: str | None) -> str:
    """The uploaded file's own name, safe to show; InputInvalid unless the queue takes it.

    Activity files go through the same check as `POST /api/v1/activities`; an export zip is
    cleaned the same way.
    """
    base = PureWindowsPath(filename or "").name
    if base.lower().rstrip(" .").endswith(".zip"):
        cleaned = safe_file_name(base)
        if len(cleaned) > len(".zip"):
            return cleaned
    try:
        return upload_name(filename)
    except InputInvalid:
        shown = (filename or "")[:60]
        raise InputInvalid(
            f"file: {shown!r} is not something Backstride imports; upload {_QUEUED}"
        ) from None


def job_document(job: UploadJob, request: Request) -> dict[str, Any]:
    """The job as JSON, with the URL to follow it at."""
    document = job.document()
    document["url"] = str(request.url_for("show_upload", job_id=job.id).path)
    return document


def queue_unavailable(message: str, *, retry: bool = False) -> JSONResponse:
    """The 503: not configured (asking again will not help) or unreachable (it may, later)."""
    return error_response(503, message, headers={"Retry-After": "30"} if retry else None)
