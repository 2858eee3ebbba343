"""The upload queue: large uploads imported by a worker process through Redis (rq).

The web process only receives an upload: `enqueue_upload` writes it to a private spool folder in
the data folder and queues a job that carries the runner's id, the spool file's path and the
name to show, nothing else (no activity data goes into Redis). `backstride worker` runs
`run_upload_worker`, whose work horse runs `import_upload`: the same import as `backstride
import`, into the runner's record on the configured database. The web answers at once and the
runner follows the job with `upload_job`.

```python
job = enqueue_upload(settings, runner_id, "export.zip", stream)   # state "queued"
upload_job(settings, runner_id, job.id)                           # later: "done", its summary
```

An upload survives a worker restart. A job queued while no worker runs stays in Redis until one
starts. A job whose worker dies mid-import (killed, machine lost) stays in rq's registry of
started jobs; once its heartbeat has been silent for `HEARTBEAT_GRACE_SECONDS`, rq's own
abandoned-job handling, run by every worker when it starts and every `MAINTENANCE_SECONDS`,
queues it again (`Retry`). Imports are all-or-nothing per batch and skip what is already there,
so the second run finishes the first one's work and the record ends as after one clean run.

The spool file is removed once its import has ended: imported, or failed in a way another try
would not fix. Files whose job ended some other way (retries used up, a worker lost on the last
try) are removed by the workers' maintenance.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import urlsplit

import redis
from rq import Queue, Retry, Worker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from backstride.errors import BackstrideError, FileRefused, InputInvalid, StoreError
from backstride.importers import SourceFile
from backstride.services.activities import activity_document, list_runner_activities
from backstride.services.importing import ImportSummary, find_sources, import_sources
from backstride.services.record import Record, database_url, open_record
from backstride.settings import Settings, default_data_dir, resolve_database_url

__all__ = [
    "UPLOAD_QUEUE",
    "UploadJob",
    "UploadQueueUnavailable",
    "UploadTooLarge",
    "enqueue_upload",
    "import_spooled",
    "import_upload",
    "queue_spooled",
    "require_upload_queue",
    "run_upload_worker",
    "upload_job",
]

#: The rq queue uploads go through.
UPLOAD_QUEUE = "backstride-uploads"
#: How long a job's state and result stay readable after it ended, then they expire (a day).
KEEP_ENDED_SECONDS = 24 * 60 * 60
#: The longest one import may run before rq stops it: a whole export of many years.
UPLOAD_TIMEOUT_SECONDS = 3 * 60 * 60
#: Seconds before each new try of a job that failed or whose worker was lost: the first at once
#: (a lost worker), the next ones later (a database that is down for a while).
RETRY_INTERVALS = (0, 30, 300)
#: How often a busy worker tells Redis that it is still importing.
HEARTBEAT_SECONDS = 5
#: How long a heartbeat may be late before the job counts as abandoned and is queued again.
HEARTBEAT_GRACE_SECONDS = 25
#: How often each worker looks for abandoned jobs and spool files left behind.
MAINTENANCE_SECONDS = 30
#: A spool file younger than this is never removed by maintenance: its job may be on its way.
SPOOL_MIN_AGE_SECONDS = 10 * 60
#: The spool folder, inside the data folder.
SPOOL_FOLDER_NAME = "upload-spool"
#: Form clips wait for their analysis in folders of their own here, inside the spool folder.
CLIP_FOLDER_NAME = "form-clips"
#: What the queue takes: activity files (optionally gzipped) and export zips.
QUEUED_SUFFIXES = (".fit.gz", ".gpx.gz", ".tcx.gz", ".fit", ".gpx", ".tcx", ".zip")
#: Marks a job as an upload in its meta, beside the runner it belongs to.
JOB_KIND = "backstride-upload"
#: Bytes copied at a time when an upload is written to the spool folder.
CHUNK_BYTES = 1024 * 1024

#: What a job carries and stores in Redis is JSON, never pickles: reading Redis never runs code.
SERIALIZER = JSONSerializer

UploadState = Literal["queued", "running", "done", "failed"]

#: Why a job failed when its worker was lost on the last try.
WORKER_LOST = (
    "the worker stopped before this upload was imported, and it was tried again as often as "
    "allowed; upload the file again"
)
#: Why a job failed when the job itself cannot say.
UNKNOWN_FAILURE = "the upload could not be imported; upload the file again"

_STATES: Mapping[JobStatus, UploadState] = {
    JobStatus.CREATED: "queued",
    JobStatus.QUEUED: "queued",
    JobStatus.DEFERRED: "queued",
    JobStatus.SCHEDULED: "queued",
    JobStatus.RATE_LIMITED: "queued",
    JobStatus.READY_TO_ENQUEUE: "queued",
    JobStatus.STARTED: "running",
    JobStatus.FINISHED: "done",
    JobStatus.FAILED: "failed",
    JobStatus.STOPPED: "failed",
    JobStatus.CANCELED: "failed",
}
_ENDED = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

log = logging.getLogger("rq.worker.backstride")


class UploadQueueUnavailable(BackstrideError):
    """The upload queue is not configured, or its Redis cannot be reached."""


class UploadTooLarge(FileRefused):
    """An upload is over the size limit; nothing of it is kept."""

    @classmethod
    def for_file(cls, filename: str, max_bytes: int) -> UploadTooLarge:
        """The error for `filename`, naming the limit and what to do instead."""
        return cls(
            f"file: {filename[:60]!r} is over the limit of {_size(max_bytes)} per file; nothing "
            "was queued. Split the export, or upload its activity files in several goes"
        )


class UploadImportFailed(BackstrideError):
    """The import of a queued upload failed; the message is the one line the runner sees."""


@dataclass(frozen=True)
class UploadJob:
    """One queued upload as the runner may see it.

    `summary` is the import summary document (as `backstride import --format json` prints it)
    once the job is done; `error` is one plain line once it failed.
    """

    id: str
    state: UploadState
    file: str
    queued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    summary: dict[str, Any] | None = None
    error: str | None = None

    def document(self) -> dict[str, Any]:
        """The job as JSON: id, state, file, the three times (ISO 8601, UTC), summary, error."""
        return {
            "id": self.id,
            "state": self.state,
            "file": self.file,
            "queued_at": _iso(self.queued_at),
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "summary": self.summary,
            "error": self.error,
        }


def require_upload_queue(settings: Settings) -> redis.Redis:
    """A connection to the upload queue's Redis, checked; UploadQueueUnavailable if none."""
    if not settings.redis_url:
        raise UploadQueueUnavailable(
            "the upload queue is not configured: set BACKSTRIDE_REDIS_URL to a Redis server "
            "(for example redis://127.0.0.1:6379/0)"
        )
    connection = _connection(settings.redis_url)
    try:
        connection.ping()
    except redis.RedisError as exc:
        raise UploadQueueUnavailable(_unreachable(settings.redis_url, exc)) from None
    return connection


def enqueue_upload(
    settings: Settings,
    runner_id: int,
    filename: str,
    stream: IO[bytes],
    *,
    max_bytes: int | None = None,
    queue_name: str = UPLOAD_QUEUE,
) -> UploadJob:
    """Write an upload to the spool folder and queue its import for `runner_id`.

    `filename` is the name to show (already stripped of folders by the caller); it must end in
    one of QUEUED_SUFFIXES. The stream is copied a chunk at a time, so a large upload never sits
    in memory; more than `max_bytes` raises UploadTooLarge and keeps nothing.
    """
    suffix = _queued_suffix(filename)
    connection = require_upload_queue(settings)
    job_id = uuid.uuid4().hex
    path = spool_folder(settings) / f"{job_id}{suffix}"
    _spool(stream, path, filename, max_bytes)
    return _queue(connection, settings, runner_id, job_id, path, filename, queue_name)


def queue_spooled(
    settings: Settings,
    runner_id: int,
    filename: str,
    source: Path,
    *,
    queue_name: str = UPLOAD_QUEUE,
) -> UploadJob:
    """Queue the import of a whole file already on the upload folder's disk, at `source`.

    The file is moved into the spool folder (a rename, so nothing is copied); when the job
    cannot be queued it is moved back, so the upload can be queued again later.
    FileNotFoundError when `source` is gone (another request queued it first).
    """
    suffix = _queued_suffix(filename)
    connection = require_upload_queue(settings)
    job_id = uuid.uuid4().hex
    path = spool_folder(settings) / f"{job_id}{suffix}"
    source.rename(path)
    try:
        return _queue(
            connection,
            settings,
            runner_id,
            job_id,
            path,
            filename,
            queue_name,
            keep_file_on_failure=True,
        )
    except UploadQueueUnavailable:
        path.rename(source)
        raise


def _queue(
    connection: redis.Redis,
    settings: Settings,
    runner_id: int,
    job_id: str,
    path: Path,
    filename: str,
    queue_name: str,
    *,
    keep_file_on_failure: bool = False,
) -> UploadJob:
    queue = Queue(queue_name, connection=connection, serializer=SERIALIZER)
    try:
        job = queue.enqueue_call(
            import_upload,
            args=(runner_id, str(path), filename),
            job_id=job_id,
            description="backstride upload import",
            meta={"kind": JOB_KIND, "runner_id": runner_id, "file": filename},
            timeout=UPLOAD_TIMEOUT_SECONDS,
            result_ttl=KEEP_ENDED_SECONDS,
            failure_ttl=KEEP_ENDED_SECONDS,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
        )
    except redis.RedisError as exc:
        # The file stays for a caller that moves it back (queue_spooled); else it is dropped.
        if keep_file_on_failure:
            raise UploadQueueUnavailable(_unreachable(settings.redis_url or "", exc)) from None
        path.unlink(missing_ok=True)
        raise UploadQueueUnavailable(_unreachable(settings.redis_url or "", exc)) from None
    return _upload_job_of(job, None)


def upload_job(
    settings: Settings, runner_id: int, job_id: str, *, record: Record | None = None
) -> UploadJob | None:
    """The upload job `job_id` of `runner_id`; None when there is none or it is someone else's.

    A finished job's summary lists the activities it added as they are in the runner's record
    now (Redis keeps only their ids): `record` is read when given, otherwise the record on the
    configured database is opened for the runner.
    """
    if not _JOB_ID.match(job_id):
        return None
    connection = require_upload_queue(settings)
    try:
        job = Job.fetch(job_id, connection=connection, serializer=SERIALIZER)
    except NoSuchJobError:
        return None
    except redis.RedisError as exc:
        raise UploadQueueUnavailable(_unreachable(settings.redis_url or "", exc)) from None
    meta = job.get_meta(refresh=False)
    if meta.get("kind") != JOB_KIND or meta.get("runner_id") != runner_id:
        return None
    if job.get_status(refresh=False) != JobStatus.FINISHED:
        return _upload_job_of(job, None)
    result = job.return_value()
    if not isinstance(result, dict):
        return _upload_job_of(job, None)
    if record is not None:
        return _upload_job_of(job, _summary_document(result, record))
    url = resolve_database_url(None, settings=settings)
    with open_record(url, runner_id=runner_id) as opened:
        return _upload_job_of(job, _summary_document(result, opened))


def spool_folder(settings: Settings) -> Path:
    """The folder uploads wait in: `spool_dir` when set (shared storage, for web processes and
    workers on several machines), else `upload-spool` in the data folder (created 0700)."""
    if settings.spool_dir is not None:
        folder = settings.spool_dir.expanduser()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Could not create the upload folder {folder} ({exc.strerror or exc}). Set "
                "BACKSTRIDE_SPOOL_DIR to a folder every web process and worker can write to."
            ) from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(
                f"The upload folder {folder} is not writable by this user. Set "
                "BACKSTRIDE_SPOOL_DIR to a folder every web process and worker can write to."
            )
        return folder
    base = (settings.data_dir or default_data_dir()).expanduser()
    folder = base / SPOOL_FOLDER_NAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    except OSError as exc:
        raise StoreError(
            f"Could not create the upload folder {folder} ({exc.strerror or exc}). Set "
            "BACKSTRIDE_DATA_DIR to a folder you can write to."
        ) from None
    return folder


def import_upload(runner_id: int, spool_path: str, display_name: str) -> dict[str, Any]:
    """The job a worker runs: import one spooled upload into the runner's record.

    Returns what Redis keeps of the import summary: the counts, the files skipped or failed and
    the ids of the activities added. A database error is raised again for a later try and the
    spool file kept while tries remain; any other failure is final: the spool file is removed
    and the job fails with one plain line (kept in its meta), never with the file's contents.
    """
    path = _spooled(Path(spool_path))
    job = get_current_job()
    try:
        if not path.is_file():
            raise UploadImportFailed(
                "the uploaded file is no longer waiting in the spool folder; upload it again"
            )
        with open_record(database_url(None), runner_id=runner_id) as record:
            summary = import_spooled(record, path, display_name)
    except StoreError as exc:
        final = job is None or not job.should_retry
        _failed(job, str(exc), path, final=final)
        raise UploadImportFailed(str(exc)) from None
    except BackstrideError as exc:
        _failed(job, str(exc), path, final=True)
        raise UploadImportFailed(str(exc)) from None
    except Exception as exc:
        message = f"unexpected error while importing ({type(exc).__name__}); {UNKNOWN_FAILURE}"
        _failed(job, message, path, final=True)
        raise UploadImportFailed(message) from None
    path.unlink(missing_ok=True)
    document = summary.document()
    log.info(
        "upload job %s: %d activities added, %d duplicates, %d files skipped, %d failed",
        job.id if job else "-",
        document["imported"],
        document["duplicates"],
        len(document["skipped"]),
        len(document["failed"]),
    )
    return {
        "imported": document["imported"],
        "duplicates": document["duplicates"],
        "skipped": document["skipped"],
        "failed": document["failed"],
        "activity_ids": [activity.id for activity in summary.added],
    }


def import_spooled(record: Record, path: Path, display_name: str) -> ImportSummary:
    """Import one file waiting on the upload folder's disk into `record`, as `backstride
    import` would, its sources named after the runner's file, not the spool file."""
    sources = [_shown_as(source, path.name, display_name) for source in find_sources([path])]
    return import_sources(record, sources)


#: What the worker logs once Ctrl+C and SIGTERM finish the upload in hand before stopping.
READY_LINE = "ready: Ctrl+C or SIGTERM stops after the upload in hand"


class UploadWorker(Worker):
    """An rq worker that notices lost workers within `HEARTBEAT_GRACE_SECONDS`, not minutes.

    rq counts a started job as abandoned when its heartbeat is older than the time-to-live the
    worker gave it; that allowance is made `HEARTBEAT_GRACE_SECONDS` here. Maintenance also
    removes spool files whose job has ended.
    """

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        interval = int(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            interval = int(min(job.timeout - working_time, interval))
        return max(interval, 1) + HEARTBEAT_GRACE_SECONDS

    def _install_signal_handlers(self) -> None:
        # rq says "Listening on ..." before it takes over Ctrl+C and SIGTERM; this line comes
        # after, so it is the one that means a stop request will be handled gently.
        super()._install_signal_handlers()  # type: ignore[no-untyped-call]
        self.log.info(READY_LINE)

    def subscribe(self) -> None:
        # rq's commands over Redis pub/sub (shut a worker down, stop a job) are not used:
        # Ctrl+C and SIGTERM stop the worker. Without the subscription there is no listening
        # thread, so none can hold up the exit: with rq 3 and redis-py 8.2, a thread that reads
        # the unsubscribe reply before it is told to stop waits its whole 60 s for a new
        # subscription, and the worker's exit waits with it. Nor is any thread running when the
        # worker forks its scheduler and its work horses.
        self.log.debug("Worker %s: no command channel; Ctrl+C or SIGTERM stop it", self.name)

    def run_maintenance_tasks(self) -> None:
        # rq's maintenance restarts a scheduler process that has stopped. Once a stop has been
        # asked for (the scheduler stops on the same signal), a restarted one can miss its own
        # stop signal and keep the worker waiting for it at exit, so it is not restarted then.
        if not self._stop_requested:
            super().run_maintenance_tasks()  # type: ignore[no-untyped-call]
        remove_ended_spool_files(self.connection, self.spool_dir)
        if self.spool_dir is not None:
            # Uploads that stopped arriving a day ago are given up by whichever worker looks.
            from backstride.services.resumable_uploads import UploadFolder

            UploadFolder(self.spool_dir).remove_given_up()

    #: The spool folder maintenance looks in; None leaves spool files to other workers.
    spool_dir: Path | None = None


def run_upload_worker(
    settings: Settings, *, queue_name: str = UPLOAD_QUEUE, burst: bool = False
) -> bool:
    """Import queued uploads until stopped (Ctrl+C or SIGTERM finish the job in hand first).

    `burst` processes what is queued (abandoned jobs included) and returns. The database is the
    configured one (BACKSTRIDE_DATABASE_URL); returns whether any job was processed.
    """
    connection = require_upload_queue(settings)
    queue = Queue(queue_name, connection=connection, serializer=SERIALIZER)
    worker = UploadWorker(
        [queue],
        connection=connection,
        serializer=SERIALIZER,
        default_result_ttl=KEEP_ENDED_SECONDS,
        job_monitoring_interval=HEARTBEAT_SECONDS,
        maintenance_interval=MAINTENANCE_SECONDS,
        # An idle worker waits for a job this long at a time (rq waits `worker_ttl` - 15 s), so
        # it looks for abandoned jobs every MAINTENANCE_SECONDS even when nothing is queued.
        worker_ttl=MAINTENANCE_SECONDS + 15,
        # The description names the function only, but no argument is ever worth a log line.
        log_job_description=False,
    )
    worker.spool_dir = spool_folder(settings)
    try:
        return bool(worker.work(burst=burst, with_scheduler=True, logging_level="INFO"))
    except redis.RedisError as exc:
        raise UploadQueueUnavailable(_unreachable(settings.redis_url or "", exc)) from None


def remove_ended_spool_files(connection: redis.Redis, folder: Path | None) -> int:
    """Remove spool files, and the folders of form clips (`CLIP_FOLDER_NAME`), whose job has
    ended or expired; returns how many were removed.

    Entries younger than SPOOL_MIN_AGE_SECONDS are left alone: their job may not be queued yet.
    """
    if folder is None or not folder.is_dir():
        return 0
    clips = folder / CLIP_FOLDER_NAME
    entries = [p for p in folder.iterdir() if p.is_file()]
    if clips.is_dir():
        entries += [p for p in clips.iterdir() if p.is_dir()]
    removed = 0
    oldest = time.time() - SPOOL_MIN_AGE_SECONDS
    for path in entries:
        job_id = path.name.split(".", 1)[0]
        if not _JOB_ID.match(job_id) or path.stat().st_mtime > oldest:
            continue
        try:
            status: JobStatus | None = Job.fetch(
                job_id, connection=connection, serializer=SERIALIZER
            ).get_status(refresh=False)
        except NoSuchJobError:
            status = None
        if status is None or status in _ENDED:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("removed %d spool files whose upload job had ended", removed)
    return removed


@lru_cache(maxsize=8)
def _connection(url: str) -> redis.Redis:
    """One connection pool per Redis URL for the whole process (redis-py reopens after a fork)."""
    return redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def _unreachable(url: str, exc: Exception) -> str:
    """One line naming the server (never the password in the URL) and what to do."""
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else "the configured URL"
    return (
        f"the upload queue's Redis at {where} cannot be reached ({type(exc).__name__}); start "
        "Redis or correct BACKSTRIDE_REDIS_URL"
    )


def _queued_suffix(filename: str) -> str:
    lowered = filename.lower()
    for suffix in QUEUED_SUFFIXES:
        if lowered.endswith(suffix) and len(filename) > len(suffix):
            return suffix
    raise InputInvalid(
        f"file: {filename[:60]!r} is not something Backstride imports; upload activity files "
        "(.fit, .gpx or .tcx, each optionally .gz) or a Strava or Garmin Connect export (.zip)"
    )


def _spool(stream: IO[bytes], path: Path, filename: str, max_bytes: int | None) -> None:
    """Copy `stream` to a new private file at `path`, refusing more than `max_bytes`."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            written = 0
            while chunk := stream.read(CHUNK_BYTES):
                written += len(chunk)
                if max_bytes is not None and written > max_bytes:
                    raise UploadTooLarge.for_file(filename, max_bytes)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _spooled(path: Path) -> Path:
    """The spool file as this machine sees it: the upload folder may be mounted elsewhere here
    than on the web machine that wrote the job, so the worker's own folder is asked first."""
    try:
        here = spool_folder(Settings()) / path.name
    except StoreError:
        return path
    return here if here.is_file() else path


def _shown_as(source: SourceFile, spool_name: str, display_name: str) -> SourceFile:
    """The source named after the runner's file, not the spool file it was written to."""
    if source.name == spool_name or source.name.startswith(f"{spool_name}/"):
        return replace(source, name=display_name + source.name[len(spool_name) :])
    return source


def _failed(job: Job | None, message: str, path: Path, *, final: bool) -> None:
    """Record why the job failed; on a final failure, forbid another try and drop the file."""
    if final:
        path.unlink(missing_ok=True)
    record_job_failure(job, message, final=final, kind="upload")


def record_job_failure(job: Job | None, message: str, *, final: bool, kind: str) -> None:
    """Log that a `kind` job failed (its id only) and keep `message` in its meta; on a final
    failure no try is left."""
    log.warning(
        "%s job %s failed%s", kind, job.id if job else "-", "" if final else "; tried again"
    )
    if job is None:
        return
    if final:
        # The worker reads this very object when the job raises: no try is left, so none is made.
        job.retries_left = 0
    with suppress(redis.RedisError):
        job.meta["error"] = message
        job.save_meta()  # type: ignore[no-untyped-call]


def _summary_document(result: Mapping[str, Any], record: Record) -> dict[str, Any]:
    wanted = {int(i) for i in result.get("activity_ids", [])}
    added = [a for a in list_runner_activities(record) if a.id in wanted] if wanted else []
    return {
        "imported": result.get("imported", 0),
        "duplicates": result.get("duplicates", 0),
        "skipped": result.get("skipped", []),
        "failed": result.get("failed", []),
        "activities": [activity_document(a) for a in added],
    }


def _upload_job_of(job: Job, summary: dict[str, Any] | None) -> UploadJob:
    meta = job.get_meta(refresh=False)
    state = _STATES.get(job.get_status(refresh=False), "queued")
    error = None
    if state == "failed":
        error = meta.get("error") if isinstance(meta.get("error"), str) else None
        error = error or (WORKER_LOST if _was_abandoned(job) else UNKNOWN_FAILURE)
    return UploadJob(
        id=job.id,
        state=state,
        file=str(meta.get("file", "")),
        queued_at=_utc(job.enqueued_at or job.created_at),
        started_at=_utc(job.started_at) if state != "queued" else None,
        ended_at=_utc(job.ended_at) if state in ("done", "failed") else None,
        summary=summary,
        error=error,
    )


def _was_abandoned(job: Job) -> bool:
    latest = job.latest_result()
    return latest is not None and "AbandonedJobError" in (latest.exc_string or "")


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB" if size >= 1024 else f"{size} bytes"
