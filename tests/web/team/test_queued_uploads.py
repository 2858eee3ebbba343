"""In team mode the Activities page hands uploads to the upload queue; a worker imports them."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from upload_queue_support import private_queue, require_redis, run_worker

from backstride.settings import Settings
from backstride.web.app import create_app
from backstride.web.routes.uploads import upload_queue_name
from tests.web.conftest import TEAM_SECRET_KEY
from tests.web.team.conftest import Clock, Team

pytestmark = pytest.mark.anyio

CORPUS = (Path(__file__).resolve().parents[3] / "../shared/data/activities").resolve()
RUN = CORPUS / "fit" / "sportstracker_Garmin_Fenix_6S_Pro-Running.fit"
_STATUS = re.compile(r'hx-get="(/activities/uploads\?jobs=[0-9a-f,]+)"')


@pytest.fixture
async def queued_team(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Team, Settings]]:
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
            yield Team(app=app, clock=clock, stack=stack), settings


@pytest.mark.corpus
@pytest.mark.skipif(not RUN.is_file(), reason=f"corpus file not found: {RUN}")
async def test_an_upload_waits_in_the_queue_until_a_worker_imports_it(queued_team):
    team, settings = queued_team
    ana = await team.runner("ana@example.org")
    await ana.get("/activities")

    response = await ana.post(
        "/activities/upload",
        data=ana.form(),
        files={"files": (RUN.name, RUN.read_bytes())},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200, response.text[:300]
    assert "1 file queued" in response.text
    status_url = _STATUS.search(response.text).group(1)
    # No worker yet: the page still says queued, and the list is empty.
    waiting = await ana.get(status_url, headers={"HX-Request": "true"})
    assert "1 file queued" in waiting.text

    queue = team.app.dependency_overrides[upload_queue_name]()
    finished = run_worker(settings, queue)
    assert finished.returncode == 0, finished.stderr

    done = await ana.get(status_url, headers={"HX-Request": "true"})
    assert "Import finished" in done.text
    assert "<strong>1</strong> activity added" in done.text
    # The activity is in the runner's list, from the same record the worker wrote to.
    page = (await ana.get("/activities")).text
    assert page.count("<td>0.59 km</td>") >= 1


async def test_another_runner_cannot_follow_someone_elses_upload(queued_team):
    team, _ = queued_team
    ana = await team.runner("ana@example.org")
    ben = await team.runner("ben@example.org")
    await ana.get("/activities")
    response = await ana.post(
        "/activities/upload",
        data=ana.form(),
        files={"files": ("run.gpx", b"<gpx></gpx>")},
        headers={"HX-Request": "true"},
    )
    status_url = _STATUS.search(response.text).group(1)

    assert (await ana.get(status_url)).status_code == 200
    assert (await ben.get(status_url)).status_code == 404
    assert (await ben.get("/activities/uploads?jobs=0123456789abcdef")).status_code == 404


async def test_a_hostile_export_is_refused_file_by_file_with_reasons(queued_team, tmp_path):
    team, settings = queued_team
    ana = await team.runner("ana@example.org")
    await ana.get("/activities")
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/bomb.fit", bytes(5 * 1024 * 1024))  # deflates to ~5 KB
        archive.writestr("noise.bin", os.urandom(3 * 1024 * 1024))  # keeps the ratio sane
        archive.writestr("../../escape.gpx", b"<gpx></gpx>")

    response = await ana.post(
        "/activities/upload",
        data=ana.form(),
        files={"files": ("export.zip", export.read_bytes())},
        headers={"HX-Request": "true"},
    )
    status_url = _STATUS.search(response.text).group(1)
    queue = team.app.dependency_overrides[upload_queue_name]()
    assert run_worker(settings, queue).returncode == 0

    done = (await ana.get(status_url, headers={"HX-Request": "true"})).text
    assert "<strong>0</strong> activities added" in done
    assert "zip bomb" in done
    assert "escape.gpx" in done
    # Nothing was written outside the data folder's spool, which the worker emptied.
    assert not (tmp_path.parent / "escape.gpx").exists()


async def test_an_upload_over_the_limit_is_refused_with_a_clear_line(database_url, tmp_path):
    settings = Settings(
        database_url=database_url,
        mode="team",
        secret_key=TEAM_SECRET_KEY,
        redis_url=require_redis(),
        data_dir=tmp_path,
    )
    app = create_app(settings, max_upload_bytes=4096)
    with private_queue() as queue:
        app.dependency_overrides[upload_queue_name] = lambda: queue
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(app.router.lifespan_context(app))
            team = Team(app=app, clock=Clock(), stack=stack)
            ana = await team.runner("ana@example.org")
            await ana.get("/activities")
            response = await ana.post(
                "/activities/upload",
                data=ana.form(),
                files={"files": ("big.fit", bytes(5000))},
                headers={"HX-Request": "true"},
            )

    assert response.status_code in (413, 422)
    assert "over the limit of 4 KB" in response.text
    assert "Traceback" not in response.text
