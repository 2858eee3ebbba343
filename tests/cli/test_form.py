"""`backstride form` as a runner uses it, with a stand-in pose model on clips made here."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from form.clips import ScriptedPose, make_clip
from form.synthetic import Gait, runner

from backstride.form import pose
from backstride.services.record import open_record
from backstride.store import repo


@pytest.fixture
def scripted(monkeypatch):
    def use(gait: Gait):
        ScriptedPose.track = runner(gait).track
        monkeypatch.setattr(pose, "MediaPipePose", ScriptedPose)
        return ScriptedPose.track

    yield use
    ScriptedPose.track = None


def _analyses(url: str):
    with open_record(url) as record, record.session() as session:
        return repo.list_form_analyses(session=session, runner_id=record.runner.id)


def test_a_usable_clip_is_reported_and_kept_without_its_video(
    tmp_path, run_cli, database_url, scripted
):
    track = scripted(Gait(heel_ahead=0.5, seconds=8))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    result = run_cli("form", str(clip), "--format", "json", "--db", database_url)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["quality"]["usable"] is True
    assert document["video"]["file"] == "run.mp4"
    assert document["video"]["frames"] == track.frames
    assert document["metrics"]["cadence_spm"] == pytest.approx(170, rel=0.02)
    assert [f["id"] for f in document["findings"]] == ["overstriding"]
    assert document["findings"][0]["cues"] == ["no_overstriding", "short_stride"]
    [kept] = _analyses(database_url)
    assert kept.usable and kept.has_key_frame and not kept.has_video
    assert kept.document == document


def test_the_text_report_names_the_findings(tmp_path, run_cli, database_url, scripted):
    track = scripted(Gait(heel_ahead=0.5, trunk_lean_deg=19))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    result = run_cli("form", str(clip), "--db", database_url)
    assert result.code == 0, result.err
    assert "Overstriding" in result.out
    assert "Forward trunk lean" in result.out
    assert "Cadence: 170 steps/min" in result.out


def test_keep_video_keeps_it(tmp_path, run_cli, database_url, scripted):
    track = scripted(Gait())
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    result = run_cli("form", str(clip), "--keep-video", "--format", "json", "--db", database_url)
    assert result.code == 0, result.err
    [kept] = _analyses(database_url)
    assert kept.has_video
    with open_record(database_url) as record, record.session() as session:
        _, video = repo.form_analysis_media(
            session=session, runner_id=record.runner.id, analysis_id=kept.id
        )
    assert video == clip.read_bytes()


def test_the_overlay_is_a_playable_video_of_every_frame(tmp_path, run_cli, database_url, scripted):
    track = scripted(Gait())
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    out = tmp_path / "overlay.mp4"
    result = run_cli("form", str(clip), "--overlay", str(out), "--no-save", "--db", database_url)
    assert result.code == 0, result.err
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(stream)) == track.frames
    assert _analyses(database_url) == []


def test_an_unusable_clip_exits_1_with_the_reason_and_is_not_kept(
    tmp_path, run_cli, database_url, scripted
):
    track = scripted(Gait(seconds=1.5))
    clip = make_clip(tmp_path / "short.mp4", frames=track.frames)
    result = run_cli("form", str(clip), "--format", "json", "--db", database_url)
    assert result.code == 1
    document = json.loads(result.out)
    assert document["quality"]["usable"] is False
    assert "too_few_steps" in document["quality"]["problem_ids"]
    assert document["findings"] == []
    assert _analyses(database_url) == []


def test_a_clip_without_a_runner_exits_1(tmp_path, run_cli, database_url, monkeypatch):
    class Nobody(ScriptedPose):
        def __init__(self):
            pass

        def estimate(self, rgb):
            return None

    monkeypatch.setattr(pose, "MediaPipePose", Nobody)
    clip = make_clip(tmp_path / "empty_track.mp4", frames=120)
    result = run_cli("form", str(clip), "--db", database_url)
    assert result.code == 1
    assert "No runner was found" in result.out
    assert _analyses(database_url) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"this is a shopping list, not a video\n" * 20, "not a video Backstride can read"),
    ],
)
def test_bad_files_are_bad_input(tmp_path, run_cli, database_url, content, message):
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    result = run_cli("form", str(path), "--db", database_url)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert _analyses(database_url) == []


def test_a_truncated_file_is_bad_input(tmp_path, run_cli, database_url, scripted):
    track = scripted(Gait())
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    result = run_cli("form", str(cut), "--db", database_url)
    assert result.code == 2
    assert "cut.mp4" in result.err
    assert _analyses(database_url) == []


def test_a_picture_is_not_a_video(tmp_path, run_cli, database_url):
    import cv2
    import numpy as np

    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), np.zeros((64, 64, 3), np.uint8))
    result = run_cli("form", str(path), "--db", database_url)
    assert result.code == 2
    assert "holds no video" in result.err or "only" in result.err


def test_an_enormous_picture_size_is_refused_before_decoding(tmp_path, run_cli, database_url):
    clip = make_clip(tmp_path / "huge.mp4", frames=12, fps=30, size=(7680, 4320))
    result = run_cli("form", str(clip), "--db", database_url)
    assert result.code == 2
    assert "7680x4320" in result.err


def test_a_slow_motion_factor_out_of_range_is_bad_input(tmp_path, run_cli, database_url):
    clip = make_clip(tmp_path / "run.mp4", frames=30)
    result = run_cli("form", str(clip), "--slow-motion", "0.2", "--db", database_url)
    assert result.code == 2
    assert "--slow-motion" in result.err


def test_the_overlay_must_be_another_mp4(tmp_path, run_cli, database_url, scripted):
    track = scripted(Gait())
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    result = run_cli("form", str(clip), "--overlay", str(clip), "--db", database_url)
    assert result.code == 2
    assert "that is the video being analysed" in result.err


def test_the_next_assessment_uses_the_findings(tmp_path, run_cli, database_url, scripted):
    track = scripted(Gait(heel_ahead=0.5))
    clip = make_clip(tmp_path / "run.mp4", frames=track.frames)
    assert run_cli("form", str(clip), "--db", database_url).code == 0
    intake = Path(__file__).resolve().parents[2] / "examples" / "intake.json"
    result = run_cli("assess", "--input", str(intake), "--format", "json", "--db", database_url)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    factor = next(f for f in document["factors"] if f["id"] == "poor_running_form")
    assert "Overstriding" in factor["evidence"]
    assert "past vertical" in factor["evidence"]
    assert [c["id"] for c in document["plan"]["form_cues"]][:2] == [
        "no_overstriding",
        "short_stride",
    ]
    assert "souza_2016" in {s["id"] for s in document["sources"]}
