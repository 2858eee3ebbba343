"""Form (GET /form): upload a side-view clip, follow its analysis, then see what it found.

The upload form posts to POST /form/upload (the clip, an optional slow-motion factor, "keep the
video"); static/backstride.js shows the bytes sent, as on the Activities page. The clip is
checked at once (not a video, empty, too large a picture: the reason, nothing kept) and its
analysis started in the background (`routes.form.start_analysis`: the app's own thread, or
the upload worker in team mode). The answer is the `_form_analysis.html` part, which polls
GET /form/jobs/{id} (frames done of the total) until the analysis has ended, then shows the
findings with their numbers, the measures (approximate ones marked), the key frame at a
landing with the skeleton and angles drawn, and the form cues each finding calls for; or, for a
clip that cannot be analysed, its problems in plain words. Without JavaScript the same part
comes inside the whole page, with a link to look again.

The key frame is served by GET /form/analyses/{id}/key-frame.jpg to its runner only; a linked
clinician reads it through /athletes (routes.athletes).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from backstride.errors import InputInvalid
from backstride.knowledge import KnowledgeBase
from backstride.reports.form_measures import measure_rows
from backstride.services.form import (
    SLOW_MOTION_RANGE,
    form_analysis,
    form_key_frame,
    latest_form_analysis,
)
from backstride.services.form_jobs import FormJob
from backstride.services.resumable_uploads import size_text
from backstride.services.upload_queue import UploadQueueUnavailable
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.routes.form import clip_size_limit, find_job, start_analysis
from backstride.web.routes.learn import entry_title, entry_url
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: Where the page's upload form posts (the body limit for clips belongs on this path too).
FORM_UPLOAD_PATH = "/form/upload"
#: What the file picker offers (the server reads the file itself to tell a video).
ACCEPT = ".mp4,.mov,.m4v,.3gp,.webm,.mkv,.avi"
#: Seconds between two looks at a running analysis.
POLL_SECONDS = 1


@router.get("/form", response_class=HTMLResponse)
def form_page(request: Request, record: RecordDep, knowledge: KnowledgeDep) -> HTMLResponse:
    """The upload form and the latest analysis kept."""
    return _page(request, record, knowledge, latest=latest_form_analysis(record))


@router.post(FORM_UPLOAD_PATH, response_class=HTMLResponse)
async def upload_clip(request: Request, record: RecordDep, knowledge: KnowledgeDep) -> HTMLResponse:
    """Take the clip and start its analysis; answer with the part that follows it."""
    partial = request.headers.get("HX-Request") == "true"
    try:
        async with request.form() as form:
            clip = form.get("clip")
            if not isinstance(clip, UploadFile) or not clip.filename:
                raise InputInvalid("Choose a video of your running to upload.")
            slow_motion = _slow_motion(form.get("slow_motion"))
            keep_video = form.get("keep_video") in ("on", "true", "1")
            job = await run_in_threadpool(
                start_analysis,
                request,
                record,
                clip.filename,
                clip.file,
                slow_motion=slow_motion,
                keep_video=keep_video,
            )
    except InputInvalid as exc:
        return _page(request, record, knowledge, error=_sentence(str(exc)), partial=partial)
    except UploadQueueUnavailable as exc:
        error = f"The analysis could not be started: {exc}. Try again in a minute."
        return _page(request, record, knowledge, error=error, partial=partial, status=503)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        error = f"The upload could not be read ({exc.detail}); choose the clip and try again."
        return _page(request, record, knowledge, error=error, partial=partial)
    return _page(request, record, knowledge, job=job, partial=partial, status=202)


@router.get("/form/jobs/{job_id}", response_class=HTMLResponse)
def form_job_page(
    request: Request, job_id: str, record: RecordDep, knowledge: KnowledgeDep
) -> HTMLResponse:
    """Where the analysis is: frames done of the total, then its result (polled by the page)."""
    try:
        job = find_job(request, record, job_id[:64])
    except UploadQueueUnavailable as exc:
        error = f"Cannot say how the analysis is getting on: {exc}."
        return _page(request, record, knowledge, error=error, status=503)
    if job is None:
        raise HTTPException(404, "no such analysis: it may have ended more than a day ago")
    partial = request.headers.get("HX-Request") == "true"
    if job.state == "done" and job.analysis_id is not None:
        kept = form_analysis(record, job.analysis_id)
        return _page(request, record, knowledge, latest=kept, fresh=True, partial=partial)
    return _page(request, record, knowledge, job=job, partial=partial)


@router.get("/form/analyses/{analysis_id}/key-frame.jpg", response_model=None)
def key_frame(analysis_id: int, record: RecordDep) -> Response:
    """The key-frame picture of one of this runner's analyses; 404 for anyone else's."""
    picture = form_key_frame(record, analysis_id)
    if picture is None:
        raise HTTPException(404, "no such picture")
    return key_frame_response(picture)


def key_frame_response(picture: bytes) -> Response:
    """A key-frame JPEG, never cached by a shared cache."""
    return Response(
        picture, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )


def analysis_view(
    stored: Any,
    knowledge: KnowledgeBase,
    *,
    key_frame_url: str | None,
    document: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """What the templates show of an analysis: a kept one (`stored`), or an unusable clip's
    `document`, which was not kept."""
    document = stored.document if stored is not None else document
    if document is None:
        return None
    quality = document["quality"]
    cues = {cue.id: cue for cue in knowledge.form_cues}
    findings = [
        {
            **finding,
            "cue_entries": [
                {"name": cues[c].name, "text": cues[c].text, "href": entry_url("form_cues", c)}
                for c in finding["cues"]
                if c in cues
            ],
            "source_links": [
                {"label": _source_label(knowledge, s), "href": entry_url("sources", s)}
                for s in finding.get("sources", [])
            ],
        }
        for finding in document.get("findings", [])
    ]
    video = document.get("video", {})
    return {
        "id": stored.id if stored is not None else None,
        "date": stored.created_at.date().isoformat() if stored is not None else None,
        "kept_video": stored.has_video if stored is not None else False,
        "file": video.get("file", ""),
        "seconds": video.get("seconds"),
        "usable": quality["usable"],
        "steps": quality.get("steps"),
        "problems": quality.get("problems", []),
        "facing": document.get("facing"),
        "metrics": measure_rows(document.get("metrics")),
        "findings": findings,
        "key_frame_url": key_frame_url if stored is not None and stored.has_key_frame else None,
        "disclaimer": document.get("disclaimer", knowledge.disclaimer),
    }


def _page(
    request: Request,
    record: Any,
    knowledge: KnowledgeBase,
    *,
    latest: Any = None,
    job: FormJob | None = None,
    error: str | None = None,
    fresh: bool = False,
    partial: bool = False,
    status: int | None = None,
) -> HTMLResponse:
    """The page, or (for htmx) its `_form_analysis.html` part; 422 when `error` says what was
    wrong with the upload."""
    if latest is None and job is None and error is None and not partial:
        latest = latest_form_analysis(record)
    unusable = None
    if job is not None and job.state == "unusable" and job.result is not None:
        unusable = analysis_view(None, knowledge, key_frame_url=None, document=job.result)
    analysis = None
    if latest is not None:
        url = f"/form/analyses/{latest.id}/key-frame.jpg"
        analysis = analysis_view(latest, knowledge, key_frame_url=url)
    low, high = SLOW_MOTION_RANGE
    context = {
        "analysis": analysis,
        "fresh": fresh,
        "job": job,
        "unusable": unusable,
        "error": error,
        "poll_seconds": POLL_SECONDS,
        "upload_path": FORM_UPLOAD_PATH,
        "accept": ACCEPT,
        "max_bytes": clip_size_limit(request),
        "max_text": size_text(clip_size_limit(request)),
        "slow_motion_range": (low, high),
    }
    if status is None:
        status = 422 if error else 200
    name = "_form_analysis.html" if partial else "form.html"
    return templates.TemplateResponse(request, name, context, status_code=status)


def _source_label(knowledge: KnowledgeBase, source_id: str) -> str:
    """A source as a reader names it: "Heiderscheit 2011", else its title."""
    *names, year = source_id.split("_")
    if names and year.isdigit() and len(year) == 4:
        return f"{' '.join(names).title()} {year}"
    try:
        return entry_title(knowledge.source(source_id))
    except KeyError:
        return source_id.replace("_", " ")


def _slow_motion(given: Any) -> float | None:
    if not isinstance(given, str) or not given.strip():
        return None
    low, high = SLOW_MOTION_RANGE
    try:
        factor = float(given.replace(",", "."))
    except ValueError:
        factor = float("nan")
    if not low <= factor <= high:
        raise InputInvalid(
            f"Slow motion: {given[:20]!r} is not a factor from {low:g} to {high:g}. Give how many "
            "times slower than real time the clip plays (4 for a 120 fps clip played at 30 fps), "
            "or leave it empty for a normal clip."
        )
    return factor


def _sentence(message: str) -> str:
    """A service's one line as a sentence: capital first, full stop at the end."""
    message = message.removeprefix("clip: ")
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."
