"""Form analyses started from the web app: the clip analysed in the background, followed by job.

An analysis takes seconds to tens of seconds, so no request waits for one. The web process
writes the uploaded clip to a private folder of its own (`receive_clip`, which also refuses
what is not a video before anything starts), then:

- personal mode: `FormAnalyses`, the app's own background thread, analyses one clip at a time
  and keeps each job's progress in memory;
- team mode: `queue_form_analysis` puts a job on the upload queue (services/upload_queue.py)
  that carries the runner's id, the clip's folder and the options, nothing else; `backstride
  worker` runs `analyse_form_upload`, which writes its progress into the job's meta in Redis.

Either way the runner follows the job with its id (`FormAnalyses.job`, `form_job`): queued,
running (frames done of the total), then done (the analysis kept in the record), unusable (the
clip's problems in plain words; nothing kept) or failed (one plain line; nothing kept). The clip
is removed once its analysis has ended; the video is kept in the record only when asked.

```python
clip = receive_clip(folder, "run.mp4", stream, max_bytes=MAX_CLIP_BYTES, slow_motion=None,
                    keep_video=False)
job = analyses.start(record, clip)                # personal mode
job = queue_form_analysis(settings, runner_id, clip)   # team mode
```
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path, PureWindowsPath
from typing import IO, Any, Literal

import redis
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from backstride.errors import BackstrideError, InputInvalid, StoreError, VideoInvalid
from backstride.knowledge import KnowledgeBase
from backstride.services.form import analyse_video, check_slow_motion, save_form_result
from backstride.services.record import Record, database_url, open_record
from backstride.services.upload_queue import (
    CLIP_FOLDER_NAME,
    KEEP_ENDED_SECONDS,
    RETRY_INTERVALS,
    SERIALIZER,
    UPLOAD_QUEUE,
    UploadQueueUnavailable,
    record_job_failure,
    require_upload_queue,
    spool_folder,
)
from backstride.settings import Settings
from backstride.store import MAX_KEPT_VIDEO_BYTES

__all__ = [
    "CLIP_FOLDER_NAME",
    "MAX_CLIP_BYTES",
    "FormAnalyses",
    "FormClip",
    "FormJob",
    "analyse_form_upload",
    "clip_folder",
    "form_job",
    "queue_form_analysis",
    "receive_clip",
    "run_form_analysis",
]

#: The largest clip the web app takes: what a kept video may have (a 30 s 4K clip is less).
MAX_CLIP_BYTES = MAX_KEPT_VIDEO_BYTES
#: The longest one analysis may run in the worker before rq stops it.
FORM_TIMEOUT_SECONDS = 15 * 60
#: Marks a job as a form analysis in its meta, beside the runner it belongs to.
FORM_JOB_KIND = "backstride-form"
#: Jobs the app keeps in memory (personal mode); the oldest ended ones are forgotten first.
KEEP_JOBS = 32
#: How many times the worker writes a job's progress to Redis during one analysis.
PROGRESS_UPDATES = 40
#: Why a job failed when the job itself cannot say.
UNKNOWN_FAILURE = "the clip could not be analysed; upload it again"

FormJobState = Literal["queued", "running", "done", "unusable", "failed"]
Progress = Callable[[int, int], None]

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
log = logging.getLogger("rq.worker.backstride")


@dataclass(frozen=True, slots=True)
class FormClip:
    """An uploaded clip waiting for its analysis: the file (alone in its folder) and options."""

    job_id: str
    path: Path
    slow_motion: float | None
    keep_video: bool

    @property
    def file(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True)
class FormJob:
    """One analysis as the runner may follow it.

    `analysis_id` is the kept analysis once done; `result` the analysis document once done or
    unusable (its `quality.problems` say why); `error` one plain line once failed.
    """

    id: str
    state: FormJobState
    file: str
    frames_done: int = 0
    frames_total: int = 0
    analysis_id: int | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ended(self) -> bool:
        return self.state in ("done", "unusable", "failed")

    def document(self) -> dict[str, Any]:
        """The job as JSON: id, state, file, progress, and the outcome once it has ended."""
        return {
            "id": self.id,
            "state": self.state,
            "file": self.file,
            "frames_done": self.frames_done,
            "frames_total": self.frames_total,
            "analysis_id": self.analysis_id,
            "result": self.result,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class FormOutcome:
    """How an analysis ended: done (kept as `analysis_id`) or unusable, with its document."""

    state: Literal["done", "unusable"]
    document: dict[str, Any]
    analysis_id: int | None = None


def clip_folder(settings: Settings) -> Path:
    """The private folder clips wait in, inside the upload queue's spool folder."""
    folder = spool_folder(settings) / CLIP_FOLDER_NAME
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Could not create the folder for clips {folder} ({exc.strerror or exc}). Set "
            "BACKSTRIDE_DATA_DIR to a folder you can write to."
        ) from None
    return folder


def receive_clip(
    folder: Path,
    filename: str | None,
    stream: IO[bytes],
    *,
    max_bytes: int = MAX_CLIP_BYTES,
    slow_motion: float | None = None,
    keep_video: bool = False,
) -> FormClip:
    """Write an uploaded clip into a new folder of its own under `folder`, checked.

    The stream is copied a megabyte at a time. `InputInvalid` (nothing kept) when the slow-motion
    factor is out of range, the clip is over `max_bytes`, or it is not a video Backstride can
    analyse (empty, another kind of file, too large a picture, too few frames, too long).
    """
    from backstride.form.video import probe  # PyAV: loaded only where clips are taken

    check_slow_motion(slow_motion)
    job_id = uuid.uuid4().hex
    own = folder / job_id
    own.mkdir(mode=0o700)
    path = own / clip_name(filename)
    try:
        _copy(stream, path, max_bytes)
        probe(path)
    except BaseException:
        shutil.rmtree(own, ignore_errors=True)
        raise
    return FormClip(job_id, path, slow_motion, keep_video)


def clip_name(filename: str | None) -> str:
    """The uploaded file's own name, without folders or unusual characters, safe to show."""
    base = _UNSAFE.sub("_", PureWindowsPath(filename or "").name).strip(" ._")[-80:]
    return base or "clip.mp4"


def run_form_analysis(
    record: Record,
    clip: FormClip,
    *,
    progress: Progress | None = None,
    knowledge: KnowledgeBase | None = None,
) -> FormOutcome:
    """Analyse the clip and keep a usable result in the record; the clip is removed after.

    `VideoInvalid` when the clip turns out to be damaged (it ends early); nothing is kept then,
    nor for an unusable clip.
    """
    try:
        result = analyse_video(
            clip.path, slow_motion=clip.slow_motion, progress=progress, knowledge=knowledge
        )
        if not result.usable:
            return FormOutcome("unusable", result.document)
        video = clip.path.read_bytes() if clip.keep_video else None
        kept = save_form_result(record, result, video=video)
        return FormOutcome("done", result.document, kept.id)
    finally:
        shutil.rmtree(clip.path.parent, ignore_errors=True)


class FormAnalyses:
    """The app's own background analyses (personal mode): one clip at a time, on one thread.

    Jobs are kept in memory, each with the runner it belongs to; `job` answers None for an
    unknown id or another runner's job. `close` waits for the analysis in hand.
    """

    def __init__(self, knowledge: KnowledgeBase | None = None) -> None:
        self._knowledge = knowledge
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backstride-form")
        self._lock = threading.Lock()
        self._jobs: dict[str, tuple[int, FormJob]] = {}
        self._running: dict[str, Future[None]] = {}

    def start(self, record: Record, clip: FormClip) -> FormJob:
        """Queue the clip's analysis; the job answered is "queued"."""
        job = FormJob(clip.job_id, "queued", clip.file)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = (record.runner.id, job)
        try:
            self._running[job.id] = self._executor.submit(self._run, record, clip)
        except RuntimeError:
            shutil.rmtree(clip.path.parent, ignore_errors=True)
            with self._lock:
                self._jobs.pop(job.id, None)
            raise
        return job

    def job(self, runner_id: int, job_id: str) -> FormJob | None:
        """The runner's job `job_id` as it is now, or None."""
        with self._lock:
            found = self._jobs.get(job_id)
        if found is None or found[0] != runner_id:
            return None
        return found[1]

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait until the job `job_id` has ended (TimeoutError after `timeout` seconds)."""
        running = self._running.get(job_id)
        if running is not None:
            running.result(timeout)

    def close(self) -> None:
        """Wait for the analysis in hand; those still queued are dropped, their clips removed."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for runner_id, job in list(self._jobs.values()):
                if not job.ended:
                    ended = replace(job, state="failed", error="the app stopped; upload it again")
                    self._jobs[job.id] = (runner_id, ended)

    def _run(self, record: Record, clip: FormClip) -> None:
        def progress(done: int, total: int) -> None:
            self._update(clip.job_id, state="running", frames_done=done, frames_total=total)

        self._update(clip.job_id, state="running")
        try:
            outcome = run_form_analysis(record, clip, progress=progress, knowledge=self._knowledge)
        except BackstrideError as exc:
            self._update(clip.job_id, state="failed", error=str(exc))
        except Exception as exc:
            log.exception("form analysis %s failed", clip.job_id)
            message = f"unexpected error while analysing ({type(exc).__name__}); {UNKNOWN_FAILURE}"
            self._update(clip.job_id, state="failed", error=message)
        else:
            self._update(
                clip.job_id,
                state=outcome.state,
                analysis_id=outcome.analysis_id,
                result=outcome.document,
            )

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            found = self._jobs.get(job_id)
            if found is not None:
                self._jobs[job_id] = (found[0], replace(found[1], **changes))

    def _forget_old(self) -> None:
        ended = [key for key, (_, job) in self._jobs.items() if job.ended]
        for key in ended[: max(0, len(self._jobs) - KEEP_JOBS + 1)]:
            del self._jobs[key]
            self._running.pop(key, None)


def queue_form_analysis(
    settings: Settings, runner_id: int, clip: FormClip, *, queue_name: str = UPLOAD_QUEUE
) -> FormJob:
    """Queue the clip's analysis for `backstride worker` (team mode); the job is "queued".

    `UploadQueueUnavailable` when Redis cannot be reached; the clip is removed then.
    """
    try:
        connection = require_upload_queue(settings)
        queue = Queue(queue_name, connection=connection, serializer=SERIALIZER)
        queue.enqueue_call(
            analyse_form_upload,
            args=(runner_id, str(clip.path), clip.slow_motion, clip.keep_video),
            job_id=clip.job_id,
            description="backstride form analysis",
            meta={"kind": FORM_JOB_KIND, "runner_id": runner_id, "file": clip.file},
            timeout=FORM_TIMEOUT_SECONDS,
            result_ttl=KEEP_ENDED_SECONDS,
            failure_ttl=KEEP_ENDED_SECONDS,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
        )
    except (UploadQueueUnavailable, redis.RedisError) as exc:
        shutil.rmtree(clip.path.parent, ignore_errors=True)
        if isinstance(exc, UploadQueueUnavailable):
            raise
        raise UploadQueueUnavailable(
            f"the upload queue's Redis cannot be reached ({type(exc).__name__}); start Redis "
            "or correct BACKSTRIDE_REDIS_URL"
        ) from None
    return FormJob(clip.job_id, "queued", clip.file)


def analyse_form_upload(
    runner_id: int, clip_path: str, slow_motion: float | None, keep_video: bool
) -> dict[str, Any]:
    """The job a worker runs: analyse one uploaded clip for the runner and keep the result.

    Returns what Redis keeps: the outcome, the kept analysis's id, and the document of an
    unusable clip's quality (its problems). The clip is gone once an analysis has ended, so
    every failure is final, with one plain line in the job's meta; only a job whose worker was
    lost mid-way (the clip still there) is run again, by the next worker.
    """
    path = _here(Path(clip_path))
    job = get_current_job()
    clip = FormClip(path.parent.name, path, slow_motion, keep_video)
    try:
        if not path.is_file():
            raise VideoInvalid("the clip is no longer waiting on the server; upload it again")
        with open_record(database_url(None), runner_id=runner_id) as record:
            outcome = run_form_analysis(record, clip, progress=_job_progress(job))
    except BackstrideError as exc:
        # The clip is removed once its analysis has ended, so no failure is tried again; only
        # a worker lost mid-analysis (the clip still there) has its job run again.
        _failed(job, str(exc), final=True)
        raise InputInvalid(str(exc)) from None
    except Exception as exc:
        message = f"unexpected error while analysing ({type(exc).__name__}); {UNKNOWN_FAILURE}"
        _failed(job, message, final=True)
        raise InputInvalid(message) from None
    log.info("form job %s: %s", job.id if job else "-", outcome.state)
    return {
        "state": outcome.state,
        "analysis_id": outcome.analysis_id,
        # Only why an unusable clip is unusable goes into Redis, never the runner's measures.
        "document": {"quality": outcome.document["quality"]}
        if outcome.state == "unusable"
        else None,
    }


def form_job(settings: Settings, runner_id: int, job_id: str) -> FormJob | None:
    """The queued analysis `job_id` of `runner_id` (team mode); None if none or someone else's."""
    if not _JOB_ID.match(job_id):
        return None
    connection = require_upload_queue(settings)
    try:
        job = Job.fetch(job_id, connection=connection, serializer=SERIALIZER)
        meta = job.get_meta(refresh=False)
        status = job.get_status(refresh=False)
        result = job.return_value() if status == JobStatus.FINISHED else None
    except NoSuchJobError:
        return None
    except redis.RedisError as exc:
        raise UploadQueueUnavailable(
            f"the upload queue's Redis cannot be reached ({type(exc).__name__}); try again"
        ) from None
    if meta.get("kind") != FORM_JOB_KIND or meta.get("runner_id") != runner_id:
        return None
    found = FormJob(
        job.id,
        "running" if status == JobStatus.STARTED else "queued",
        str(meta.get("file", "")),
        int(meta.get("frames_done", 0)),
        int(meta.get("frames_total", 0)),
    )
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        error = meta.get("error")
        return replace(found, state="failed", error=error if isinstance(error, str) else None)
    if status == JobStatus.FINISHED and isinstance(result, dict):
        state: FormJobState = "done" if result.get("state") == "done" else "unusable"
        return replace(
            found,
            state=state,
            frames_done=found.frames_total,
            analysis_id=result.get("analysis_id"),
            result=result.get("document"),
        )
    return found


def _job_progress(job: Job | None) -> Progress | None:
    """Writes the frames done into the job's meta, about PROGRESS_UPDATES times in all."""
    if job is None:
        return None
    written = [-1]

    def progress(done: int, total: int) -> None:
        step = max(1, total // PROGRESS_UPDATES)
        if done - written[0] < step and done != total:
            return
        written[0] = done
        job.meta["frames_done"], job.meta["frames_total"] = done, total
        with suppress(redis.RedisError):
            job.save_meta()  # type: ignore[no-untyped-call]

    return progress


def _failed(job: Job | None, message: str, *, final: bool) -> None:
    record_job_failure(job, message, final=final, kind="form")


def _here(path: Path) -> Path:
    """The clip as this machine sees it: the spool folder may be mounted elsewhere here."""
    try:
        here = clip_folder(Settings()) / path.parent.name / path.name
    except StoreError:
        return path
    return here if here.is_file() else path


def _copy(stream: IO[bytes], path: Path, max_bytes: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        written = 0
        while chunk := stream.read(1024 * 1024):
            written += len(chunk)
            if written > max_bytes:
                raise InputInvalid(
                    f"clip: over the limit of {max_bytes // (1024 * 1024)} MB; film 10 to 30 "
                    "seconds, or export the clip at 1080p, and upload that"
                )
            out.write(chunk)
