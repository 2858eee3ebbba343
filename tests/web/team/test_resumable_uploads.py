"""Resumable uploads in team mode: queued for the worker once whole, and each runner's own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from upload_queue_support import export_zip, gpx_run, private_queue, require_redis, run_worker

from backstride.settings import Settings
from backstride.web.app import create_app
from backstride.web.routes import API_PREFIX as API
from backstride.web.routes.uploads import upload_queue_name
from tests.web.conftest import TEAM_SECRET_KEY
from tests.web.team.conftest import Clock, Team
from tests.web.test_resumable_uploads import PART, TUS, incoming, metadata

pytestmark = pytest.mark.anyio


@pytest.fixture
async def queued_team(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Team, Settings, str]]:
    settings = Settings(
        database_url=database_url,
        mode="team",
        secret_key=TEAM_SECRET_KEY,
        redis_url=require_redis(),
        data_dir=tmp_path,
    )
    clock = Clock()
    app = create_app(settings, clock=clock)
    with private_queue() as queue:
        app.dependency_overrides[upload_queue_name] = lambda: queue
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(app.router.lifespan_context(app))
            yield Team(app=app, clock=clock, stack=stack), settings, queue


async def test_a_whole_upload_is_queued_and_a_worker_imports_it(queued_team):
    team, settings, queue = queued_team
    ana = await team.runner("ana@example.org")
    export = export_zip(range(10, 13))
    headers = {**ana.headers(), **TUS}
    created = await ana.client.post(
        f"{API}/resumable-uploads",
        headers={
            **headers,
            "Upload-Length": str(len(export)),
            "Upload-Metadata": metadata("e.zip"),
        },
    )
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    sent = await ana.client.patch(
        url, content=export, headers={**headers, **PART, "Upload-Offset": "0"}
    )
    assert sent.status_code == 204, sent.text

    queued = await ana.client.post(f"{url}/import", headers=ana.headers())

    assert queued.status_code == 202, queued.text
    (job,) = queued.json()["jobs"]
    assert job["state"] == "queued" and job["file"] == "e.zip"
    assert incoming(settings) == []  # moved into the queue's spool, not copied
    finished = run_worker(settings, queue)
    assert finished.returncode == 0, finished.stderr
    done = (await ana.client.get(job["url"])).json()
    assert done["state"] == "done"
    assert done["summary"]["imported"] == 3


async def test_a_part_needs_the_session_s_csrf_token(queued_team):
    team, _, _ = queued_team
    ana = await team.runner("ana@example.org")
    created = await ana.client.post(
        f"{API}/resumable-uploads",
        headers={**TUS, "Upload-Length": "10", "Upload-Metadata": metadata("r.gpx")},
    )

    assert created.status_code == 403


async def test_another_runner_cannot_touch_an_upload(queued_team):
    team, _, _ = queued_team
    ana = await team.runner("ana@example.org")
    ben = await team.runner("ben@example.org")
    created = await ana.client.post(
        f"{API}/resumable-uploads",
        headers={
            **ana.headers(),
            **TUS,
            "Upload-Length": "10",
            "Upload-Metadata": metadata("r.gpx"),
        },
    )
    url = created.headers["location"]

    assert (await ben.client.head(url, headers=TUS)).status_code == 404
    part = {**ben.headers(), **PART, "Upload-Offset": "0"}
    assert (await ben.client.patch(url, content=gpx_run(1)[:10], headers=part)).status_code == 404
    assert (await ben.client.post(f"{url}/import", headers=ben.headers())).status_code == 404
    assert (await ana.client.head(url, headers=TUS)).headers["upload-offset"] == "0"


async def test_the_page_queues_the_uploads_it_sent(queued_team):
    team, _, _ = queued_team
    ana = await team.runner("ana@example.org")
    await ana.get("/activities")
    export = export_zip(range(1, 3))
    headers = {**ana.headers(), **TUS}
    created = await ana.client.post(
        f"{API}/resumable-uploads",
        headers={
            **headers,
            "Upload-Length": str(len(export)),
            "Upload-Metadata": metadata("e.zip"),
        },
    )
    url = created.headers["location"]
    await ana.client.patch(url, content=export, headers={**headers, **PART, "Upload-Offset": "0"})

    response = await ana.post(
        "/activities/upload",
        data=ana.form(uploads=url.rsplit("/", 1)[1]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200, response.text[:300]
    assert "1 file queued" in response.text
