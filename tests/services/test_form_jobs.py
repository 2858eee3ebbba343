"""Form analyses started from the web (services/form_jobs.py): the clip taken, checked and
analysed in the background, followed by job; nothing kept of a clip that is no video."""

from __future__ import annotations

import io

import pytest
from form.clips import ScriptedPose, make_clip
from form.synthetic import Gait, runner

from backstride.errors import InputInvalid
from backstride.form import pose
from backstride.services.form_jobs import FormAnalyses, clip_name, receive_clip
from backstride.services.record import open_record


@pytest.fixture
def scripted(monkeypatch):
    ScriptedPose.track = runner(Gait(heel_ahead=0.5, seconds=8)).track
    monkeypatch.setattr(pose, "MediaPipePose", ScriptedPose)
    yield ScriptedPose.track
    ScriptedPose.track = None


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("run.mp4", "run.mp4"),
        ("C:\\Users\\ana\\Videos\\run 1.mov", "run 1.mov"),
        ("../../etc/passwd", "passwd"),
        ("<script>.mp4", "script_.mp4"),
        ("", "clip.mp4"),
        (None, "clip.mp4"),
        ("...", "clip.mp4"),
    ],
)
def test_a_clip_keeps_its_own_name_and_nothing_else(given, name):
    assert clip_name(given) == name


def test_a_clip_over_the_limit_is_refused_and_nothing_left(tmp_path):
    with pytest.raises(InputInvalid, match="over the limit of 1 MB"):
        receive_clip(tmp_path, "run.mp4", io.BytesIO(b"\0" * (2 * 1024 * 1024)), max_bytes=2**20)
    assert list(tmp_path.iterdir()) == []


def test_a_factor_out_of_range_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(InputInvalid, match="slow-motion"):
        receive_clip(tmp_path, "run.mp4", io.BytesIO(b"x"), slow_motion=100)
    assert list(tmp_path.iterdir()) == []


def test_a_clip_is_analysed_once_its_turn_comes_and_only_its_runner_sees_the_job(
    tmp_path, database_url, scripted
):
    clip_file = make_clip(tmp_path / "run.mp4", frames=scripted.frames)
    folder = tmp_path / "clips"
    folder.mkdir()
    analyses = FormAnalyses()
    try:
        with open_record(database_url) as record:
            with clip_file.open("rb") as stream:
                clip = receive_clip(folder, "run.mp4", stream)
            job = analyses.start(record, clip)
            assert job.state == "queued" and job.file == "run.mp4"
            analyses.wait(job.id, 60)

            done = analyses.job(record.runner.id, job.id)
            assert done is not None and done.state == "done"
            assert done.frames_done == done.frames_total == scripted.frames
            assert done.result["findings"][0]["id"] == "overstriding"
            assert analyses.job(record.runner.id + 1, job.id) is None
            assert analyses.job(record.runner.id, "0" * 32) is None
    finally:
        analyses.close()
    # The clip's own folder is gone once it was analysed.
    assert list(folder.iterdir()) == []
