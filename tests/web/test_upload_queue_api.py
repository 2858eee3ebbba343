"""POST /api/v1/uploads queues files for the worker; GET /api/v1/uploads/{id} follows a job."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis
from rq import Queue
from upload_queue_support import export_zip, gpx_run, require_redis, run_worker

from backstride.services.upload_queue import SERIALIZER, enqueue_upload, spool_folder
from backstride.settings import Settings
from backstride.web.app import create_app
from backstride.web.routes import API_PREFIX as API
from backstride.web.routes.uploads import upload_queue_name, upload_settings, upload_size_limit

from .shape import assert_error_shape

pytestmark = pytest.mark.anyio


@pytest.fixture
def queued_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The app's settings with the test Redis and a data folder of this test's own."""
    return settings.model_copy(update={"redis_url": require_redis(), "data_dir": tmp_path})


@pytest.fixture
async def queue_client(
    queued_settings: Settings, queue: str, serve
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(queued_settings)
    app.dependency_overrides[upload_settings] = lambda: queued_settings
    app.dependency_overrides[upload_queue_name] = lambda: queue
    async with serve(app) as client:
        yield client


def queued_ids(queue: str) -> list[str]:
    connection = redis.Redis.from_url(require_redis())
    return list(Queue(queue, connection=connection, serializer=SERIALIZER).get_job_ids())


async def test_an_upload_is_queued_then_followed_until_done(queue_client, queued_settings, queue):
    response = await queue_client.post(
        f"{API}/uploads", files={"files": ("morning.gpx", gpx_run(14))}
    )

    assert response.status_code == 202
    (job,) = response.json()["jobs"]
    assert job["state"] == "queued"
    assert job["file"] == "morning.gpx"
    assert job["url"] == f"{API}/uploads/{job['id']}"
    assert response.headers["location"] == job["url"]
    assert queued_ids(queue) == [job["id"]]
    waiting = await queue_client.get(job["url"])
    assert waiting.status_code == 200
    assert waiting.json()["state"] == "queued"

    assert run_worker(queued_settings, queue).returncode == 0

    done = (await queue_client.get(job["url"])).json()
    assert done["state"] == "done"
    assert done["error"] is None
    assert done["summary"]["imported"] == 1
    listed = (await queue_client.get(f"{API}/activities")).json()
    assert done["summary"]["activities"] == listed
    assert listed[0]["file"] == "morning.gpx"


async def test_several_files_and_an_export_zip_are_one_job_each(queue_client, queue):
    files = [
        ("files", ("a.gpx", gpx_run(15))),
        ("files", ("b.gpx.gz", b"\x1f\x8b not really gzip")),
        ("files", ("C:\\Users\\me\\export_1234.zip", export_zip(range(16, 18)))),
    ]

    response = await queue_client.post(f"{API}/uploads", files=files)

    assert response.status_code == 202
    jobs = response.json()["jobs"]
    assert [j["file"] for j in jobs] == ["a.gpx", "b.gpx.gz", "export_1234.zip"]
    assert sorted(queued_ids(queue)) == sorted(j["id"] for j in jobs)


@pytest.mark.parametrize("name", ["notes.txt", "run.fit.exe", ".zip", "export.zip.txt"])
async def test_a_file_the_queue_does_not_take_is_refused_and_nothing_is_queued(
    queue_client, queue, queued_settings, name
):
    files = [("files", ("good.gpx", gpx_run(18))), ("files", (name, b"data"))]

    response = await queue_client.post(f"{API}/uploads", files=files)

    body = assert_error_shape(response, 422)
    assert "is not something Backstride imports" in body["error"]
    assert body["error"].endswith("or a Strava or Garmin Connect export .zip")
    assert queued_ids(queue) == []
    assert list(spool_folder(queued_settings).iterdir()) == []


async def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_queued(
    queued_settings, queue, serve
):
    app = create_app(queued_settings)
    app.dependency_overrides[upload_settings] = lambda: queued_settings
    app.dependency_overrides[upload_queue_name] = lambda: queue
    app.dependency_overrides[upload_size_limit] = lambda: 2048
    files = [("files", ("small.gpx", b"<gpx/>")), ("files", ("big.gpx", gpx_run(19)))]

    async with serve(app) as client:
        response = await client.post(f"{API}/uploads", files=files)

    body = assert_error_shape(response, 413)
    assert body["error"].startswith("file: 'big.gpx' is over the limit of 2 KB per file")
    assert queued_ids(queue) == []
    assert list(spool_folder(queued_settings).iterdir()) == []


async def test_an_unknown_or_someone_elses_job_is_404(queue_client, queued_settings, queue):
    someone_else = enqueue_upload(
        queued_settings, 999, "theirs.gpx", io.BytesIO(gpx_run(20)), queue_name=queue
    )

    for job_id in (someone_else.id, "0" * 32, "not-a-job"):
        response = await queue_client.get(f"{API}/uploads/{job_id}")
        body = assert_error_shape(response, 404)
        assert "theirs" not in response.text
        assert body["error"].startswith("job_id: no upload job")


async def test_without_a_queue_the_upload_is_refused_with_503(client):
    response = await client.post(f"{API}/uploads", files={"files": ("run.gpx", gpx_run(21))})

    body = assert_error_shape(response, 503)
    assert body["error"].startswith("the upload queue is not configured on this server")
    assert "retry-after" not in response.headers


async def test_an_unreachable_queue_is_503_and_asks_to_come_back(settings, tmp_path, serve):
    unreachable = settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0", "data_dir": tmp_path}
    )
    app = create_app(unreachable)
    app.dependency_overrides[upload_settings] = lambda: unreachable

    async with serve(app) as client:
        response = await client.post(f"{API}/uploads", files={"files": ("run.gpx", gpx_run(22))})

    body = assert_error_shape(response, 503)
    assert "cannot be reached" in body["error"]
    assert response.headers["retry-after"] == "30"
    assert not spool_folder(unreachable).exists() or not any(spool_folder(unreachable).iterdir())
