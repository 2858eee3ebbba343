"""The upload queue against the real Redis: spooling, jobs per runner, workers that restart."""

from __future__ import annotations

import io
import os
import signal
import stat
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from rq.job import Job
from upload_queue_support import (
    export_zip,
    gpx_run,
    job_state,
    kill_process_tree,
    require_redis,
    run_worker,
    start_worker,
    stop_process_group,
    wait_for,
)

from backstride.errors import InputInvalid
from backstride.services.activities import activity_document, list_runner_activities
from backstride.services.importing import find_sources, import_sources
from backstride.services.record import open_record
from backstride.services.upload_queue import (
    CLIP_FOLDER_NAME,
    KEEP_ENDED_SECONDS,
    SERIALIZER,
    SPOOL_MIN_AGE_SECONDS,
    UploadQueueUnavailable,
    UploadTooLarge,
    enqueue_upload,
    remove_ended_spool_files,
    spool_folder,
    upload_job,
)
from backstride.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        redis_url=require_redis(),
    )


@pytest.fixture
def runner_id(settings: Settings) -> int:
    with open_record(settings.database_url) as record:
        return record.runner.id


def activities_of(settings: Settings) -> list[dict[str, object]]:
    with open_record(settings.database_url) as record:
        return [activity_document(a) for a in list_runner_activities(record)]


def enqueue(settings: Settings, runner_id: int, queue: str, name: str, data: bytes) -> str:
    return enqueue_upload(settings, runner_id, name, io.BytesIO(data), queue_name=queue).id


def test_an_upload_waits_in_a_private_spool_file_and_redis_holds_no_activity_data(
    settings, runner_id, queue
):
    data = gpx_run(3)

    job = enqueue_upload(settings, runner_id, "Morning run.gpx", io.BytesIO(data), queue_name=queue)

    assert job.state == "queued"
    assert job.file == "Morning run.gpx"
    assert job.summary is None
    assert job.error is None
    folder = spool_folder(settings)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (spooled,) = folder.iterdir()
    assert spooled.name == f"{job.id}.gpx"
    assert stat.S_IMODE(spooled.stat().st_mode) == 0o600
    assert spooled.read_bytes() == data
    connection = redis.Redis.from_url(settings.redis_url)
    stored = Job.fetch(job.id, connection=connection, serializer=SERIALIZER)
    assert stored.args == [runner_id, str(spooled), "Morning run.gpx"]
    assert stored.kwargs == {}
    everything = b"".join(v for v in connection.hgetall(stored.key).values())
    assert b"trkpt" not in everything
    assert b"2024-03-03" not in everything


def test_a_job_queued_while_no_worker_runs_is_imported_when_one_starts(settings, runner_id, queue):
    job_id = enqueue(settings, runner_id, queue, "run.gpx", gpx_run(4))
    assert job_state(settings, runner_id, job_id).state == "queued"

    finished = run_worker(settings, queue)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    job = job_state(settings, runner_id, job_id)
    assert job.state == "done"
    assert job.started_at is not None
    assert job.ended_at is not None
    assert job.queued_at is not None
    assert job.queued_at <= job.started_at <= job.ended_at
    assert job.summary is not None
    assert job.summary["imported"] == 1
    assert job.summary["duplicates"] == 0
    assert job.summary["skipped"] == []
    assert job.summary["failed"] == []
    assert job.summary["activities"] == activities_of(settings)
    assert job.summary["activities"][0]["file"] == "run.gpx"
    assert job.summary["activities"][0]["sport"] == "running"
    assert list(spool_folder(settings).iterdir()) == []


def test_an_ended_job_is_kept_a_day_then_expires(settings, runner_id, queue):
    job_id = enqueue(settings, runner_id, queue, "run.gpx", gpx_run(4))

    run_worker(settings, queue)

    connection = redis.Redis.from_url(settings.redis_url)
    remaining = connection.ttl(f"rq:job:{job_id}")
    assert KEEP_ENDED_SECONDS - 120 < remaining <= KEEP_ENDED_SECONDS


def test_the_same_upload_twice_adds_nothing_the_second_time(settings, runner_id, queue):
    first = enqueue(settings, runner_id, queue, "run.gpx", gpx_run(5))
    second = enqueue(settings, runner_id, queue, "copy of run.gpx", gpx_run(5))

    run_worker(settings, queue)

    assert job_state(settings, runner_id, first).summary["imported"] == 1
    again = job_state(settings, runner_id, second)
    assert again.state == "done"
    assert again.summary["imported"] == 0
    assert again.summary["duplicates"] == 1
    assert again.summary["activities"] == []
    assert len(activities_of(settings)) == 1


def test_an_unreadable_file_is_reported_in_the_summary_as_the_import_does(
    settings, runner_id, queue
):
    job_id = enqueue(settings, runner_id, queue, "broken.fit", b"not a fit file at all")

    run_worker(settings, queue)

    job = job_state(settings, runner_id, job_id)
    assert job.state == "done"
    assert job.summary["imported"] == 0
    assert [f["file"] for f in job.summary["failed"]] == ["broken.fit"]
    assert list(spool_folder(settings).iterdir()) == []


def test_an_export_zip_is_imported_with_its_members_named_after_the_upload(
    settings, runner_id, queue
):
    job_id = enqueue(settings, runner_id, queue, "strava.zip", export_zip(range(1, 4)))

    run_worker(settings, queue)

    job = job_state(settings, runner_id, job_id)
    assert job.state == "done"
    assert job.summary["imported"] == 3
    assert [a["file"] for a in job.summary["activities"]] == [
        f"strava.zip/activities/run-{day:02d}.gpx" for day in (1, 2, 3)
    ]


def test_a_lost_spool_file_fails_the_job_once_with_one_plain_line(settings, runner_id, queue):
    job_id = enqueue(settings, runner_id, queue, "run.gpx", gpx_run(6))
    for spooled in spool_folder(settings).iterdir():
        spooled.unlink()

    finished = run_worker(settings, queue)

    job = job_state(settings, runner_id, job_id)
    assert job.state == "failed"
    assert job.error == (
        "the uploaded file is no longer waiting in the spool folder; upload it again"
    )
    assert job.summary is None
    assert finished.stdout.count(f"{job_id}: exception raised") <= 1
    connection = redis.Redis.from_url(settings.redis_url)
    stored = Job.fetch(job_id, connection=connection, serializer=SERIALIZER)
    assert stored.retries_left == 0


def test_a_job_is_only_its_own_runners(settings, runner_id, queue):
    job_id = enqueue(settings, runner_id, queue, "run.gpx", gpx_run(7))

    assert upload_job(settings, runner_id, job_id) is not None
    assert upload_job(settings, runner_id + 1, job_id) is None
    assert upload_job(settings, runner_id, uuid.uuid4().hex) is None
    assert upload_job(settings, runner_id, "../../etc/passwd") is None


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(settings, runner_id, queue):
    data = gpx_run(8)

    with pytest.raises(UploadTooLarge, match="over the limit of 1 KB per file"):
        enqueue_upload(
            settings, runner_id, "run.gpx", io.BytesIO(data), max_bytes=1024, queue_name=queue
        )

    assert list(spool_folder(settings).iterdir()) == []


def test_only_activity_files_and_export_zips_are_queued(settings, runner_id, queue):
    with pytest.raises(InputInvalid, match=r"'notes.txt' is not something Backstride imports"):
        enqueue(settings, runner_id, queue, "notes.txt", b"hello")


def test_without_a_redis_url_the_queue_says_it_is_not_configured(settings, runner_id):
    unconfigured = settings.model_copy(update={"redis_url": None})

    with pytest.raises(UploadQueueUnavailable, match="not configured: set BACKSTRIDE_REDIS_URL"):
        enqueue_upload(unconfigured, runner_id, "run.gpx", io.BytesIO(gpx_run(9)))

    assert not spool_folder(settings).exists() or list(spool_folder(settings).iterdir()) == []


def test_an_unreachable_redis_is_one_plain_line(settings, runner_id):
    unreachable = settings.model_copy(update={"redis_url": "redis://:secret@127.0.0.1:1/0"})

    with pytest.raises(UploadQueueUnavailable) as raised:
        enqueue_upload(unreachable, runner_id, "run.gpx", io.BytesIO(gpx_run(9)))

    message = str(raised.value)
    assert message.startswith("the upload queue's Redis at 127.0.0.1:1 cannot be reached")
    assert "secret" not in message
    assert "\n" not in message


def test_maintenance_removes_old_spool_files_whose_job_ended(settings, runner_id, queue):
    finished = enqueue(settings, runner_id, queue, "run.gpx", gpx_run(10))
    run_worker(settings, queue)
    waiting = enqueue(settings, runner_id, queue, "later.gpx", gpx_run(11))
    folder = spool_folder(settings)
    forgotten = folder / f"{uuid.uuid4().hex}.fit"  # its job expired long ago
    forgotten.write_bytes(b"left behind")
    ended = folder / f"{finished}.gpx"  # as if a retry had left it
    ended.write_bytes(b"left behind")
    young = folder / f"{uuid.uuid4().hex}.gpx"  # its job may be on its way
    young.write_bytes(b"just written")
    old = time.time() - SPOOL_MIN_AGE_SECONDS - 60
    for path in (forgotten, ended, folder / f"{waiting}.gpx"):
        os.utime(path, (old, old))

    removed = remove_ended_spool_files(redis.Redis.from_url(settings.redis_url), folder)

    assert removed == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{waiting}.gpx", young.name])


def test_maintenance_removes_old_form_clips_whose_job_was_lost(settings, runner_id, queue):
    waiting = enqueue(settings, runner_id, queue, "later.gpx", gpx_run(11))
    clips = spool_folder(settings) / CLIP_FOLDER_NAME
    lost, queued, young = (clips / name for name in (uuid.uuid4().hex, waiting, uuid.uuid4().hex))
    for own in (lost, queued, young):
        own.mkdir(parents=True)
        (own / "run.mp4").write_bytes(b"a clip")
    old = time.time() - SPOOL_MIN_AGE_SECONDS - 60
    for own in (lost, queued):
        os.utime(own, (old, old))

    removed = remove_ended_spool_files(redis.Redis.from_url(settings.redis_url), clips.parent)

    assert removed == 1
    assert sorted(p.name for p in clips.iterdir()) == sorted([queued.name, young.name])


def test_an_import_killed_midway_is_finished_by_the_next_worker(
    settings, runner_id, queue, tmp_path
):
    days = range(1, 7)
    job_id = enqueue(settings, runner_id, queue, "export.zip", export_zip(days))
    marker = tmp_path / "files-stored"
    log = tmp_path / "workers.log"

    first = start_worker(settings, queue, slow=marker, output=log)
    try:
        wait_for(
            lambda: marker.is_file() and int(marker.read_text() or 0) >= 2,
            what="the first worker to store some of the runs",
        )
    finally:
        kill_process_tree(first)

    assert job_state(settings, runner_id, job_id).state == "running"
    stored_before = len(activities_of(settings))
    assert 2 <= stored_before < len(days)
    assert (spool_folder(settings) / f"{job_id}.zip").is_file()

    second = start_worker(settings, queue, output=log)
    try:
        wait_for(
            lambda: job_state(settings, runner_id, job_id).state in ("done", "failed"),
            timeout=90,
            what=f"the next worker to finish the import (log: {log})",
        )
    finally:
        stop_process_group(second, signal.SIGTERM)

    assert second.returncode == 0
    job = job_state(settings, runner_id, job_id)
    assert job.state == "done", job.error
    assert job.summary["imported"] == len(days) - stored_before
    assert job.summary["duplicates"] == stored_before
    assert not (spool_folder(settings) / f"{job_id}.zip").exists()
    assert _comparable(activities_of(settings)) == _clean_import(tmp_path, export_zip(days))


def _comparable(documents: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted((d["sha256"], d["start"], d["sport"], d["distance_m"]) for d in documents)


def _clean_import(tmp_path: Path, data: bytes) -> list[tuple[object, ...]]:
    """The activities one uninterrupted import of the same export keeps."""
    export = tmp_path / "clean" / "export.zip"
    export.parent.mkdir()
    export.write_bytes(data)
    with open_record(f"sqlite:///{tmp_path / 'clean' / 'clean.db'}") as record:
        import_sources(record, find_sources([export]))
        return _comparable([activity_document(a) for a in list_runner_activities(record)])


def test_a_worker_listens_for_no_commands_so_no_thread_holds_up_its_exit(queue):
    # rq's command channel is a thread that, stopped at the wrong moment, kept a worker from
    # exiting for 60 s after SIGTERM; Backstride's worker does not open it.
    from rq import Queue

    from backstride.services.upload_queue import UploadWorker

    connection = redis.Redis.from_url(require_redis())
    worker = UploadWorker([Queue(queue, connection=connection)], connection=connection)
    before = set(threading.enumerate())

    worker.subscribe()
    try:
        assert worker.pubsub_thread is None
        assert set(threading.enumerate()) == before
    finally:
        worker.unsubscribe()
        connection.close()
