"""What the upload queue's tests share: the real Redis, a queue of their own, workers to run.

Every test gets a queue with a unique name and removes what it left in Redis (the queue, its
registries, its jobs and their results). Without a reachable Redis the tests fail with one
clear line in CI (CI set) and are skipped elsewhere.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis

from backstride.services.upload_queue import SERIALIZER, UploadJob, upload_job
from backstride.settings import Settings

#: The Redis the tests use: BACKSTRIDE_TEST_REDIS_URL, else the local server.
REDIS_URL = os.environ.get("BACKSTRIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[1]
#: Runs `backstride worker` with a slowed-down import, shorter heartbeats and maintenance.
SLOW_WORKER = Path(__file__).resolve().parent / "upload_queue_slow_worker.py"
#: `backstride` as a user runs it.
CLI = (sys.executable, "-c", "from backstride.cli import main; main()")


def require_redis() -> str:
    """The test Redis URL; fails (in CI) or skips (elsewhere) when it cannot be reached."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = (
            f"the upload queue tests need Redis at {REDIS_URL} ({type(exc).__name__}); start "
            "redis-server or set BACKSTRIDE_TEST_REDIS_URL"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


@contextmanager
def private_queue() -> Iterator[str]:
    """A queue name no other test uses; everything it left in Redis is removed afterwards."""
    name = f"test-uploads-{uuid.uuid4().hex}"
    try:
        yield name
    finally:
        remove_queue(name)


def remove_queue(name: str) -> None:
    """Delete the queue `name`, its registries, its jobs and what belongs to them."""
    from rq import Queue

    connection = redis.Redis.from_url(REDIS_URL)
    queue = Queue(name, connection=connection, serializer=SERIALIZER)
    job_ids = set(queue.get_job_ids())
    for registry in (
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.scheduled_job_registry,
        queue.deferred_job_registry,
    ):
        job_ids.update(registry.get_job_ids(cleanup=False))
    connection.srem("rq:queues", queue.key)
    patterns = [f"*{name}*", *(f"*{job_id}*" for job_id in job_ids)]
    for pattern in patterns:
        keys = list(connection.scan_iter(match=pattern, count=500))
        if keys:
            connection.delete(*keys)


def worker_environment(settings: Settings) -> dict[str, str]:
    """The environment of a worker process serving `settings` (database, data folder, Redis)."""
    environment = dict(os.environ)
    environment.pop("CI", None)
    environment["BACKSTRIDE_REDIS_URL"] = settings.redis_url or ""
    environment["BACKSTRIDE_DATABASE_URL"] = settings.database_url or ""
    environment["BACKSTRIDE_DATA_DIR"] = str(settings.data_dir)
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
    )
    return environment


def start_worker(
    settings: Settings,
    queue: str,
    *extra: str,
    slow: Path | None = None,
    output: Path | None = None,
) -> subprocess.Popen[bytes]:
    """`backstride worker --queue QUEUE` with SLOW_WORKER's short timings, in a new process
    group (so a kill takes its children); `slow` also slows its imports, counted in that file.
    """
    environment = worker_environment(settings)
    if slow is not None:
        environment["BACKSTRIDE_TEST_SLOW_MARKER"] = str(slow)
    environment["PYTHONUNBUFFERED"] = "1"
    sink = output.open("ab") if output is not None else None
    try:
        return subprocess.Popen(
            [sys.executable, str(SLOW_WORKER), "worker", "--queue", queue, *extra],
            cwd=ROOT,
            env=environment,
            stdout=sink if sink is not None else subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if sink is not None:
            sink.close()  # the worker holds its own copy


def run_worker(settings: Settings, queue: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`backstride worker --burst --queue QUEUE` to the end; its output is captured."""
    return subprocess.run(
        [*CLI, "worker", "--burst", "--queue", queue, *extra],
        cwd=ROOT,
        env=worker_environment(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


#: How long a worker may take to stop once signalled before the test fails.
STOP_TIMEOUT_S = 60


def stop_process_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Send `sig` to the worker's process group, and wait for the worker.

    A worker that does not stop in time is killed with everything below it before the test
    fails, so no process outlives its test (a Popen left running would warn in a later one).
    """
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        kill_process_tree(process)
        pytest.fail(
            f"the worker did not stop within {STOP_TIMEOUT_S} s of {signal.Signals(sig).name}"
        )


def kill_process_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and every process below it, as when its machine or container dies.

    rq's work horse leaves the worker's process group, so killing the group is not enough.
    """
    pids = [process.pid, *_descendants(process.pid)]
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT_S)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            for child in (task / "children").read_text().split():
                found.extend([int(child), *_descendants(int(child))])
    return found


def wait_for(
    condition: Callable[[], bool], *, timeout: float = 60.0, what: str = "the condition"
) -> None:
    """Poll `condition` every 0.1 s until it holds; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


def job_state(settings: Settings, runner_id: int, job_id: str) -> UploadJob:
    """The job as its runner sees it; fails when it is not there."""
    job = upload_job(settings, runner_id, job_id)
    assert job is not None, f"upload job {job_id} not found"
    return job


def gpx_run(day: int, *, minutes: int = 30) -> bytes:
    """A GPX running track on 2024-03-`day`: one point a minute heading east (about 5 km)."""
    points = "".join(
        f'<trkpt lat="45.0" lon="{6.0 + 0.0019 * minute:.4f}"><ele>300</ele>'
        f"<time>2024-03-{day:02d}T07:{minute:02d}:00Z</time></trkpt>"
        for minute in range(minutes)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type>'
        f"<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def export_zip(days: range) -> bytes:
    """An export zip holding one GPX run for each day in `days`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for day in days:
            archive.writestr(f"activities/run-{day:02d}.gpx", gpx_run(day))
    return buffer.getvalue()
