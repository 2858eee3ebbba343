"""The Form page and POST /api/v1/form (personal mode): a clip analysed on the app's own thread.

A stand-in pose model "sees" a synthetic runner in clips made here (tests/form/clips.py), so
the whole path (upload, background analysis, result page, key frame, record) runs in moments.
"""

from __future__ import annotations

import re

import pytest
from form.clips import ScriptedPose, make_clip
from form.synthetic import Gait, runner

from backstride.form import pose
from backstride.services.form_jobs import CLIP_FOLDER_NAME
from backstride.services.record import open_record
from backstride.settings import Settings
from backstride.store import repo
from backstride.web.app import create_app

from .shape import assert_error_shape

pytestmark = pytest.mark.anyio

HTMX = {"HX-Request": "true"}
_POLL = re.compile(r'hx-get="/form/jobs/([0-9a-f]{32})"')
#: Long enough for any analysis of the small clips made here.
WAIT_S = 60


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, mode="personal", data_dir=tmp_path)


@pytest.fixture
def scripted(monkeypatch):
    def use(gait: Gait):
        ScriptedPose.track = runner(gait).track
        monkeypatch.setattr(pose, "MediaPipePose", ScriptedPose)
        return ScriptedPose.track

    yield use
    ScriptedPose.track = None


@pytest.fixture
async def app_client(settings, serve):
    app = create_app(settings)
    async with serve(app) as client:
        yield app, client


def _kept(url: str):
    with open_record(url) as record, record.session() as session:
        return repo.list_form_analyses(session=session, runner_id=record.runner.id)


def _clips_waiting(settings: Settings) -> list:
    folder = settings.data_dir / "upload-spool" / CLIP_FOLDER_NAME
    return list(folder.iterdir()) if folder.is_dir() else []


async def _upload(client, clip, **fields):
    return await client.post(
        "/form/upload",
        files={"clip": (clip.name, clip.read_bytes(), "video/mp4")},
        data=fields,
        headers=HTMX,
    )


async def _finished(app, client, response):
    """Wait for the job the answer polls, then answer what the page's next poll gets."""
    job_id = _POLL.search(response.text).group(1)
    app.state.form_analyses.wait(job_id, WAIT_S)
    return await client.get(f"/form/jobs/{job_id}", headers=HTMX)


async def test_the_form_page_is_in_the_navigation_and_starts_empty(client):
    page = await client.get("/form")

    assert page.status_code == 200
    assert '<a href="/form" aria-current="page">Form</a>' in page.text
    assert "No analysis yet" in page.text
    assert 'name="clip"' in page.text and 'name="slow_motion"' in page.text
    assert 'name="keep_video"' in page.text
    assert "upload-progress" in page.text  # the bar static/backstride.js fills
    assert 'href="/form"' in (await client.get("/today")).text


async def test_a_clip_is_analysed_in_the_background_then_its_findings_and_cues_shown(
    app_client, scripted, tmp_path, settings, database_url
):
    app, client = app_client
    track = scripted(Gait(heel_ahead=0.5, seconds=8))
    clip = make_clip(tmp_path / "my run.mp4", frames=track.frames)

    started = await _upload(client, clip)

    # The answer does not wait for the analysis: it polls the job.
    assert started.status_code == 202, started.text[:300]
    assert "Analysing my run.mp4" in started.text
    done = await _finished(app, client, started)
    assert done.status_code == 200
    text = done.text
    assert "Your analysis: my run.mp4, 2026-06-17" in text
    assert "Overstriding" in text
    assert "leg lengths" in text  # the evidence quotes the numbers
    assert "Cadence</th><td>170 steps/min" in text
    assert "(approximate)" in text  # the bounce
    assert 'href="/learn/form-cues/no_overstriding"' in text
    assert 'href="/learn/form-cues/short_stride"' in text
    [kept] = _kept(database_url)
    assert kept.usable and kept.has_key_frame and not kept.has_video
    assert f'src="/form/analyses/{kept.id}/key-frame.jpg"' in text
    picture = await client.get(f"/form/analyses/{kept.id}/key-frame.jpg")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/jpeg"
    assert picture.content[:3] == b"\xff\xd8\xff"
    # The clip is gone from the server; the page shows the analysis kept.
    assert _clips_waiting(settings) == []
    assert "Your latest analysis: my run.mp4" in (await client.get("/form")).text


async def test_progress_counts_the_frames(app_client, scripted, tmp_path):
    app, client = app_client
    track = scripted(Gait(seconds=8))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    started = await _upload(client, clip)
    job_id = _POLL.search(started.text).group(1)
    app.state.form_analyses.wait(job_id, WAIT_S)

    job = (await client.get(f"/api/v1/form/jobs/{job_id}")).json()

    assert job["state"] == "done"
    assert job["frames_done"] == job["frames_total"] == track.frames


async def test_the_video_is_kept_only_when_asked(app_client, scripted, tmp_path, database_url):
    app, client = app_client
    track = scripted(Gait(seconds=8))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)

    done = await _finished(app, client, await _upload(client, clip, keep_video="on"))

    assert "with its video" in done.text
    [kept] = _kept(database_url)
    assert kept.has_video


async def test_an_unusable_clip_says_why_and_nothing_is_kept(
    app_client, scripted, tmp_path, settings, database_url
):
    app, client = app_client
    track = scripted(Gait(seconds=1.5))
    clip = make_clip(tmp_path / "short.mp4", frames=track.frames)

    done = await _finished(app, client, await _upload(client, clip))

    assert "short.mp4: not usable for advice" in done.text
    assert "This clip cannot be analysed reliably" in done.text
    assert "steps" in done.text
    assert "Nothing was kept" in done.text
    assert "Traceback" not in done.text
    assert _kept(database_url) == []
    assert _clips_waiting(settings) == []


async def test_a_clip_without_a_runner_says_so(app_client, monkeypatch, tmp_path, database_url):
    class Nobody(ScriptedPose):
        def __init__(self):
            pass

        def estimate(self, rgb):
            return None

    monkeypatch.setattr(pose, "MediaPipePose", Nobody)
    app, client = app_client
    clip = make_clip(tmp_path / "empty_track.mp4", frames=120)

    done = await _finished(app, client, await _upload(client, clip))

    assert "No runner was found" in done.text
    assert _kept(database_url) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"this is a shopping list, not a video\n" * 20, "not a video Backstride can read"),
    ],
)
async def test_a_file_that_is_not_a_video_is_refused_at_once(
    app_client, tmp_path, settings, database_url, content, message
):
    _, client = app_client
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)

    refused = await _upload(client, path)

    assert refused.status_code == 422
    assert "Nothing was analysed" in refused.text
    assert message in refused.text
    assert "Traceback" not in refused.text
    assert _kept(database_url) == []
    assert _clips_waiting(settings) == []


async def test_an_enormous_picture_is_refused_at_once(app_client, tmp_path, settings):
    _, client = app_client
    clip = make_clip(tmp_path / "huge.mp4", frames=12, fps=30, size=(7680, 4320))

    refused = await _upload(client, clip)

    assert refused.status_code == 422
    assert "larger than Backstride analyses" in refused.text
    assert _clips_waiting(settings) == []


async def test_a_clip_cut_short_is_reported_as_damaged(app_client, scripted, tmp_path):
    app, client = app_client
    track = scripted(Gait(seconds=8))
    whole = make_clip(tmp_path / "whole.mp4", frames=track.frames, size=(640, 360)).read_bytes()
    cut = tmp_path / "cut.mp4"
    # The header (moov) of an .mp4 written by PyAV comes last; keep it and drop frames' bytes.
    cut.write_bytes(whole[:48] + whole[len(whole) // 2 :])

    answer = await _upload(client, cut)

    if answer.status_code == 422:  # damaged past reading at all: refused at once
        assert "not a video Backstride can read" in answer.text
        return
    done = await _finished(app, client, answer)
    assert "could not be analysed" in done.text or "not usable for advice" in done.text
    assert "Traceback" not in done.text


@pytest.mark.parametrize("factor", ["0.5", "100", "fast"])
async def test_a_wrong_slow_motion_factor_is_refused(app_client, scripted, tmp_path, factor):
    _, client = app_client
    track = scripted(Gait(seconds=8))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)

    refused = await _upload(client, clip, slow_motion=factor)

    assert refused.status_code == 422
    assert "Slow motion:" in refused.text and "from 1 to 64" in refused.text


async def test_a_slow_motion_factor_gives_the_cadence_in_real_time(app_client, scripted, tmp_path):
    app, client = app_client
    track = scripted(Gait(seconds=8))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)

    done = await _finished(app, client, await _upload(client, clip, slow_motion="2"))

    assert "Cadence</th><td>340 steps/min" in done.text


async def test_no_file_chosen_is_asked_for(client):
    refused = await client.post("/form/upload", data={"slow_motion": ""}, headers=HTMX)

    assert refused.status_code == 422
    assert "Choose a video of your running" in refused.text


async def test_unknown_jobs_and_pictures_are_not_found(client):
    assert (await client.get(f"/form/jobs/{'0' * 32}")).status_code == 404
    assert (await client.get("/form/analyses/1/key-frame.jpg")).status_code == 404
    missing = await client.get(f"/api/v1/form/jobs/{'0' * 32}")
    assert missing.status_code == 404
    assert_error_shape(missing, 404)


async def test_the_api_starts_an_analysis_and_answers_its_result(
    app_client, scripted, tmp_path, database_url
):
    app, client = app_client
    track = scripted(Gait(heel_ahead=0.5, seconds=8))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)

    started = await client.post(
        "/api/v1/form",
        files={"clip": ("run.mp4", clip.read_bytes(), "video/mp4")},
        data={"keep_video": "false"},
    )

    assert started.status_code == 202, started.text
    job = started.json()
    assert job["state"] == "queued"
    assert started.headers["location"] == job["url"] == f"/api/v1/form/jobs/{job['id']}"
    app.state.form_analyses.wait(job["id"], WAIT_S)
    done = (await client.get(job["url"])).json()
    assert done["state"] == "done"
    assert done["result"]["findings"][0]["id"] == "overstriding"
    [kept] = _kept(database_url)
    assert done["analysis_id"] == kept.id


async def test_the_api_refuses_what_is_not_a_video_with_a_422(client):
    refused = await client.post(
        "/api/v1/form", files={"clip": ("notes.mp4", b"not a video at all" * 10, "video/mp4")}
    )

    assert refused.status_code == 422
    assert_error_shape(refused, 422)
    assert "not a video Backstride can read" in refused.json()["error"]


async def test_the_api_refuses_a_factor_out_of_range(client):
    refused = await client.post(
        "/api/v1/form",
        files={"clip": ("run.mp4", b"x" * 100, "video/mp4")},
        data={"slow_motion": "200"},
    )

    assert refused.status_code == 422
    assert_error_shape(refused, 422)


async def test_a_clip_over_the_limit_is_refused_before_it_is_read(settings, serve, tmp_path):
    app = create_app(settings, max_clip_bytes=1024)
    async with serve(app) as client:
        refused = await client.post(
            "/api/v1/form", files={"clip": ("run.mp4", b"\0" * 4096, "video/mp4")}
        )

    assert refused.status_code == 413
    assert "over the limit" in refused.json()["error"]
