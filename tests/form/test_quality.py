"""The quality gates: an unusable clip says why in plain words and gives no findings."""

from __future__ import annotations

import numpy as np

from backstride.form.analysis import VideoInfo, analyse
from backstride.form.quality import MAX_LEG_OUTLIER_SHARE, MIN_STEPS
from backstride.form.track import INDEX, PoseTrack

from .synthetic import Gait, runner


def _run(track: PoseTrack, knowledge, slow_motion=None):
    info = VideoInfo("clip.mp4", track.fps, track.frames, track.width, track.height, slow_motion)
    return analyse(track, info, knowledge)


def _ids(analysis) -> set[str]:
    return {p.id for p in analysis.quality.problems}


def test_a_good_clip_passes_every_gate(knowledge):
    a = _run(runner(Gait(heel_ahead=0.5)).track, knowledge)
    assert a.quality.usable
    assert a.quality.problems == ()
    assert a.quality.view == "side"
    assert a.quality.steps >= 20
    assert [f.id for f in a.findings] == ["overstriding"]


def test_a_runner_lost_in_most_frames_is_unusable(knowledge):
    track = runner(Gait()).track
    xy = track.xy.copy()
    xy[: int(0.4 * track.frames)] = np.nan
    a = _run(PoseTrack(xy, track.visibility, track.fps, track.width, track.height), knowledge)
    assert not a.quality.usable
    assert "runner_not_found" in _ids(a)
    assert a.quality.frames_with_runner == np.float64(0.6)
    assert a.findings == ()


def test_a_front_view_is_unusable(knowledge):
    a = _run(runner(Gait(span=0.5, heel_ahead=0.5)).track, knowledge)
    assert a.quality.view == "front_or_back"
    assert "not_side_view" in _ids(a)
    assert not a.quality.usable
    assert a.findings == ()


def test_too_few_steps_is_unusable(knowledge):
    a = _run(runner(Gait(seconds=1.6)).track, knowledge)
    assert a.quality.steps < MIN_STEPS
    assert "too_few_steps" in _ids(a)
    assert not a.quality.usable
    text = next(p.text for p in a.quality.problems if p.id == "too_few_steps")
    assert f"at least {MIN_STEPS}" in text


def test_a_clip_without_running_gives_no_steps(knowledge):
    track = runner(Gait()).track
    still = np.repeat(track.xy[:1], track.frames, axis=0)
    a = _run(PoseTrack(still, track.visibility, track.fps, 1920, 1080), knowledge)
    assert "no_steps" in _ids(a)
    assert not a.quality.usable


def test_jumping_legs_are_unusable(knowledge):
    track = runner(Gait(seed=2)).track
    rng = np.random.default_rng(2)
    xy = track.xy.copy()
    legs = [INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("knee", "ankle", "heel")]
    bad = rng.random(track.frames) < 0.12
    for i in legs:
        xy[bad, i] += rng.normal(0, 150, (bad.sum(), 2))
    a = _run(PoseTrack(xy, track.visibility, track.fps, 1920, 1080), knowledge)
    assert a.track.leg_outlier_share > MAX_LEG_OUTLIER_SHARE
    assert "legs_unclear" in _ids(a)
    assert not a.quality.usable


def test_uneven_steps_are_unusable(knowledge):
    track = runner(Gait(seconds=12)).track
    xy = track.xy.copy()
    # Hide one heel's landings in the second half, as an occluded foot would.
    half = track.frames // 2
    for part in ("heel", "ankle", "knee", "toe"):
        xy[half:, INDEX[f"left_{part}"]] = xy[half:, INDEX["left_hip"]] + [[-80, 380]]
    a = _run(PoseTrack(xy, track.visibility, track.fps, 1920, 1080), knowledge)
    assert "uneven_steps" in _ids(a)
    assert not a.quality.usable


def test_a_slow_motion_clip_without_its_factor_stays_usable_without_cadence(knowledge):
    a = _run(runner(Gait(fps=30, cadence_spm=42, seconds=30)).track, knowledge)
    assert a.quality.usable
    assert "time_base_unknown" in _ids(a)
    assert a.metrics.cadence_spm is None
    assert "--slow-motion" in next(p.text for p in a.quality.problems)


def test_a_wrong_factor_gives_no_cadence_finding(knowledge):
    a = _run(runner(Gait(cadence_spm=170)).track, knowledge, slow_motion=0.5)
    assert "cadence_out_of_range" in _ids(a)
    assert a.quality.usable
    assert "low_cadence" not in {f.id for f in a.findings}


def test_a_low_real_frame_rate_is_said(knowledge):
    a = _run(runner(Gait(fps=30, cadence_spm=170, seconds=10)).track, knowledge)
    assert "low_frame_rate" in _ids(a)
    assert a.quality.usable
