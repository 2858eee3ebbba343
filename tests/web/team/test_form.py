"""In team mode the Form page queues the analysis; the upload worker runs it (rq, Redis).

The worker is `backstride worker --burst` in a process of its own, with the pose model replaced
by the stand-in of tests/form/clips.py (tests/form_queue_worker.py); the database is the test's
(SQLite, then PostgreSQL when one is given).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from form.clips import make_clip
from upload_queue_support import ROOT, private_queue, require_redis, worker_environment

from backstride.services.form_jobs import CLIP_FOLDER_NAME
from backstride.settings import Settings
from backstride.web.app import create_app
from tests.web.conftest import TEAM_SECRET_KEY
from tests.web.team.conftest import Clock, Team
from tests.web.team.test_sharing_pages import link

pytestmark = pytest.mark.anyio

HTMX = {"HX-Request": "true"}
WORKER = Path(__file__).resolve().parents[2] / "form_queue_worker.py"
_POLL = re.compile(r'hx-get="/form/jobs/([0-9a-f]{32})"')
_PICTURE = re.compile(r'src="(/[^"]+/key-frame\.jpg)"')


@pytest.fixture
async def queued_team(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[Team, Settings]]:
    with private_queue() as queue:
        settings = Settings(
            database_url=database_url,
            mode="team",
            secret_key=TEAM_SECRET_KEY,
            redis_url=require_redis(),
            data_dir=tmp_path,
            upload_queue=queue,
        )
        clock = Clock()
        app = create_app(settings, clock=clock)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(app.router.lifespan_context(app))
            yield Team(app=app, clock=clock, stack=stack), settings


def run_form_worker(settings: Settings, gait: dict) -> subprocess.CompletedProcess[str]:
    """`backstride worker --burst` with the stand-in pose model seeing `gait`."""
    environment = worker_environment(settings)
    environment["BACKSTRIDE_TEST_GAIT"] = json.dumps(gait)
    return subprocess.run(
        [sys.executable, str(WORKER), "worker", "--burst", "--queue", settings.upload_queue],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _upload(browser, clip: Path, **fields):
    return await browser.post(
        "/form/upload",
        data=browser.form(**fields),
        files={"clip": (clip.name, clip.read_bytes(), "video/mp4")},
        headers=HTMX,
    )


def _clips_waiting(settings: Settings) -> list:
    folder = settings.data_dir / "upload-spool" / CLIP_FOLDER_NAME
    return list(folder.iterdir()) if folder.is_dir() else []


async def test_the_worker_analyses_the_clip_and_only_the_runner_and_a_linked_clinician_see_it(
    queued_team, tmp_path
):
    team, settings = queued_team
    ana = await team.runner("ana@example.org")
    ben = await team.runner("ben@example.org")
    physio = await team.clinician("physio@example.org")
    stranger = await team.clinician("stranger@example.org")
    assert 'href="/form"' in (await ana.get("/form")).text
    gait = {"heel_ahead": 0.5, "seconds": 8}
    clip = make_clip(tmp_path / "track.mp4", frames=8 * 60)

    started = await _upload(ana, clip)

    assert started.status_code == 202, started.text[:300]
    job_id = _POLL.search(started.text).group(1)
    # No worker yet: the job waits in the queue, and only its runner may follow it.
    waiting = await ana.get(f"/form/jobs/{job_id}", headers=HTMX)
    assert "Waiting for its turn" in waiting.text
    assert (await ben.get(f"/form/jobs/{job_id}", headers=HTMX)).status_code == 404
    assert (await ben.get(f"/api/v1/form/jobs/{job_id}")).status_code == 404

    finished = run_form_worker(settings, gait)
    assert finished.returncode == 0, finished.stderr

    done = await ana.get(f"/form/jobs/{job_id}", headers=HTMX)
    assert "Your analysis: track.mp4" in done.text
    assert "Overstriding" in done.text
    assert _clips_waiting(settings) == []
    job = (await ana.get(f"/api/v1/form/jobs/{job_id}")).json()
    assert job["state"] == "done"
    assert job["frames_done"] == job["frames_total"] == 8 * 60
    assert job["result"]["findings"][0]["id"] == "overstriding"
    picture = _PICTURE.search(done.text).group(1)
    assert (await ana.get(picture)).headers["content-type"] == "image/jpeg"
    # Another runner gets nothing of it, not even whether it exists.
    assert (await ben.get(picture)).status_code == 404
    assert "No analysis yet" in (await ben.get("/form")).text

    runner_id = await link(team, ana, physio)
    overview = (await physio.get(f"/athletes/{runner_id}")).text
    assert "Running form" in overview
    assert "Latest analysis: 2026-" in overview
    assert "Overstriding" in overview
    athlete_picture = _PICTURE.search(overview.split('id="running-form"')[1]).group(1)
    assert athlete_picture.startswith(f"/athletes/{runner_id}/form/")
    answer = await physio.get(athlete_picture)
    assert answer.status_code == 200 and answer.content[:3] == b"\xff\xd8\xff"
    assert (await stranger.get(athlete_picture)).status_code == 404
    assert (await stranger.get(f"/athletes/{runner_id}")).status_code == 404
    # The runner's own picture route is not the clinician's way in.
    assert (await physio.get(picture)).status_code in (303, 403, 404)
    log = (await ana.get("/account")).text
    assert "viewed the picture of a running-form analysis" in log


async def test_an_unusable_clip_says_why_and_nothing_is_kept(queued_team, tmp_path):
    team, settings = queued_team
    ana = await team.runner("ana@example.org")
    clip = make_clip(tmp_path / "short.mp4", frames=90)
    started = await _upload(ana, clip)
    job_id = _POLL.search(started.text).group(1)

    finished = run_form_worker(settings, {"seconds": 1.5})

    assert finished.returncode == 0, finished.stderr
    done = await ana.get(f"/form/jobs/{job_id}", headers=HTMX)
    assert "short.mp4: not usable for advice" in done.text
    assert "This clip cannot be analysed reliably" in done.text
    assert "No analysis yet" in (await ana.get("/form")).text
    assert _clips_waiting(settings) == []


async def test_what_is_not_a_video_is_refused_before_anything_is_queued(queued_team, tmp_path):
    team, settings = queued_team
    ana = await team.runner("ana@example.org")
    path = tmp_path / "notes.mp4"
    path.write_bytes(b"this is a shopping list, not a video\n" * 20)

    refused = await _upload(ana, path)

    assert refused.status_code == 422
    assert "not a video Backstride can read" in refused.text
    assert _clips_waiting(settings) == []
    api = await ana.post(
        "/api/v1/form",
        files={"clip": ("notes.mp4", path.read_bytes(), "video/mp4")},
        headers=ana.headers(),
    )
    assert api.status_code == 422


async def test_a_clinician_has_no_form_page_of_their_own(queued_team):
    team, _ = queued_team
    physio = await team.clinician("physio@example.org")

    answer = await physio.get("/form")

    assert answer.status_code in (303, 403, 404)
    assert "Upload and analyse" not in answer.text


async def test_without_the_upload_queue_the_page_says_so_and_keeps_nothing(team, tmp_path):
    # The `team` app has no BACKSTRIDE_REDIS_URL: the clip cannot be handed to a worker.
    ana = await team.runner("ana@example.org")
    clip = make_clip(tmp_path / "run.mp4", frames=30)

    refused = await _upload(ana, clip)

    assert refused.status_code == 503
    assert "Nothing was analysed" in refused.text
    assert "BACKSTRIDE_REDIS_URL" in refused.text
    assert "Traceback" not in refused.text
    api = await ana.post(
        "/api/v1/form",
        files={"clip": ("run.mp4", clip.read_bytes(), "video/mp4")},
        headers=ana.headers(),
    )
    assert api.status_code == 503
    assert api.json()["status"] == 503
