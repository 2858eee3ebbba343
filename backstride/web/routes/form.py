"""/api/v1/form: analyse the runner's form from a side-view clip, in the background.

```text
POST /api/v1/form                 multipart: clip, slow_motion (optional), keep_video
                                  -> 202 {"id", "state": "queued", ..., "url"}, Location: url
GET  /api/v1/form/jobs/{job_id}   -> queued | running (frames_done of frames_total)
                                     | done (analysis_id, result: the analysis document)
                                     | unusable (result: its quality.problems) | failed (error)
```

The clip is checked before anything starts (a file that is not a video, empty, too large a
picture: 422, nothing kept), then analysed on the app's own thread (personal mode) or by
`backstride worker` (team mode), as `services.form_jobs` describes. The Form page (/form)
starts and follows its analyses through the same two helpers, `start_analysis` and `find_job`.
"""

from __future__ import annotations

from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from backstride.services.form import form_analysis
from backstride.services.form_jobs import (
    MAX_CLIP_BYTES,
    FormAnalyses,
    FormJob,
    clip_folder,
    form_job,
    queue_form_analysis,
    receive_clip,
)
from backstride.services.record import Record
from backstride.services.upload_queue import UploadQueueUnavailable
from backstride.web.deps import RecordDep
from backstride.web.errors import error_response
from backstride.web.routes.uploads import queue_unavailable, upload_settings
from backstride.web.templating import team_mode

router = APIRouter(tags=["form analysis"])

#: Where clips are posted, under the API prefix (the body limit for clips belongs here too).
FORM_PATH = "/form"


def clip_size_limit(request: Request) -> int:
    """The most bytes one clip may have: the app's clip limit."""
    limit = getattr(request.app.state, "max_clip_bytes", None)
    return limit if isinstance(limit, int) else MAX_CLIP_BYTES


def form_analyses(request: Request) -> FormAnalyses:
    """The app's background analyses (personal mode), started with the app."""
    analyses = getattr(request.app.state, "form_analyses", None)
    if not isinstance(analyses, FormAnalyses):
        raise RuntimeError("the app's form analyses are not running: serve it with its lifespan")
    return analyses


def start_analysis(
    request: Request,
    record: Record,
    filename: str | None,
    stream: IO[bytes],
    *,
    slow_motion: float | None,
    keep_video: bool,
) -> FormJob:
    """Take the clip and start its analysis: InputInvalid (nothing kept) when it is no video
    to analyse, UploadQueueUnavailable when team mode's queue cannot be reached."""
    settings = upload_settings(request)
    clip = receive_clip(
        clip_folder(settings),
        filename,
        stream,
        max_bytes=clip_size_limit(request),
        slow_motion=slow_motion,
        keep_video=keep_video,
    )
    if team_mode(request):
        return queue_form_analysis(
            settings, record.runner.id, clip, queue_name=settings.upload_queue
        )
    return form_analyses(request).start(record, clip)


def find_job(request: Request, record: Record, job_id: str) -> FormJob | None:
    """The runner's analysis job `job_id`, or None (unknown, expired or someone else's)."""
    if team_mode(request):
        return form_job(upload_settings(request), record.runner.id, job_id)
    return form_analyses(request).job(record.runner.id, job_id)


@router.post(
    FORM_PATH,
    summary="Analyse running form from a side-view clip, in the background",
    status_code=202,
    response_model=None,
    responses={
        202: {"description": "Started: follow the job at its `url` (also in `Location`)."},
        413: {"description": "The clip is over the size limit; nothing was kept."},
        422: {"description": "Not a video Backstride can analyse, or a bad factor; nothing kept."},
        503: {"description": "Team mode: the upload queue cannot be reached."},
    },
)
def start_form_analysis(
    clip: Annotated[
        UploadFile,
        File(description="A side-view video of the runner (.mp4, .mov), 10-30 s, whole body."),
    ],
    record: RecordDep,
    request: Request,
    slow_motion: Annotated[
        float | None,
        Form(
            ge=1,
            le=64,
            description="How many times slower than real time the clip plays (e.g. 4 for a "
            "120 fps clip saved at 30 fps); needed for cadence when the file does not say.",
        ),
    ] = None,
    keep_video: Annotated[
        bool, Form(description="Keep the video itself in the record, not only the result.")
    ] = False,
) -> JSONResponse:
    """Start the analysis `backstride form VIDEO` makes; the usable result is kept."""
    try:
        job = start_analysis(
            request,
            record,
            clip.filename,
            clip.file,
            slow_motion=slow_motion,
            keep_video=keep_video,
        )
    except UploadQueueUnavailable as exc:
        return queue_unavailable(str(exc), retry=True)
    document = job_document(job, request, record)
    return JSONResponse(document, status_code=202, headers={"Location": document["url"]})


@router.get(
    f"{FORM_PATH}/jobs/{{job_id}}",
    summary="Where one form analysis is: its progress, then its result",
    response_model=None,
    responses={
        200: {"description": "queued, running, done (with the analysis), unusable or failed."},
        404: {"description": "No such analysis job for this runner (or it expired)."},
        503: {"description": "Team mode: the upload queue cannot be reached."},
    },
)
def show_form_job(
    job_id: Annotated[str, Path(max_length=64, description="The job's id, as POST answered.")],
    record: RecordDep,
    request: Request,
) -> JSONResponse:
    """The analysis job: frames done of the total while it runs, then the analysis document."""
    try:
        job = find_job(request, record, job_id)
    except UploadQueueUnavailable as exc:
        return queue_unavailable(str(exc), retry=True)
    if job is None:
        shown = job_id if len(job_id) <= 40 else job_id[:37] + "..."
        return error_response(
            404,
            f"job_id: no form analysis {shown!r} here; it may have expired (jobs are kept a day "
            "after they end), so check the id POST /api/v1/form answered",
        )
    return JSONResponse(job_document(job, request, record))


def job_document(job: FormJob, request: Request, record: Record) -> dict[str, Any]:
    """The job as JSON, with the URL to follow it at; once done, with the kept analysis."""
    document = job.document()
    document["url"] = str(request.url_for("show_form_job", job_id=job.id).path)
    if job.state == "done" and job.analysis_id is not None and document["result"] is None:
        kept = form_analysis(record, job.analysis_id)
        document["result"] = kept.document if kept is not None else None
    return document
