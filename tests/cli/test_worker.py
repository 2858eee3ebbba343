"""`backstride worker`: refuses clearly without Redis, imports the queue, stops cleanly."""

from __future__ import annotations

import io
import signal
from pathlib import Path

import pytest
from upload_queue_support import (
    gpx_run,
    job_state,
    require_redis,
    run_worker,
    start_worker,
    stop_process_group,
    wait_for,
)

from backstride.services.record import open_record
from backstride.services.upload_queue import READY_LINE, enqueue_upload
from backstride.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'backstride.db'}",
        data_dir=tmp_path / "data",
        redis_url=require_redis(),
    )


@pytest.fixture
def runner_id(settings: Settings) -> int:
    with open_record(settings.database_url) as record:
        return record.runner.id


def test_without_a_redis_url_it_refuses_in_one_line(run_cli, monkeypatch):
    monkeypatch.delenv("BACKSTRIDE_REDIS_URL", raising=False)

    result = run_cli("worker", "--burst")

    assert result.code == 2
    assert result.err == (
        "backstride: error: the upload queue is not configured: set BACKSTRIDE_REDIS_URL to a "
        "Redis server (for example redis://127.0.0.1:6379/0)\n"
    )


def test_an_unreachable_redis_is_refused_in_one_line(run_cli, monkeypatch):
    monkeypatch.setenv("BACKSTRIDE_REDIS_URL", "redis://:hunter2@127.0.0.1:1/0")

    result = run_cli("worker", "--burst")

    assert result.code == 2
    assert result.err.startswith(
        "backstride: error: the upload queue's Redis at 127.0.0.1:1 cannot be reached"
    )
    assert result.err.count("\n") == 1
    assert "hunter2" not in result.err
    assert "Traceback" not in result.err


def test_burst_imports_what_is_queued_and_logs_ids_and_counts_only(settings, runner_id, queue):
    secret_name = "Knee still sore after long run.gpx"
    job = enqueue_upload(
        settings, runner_id, secret_name, io.BytesIO(gpx_run(12)), queue_name=queue
    )

    finished = run_worker(settings, queue)

    assert finished.returncode == 0, finished.stderr
    assert job_state(settings, runner_id, job.id).state == "done"
    printed = finished.stdout + finished.stderr
    assert f"upload job {job.id}: 1 activities added, 0 duplicates" in printed
    assert "Knee" not in printed
    assert "2024-03-12" not in printed
    assert "trkpt" not in printed


def test_sigterm_lets_the_import_in_hand_finish_then_stops(settings, runner_id, queue, tmp_path):
    job = enqueue_upload(settings, runner_id, "run.gpx", io.BytesIO(gpx_run(13)), queue_name=queue)
    marker = tmp_path / "files-stored"
    log = tmp_path / "worker.log"
    worker = start_worker(settings, queue, slow=marker, output=log)
    try:
        wait_for(marker.is_file, what=f"the worker to start importing (log: {log})")
    finally:
        stop_process_group(worker, signal.SIGTERM)

    assert worker.returncode == 0, log.read_text()
    assert job_state(settings, runner_id, job.id).state == "done"
    assert "warm shut down requested" in log.read_text()


def test_an_idle_worker_stops_at_once_on_sigterm(settings, queue, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(settings, queue, output=log)
    wait_for(lambda: READY_LINE in log.read_text(), what=f"the worker to start ({log})")

    stop_process_group(worker, signal.SIGTERM)

    assert worker.returncode == 0, log.read_text()
