"""The pure analysis on synthetic side-view runners whose cadence and overstride are known."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.form.analysis import VideoInfo, analyse
from backstride.form.cleaning import clean_track, step_period, untangle_sides
from backstride.form.metrics import TRUNK_LEAN_BOUNDS_DEG
from backstride.form.track import INDEX, SIDES
from backstride.knowledge import KnowledgeBase, load_knowledge

from .synthetic import Gait, mirrored, runner


def _analyse(gait: Gait, knowledge: KnowledgeBase, slow_motion: float | None = None):
    truth = runner(gait)
    info = VideoInfo("clip.mp4", gait.fps, truth.track.frames, 1920, 1080, slow_motion)
    return truth, analyse(truth.track, info, knowledge)


def test_a_clean_runner_is_measured_as_drawn(knowledge):
    truth, a = _analyse(Gait(cadence_spm=172, heel_ahead=0.35), knowledge)
    m = a.metrics
    assert a.quality.usable, a.quality.problems
    assert a.facing == "right"
    assert m.cadence_spm == pytest.approx(172, rel=0.01)
    assert m.heel_ahead_leg_lengths == pytest.approx(0.35, abs=0.02)
    assert m.shank_angle_deg == pytest.approx(np.median(truth.shank_deg), abs=1.5)
    assert m.trunk_lean_deg == pytest.approx(6.0, abs=0.5)
    assert m.trunk_lean == "upright"
    assert m.trunk_lean_trend == "steady"
    assert m.head_forward_deg == pytest.approx(25.0, abs=0.5)
    assert m.head_forward == "neutral"
    assert m.elbow_angle_deg == pytest.approx(85.0, abs=1.0)
    assert m.vertical_oscillation_leg_lengths == pytest.approx(0.08, abs=0.01)
    detected = [s.frame for s in m.steps]
    assert len(detected) >= len(truth.contact_frames) - 2
    for frame in detected:
        assert min(abs(frame - c) for c in truth.contact_frames) <= 1


def test_every_step_of_a_clip_is_found_once(knowledge):
    truth, a = _analyse(Gait(seconds=10), knowledge)
    inner = [c for c in truth.contact_frames if 20 < c < truth.track.frames - 20]
    found = [s.frame for s in a.metrics.steps]
    assert len(found) == len(set(found))
    for contact in inner:
        assert min(abs(contact - f) for f in found) <= 1


@settings(max_examples=25, deadline=None)
@given(
    cadence=st.floats(150, 200),
    fps=st.sampled_from([50.0, 60.0, 120.0]),
    heel_ahead=st.floats(0.1, 0.5),
    facing=st.sampled_from([1, -1]),
    noise=st.floats(0, 2.5),
    dropped=st.floats(0, 0.05),
    swaps=st.floats(0, 0.05),
    seed=st.integers(0, 1000),
)
def test_cadence_and_overstride_survive_noise_gaps_and_label_swaps(
    cadence, fps, heel_ahead, facing, noise, dropped, swaps, seed
):
    knowledge = load_knowledge()
    gait = Gait(
        fps=fps,
        cadence_spm=cadence,
        heel_ahead=heel_ahead,
        facing=facing,
        noise_px=noise,
        dropped_share=dropped,
        swap_share=swaps,
        seed=seed,
    )
    truth, a = _analyse(gait, knowledge)
    m = a.metrics
    assert a.facing == ("right" if facing == 1 else "left")
    assert m.cadence_spm == pytest.approx(cadence, rel=0.02)
    assert m.heel_ahead_leg_lengths == pytest.approx(heel_ahead, abs=0.04)
    low, high = truth.shank_band
    assert low - 1.5 <= m.shank_angle_deg <= high + 1.5
    assert len(m.steps) >= len(truth.contact_frames) - 3


@settings(max_examples=15, deadline=None)
@given(
    heel_ahead=st.floats(0.1, 0.5),
    lean=st.floats(-5, 20),
    head=st.floats(10, 50),
    seed=st.integers(0, 100),
)
def test_a_mirrored_clip_measures_the_same(heel_ahead, lean, head, seed):
    knowledge = load_knowledge()
    gait = Gait(heel_ahead=heel_ahead, trunk_lean_deg=lean, head_deg=head, noise_px=1, seed=seed)
    truth = runner(gait)
    info = VideoInfo("clip.mp4", gait.fps, truth.track.frames, 1920, 1080)
    straight = analyse(truth.track, info, knowledge)
    mirror = analyse(mirrored(truth.track), info, knowledge)
    assert {straight.facing, mirror.facing} == {"left", "right"}
    a, b = straight.metrics, mirror.metrics
    assert b.cadence_spm == pytest.approx(a.cadence_spm, rel=1e-6)
    assert b.heel_ahead_leg_lengths == pytest.approx(a.heel_ahead_leg_lengths, abs=1e-6)
    assert b.shank_angle_deg == pytest.approx(a.shank_angle_deg, abs=1e-6)
    assert b.trunk_lean_deg == pytest.approx(a.trunk_lean_deg, abs=1e-6)
    assert a.trunk_lean_deg == pytest.approx(lean, abs=0.5)
    assert b.head_forward_deg == pytest.approx(a.head_forward_deg, abs=1e-6)
    assert a.head_forward_deg == pytest.approx(head, abs=0.5)


def test_a_slow_motion_clip_needs_its_factor_for_cadence(knowledge):
    gait = Gait(fps=30, cadence_spm=170 / 4, seconds=30)
    _, unknown = _analyse(gait, knowledge)
    assert unknown.metrics.cadence_spm is None
    assert unknown.metrics.cadence_file_spm == pytest.approx(42.5, rel=0.02)
    assert "time_base_unknown" in {p.id for p in unknown.quality.problems}
    # Windows count in step periods, so everything but cadence is measured all the same.
    assert unknown.metrics.heel_ahead_leg_lengths == pytest.approx(0.35, abs=0.03)
    _, given_factor = _analyse(gait, knowledge, slow_motion=4.0)
    assert given_factor.metrics.cadence_spm == pytest.approx(170, rel=0.02)
    assert given_factor.video.time_base == "unknown" or given_factor.video.slow_motion == 4.0


def test_a_clip_in_running_cadence_is_taken_as_real_time(knowledge):
    _, a = _analyse(Gait(), knowledge)
    assert a.video.slow_motion == 1.0
    assert a.video.time_base == "assumed"


def test_a_paused_picture_gives_no_steps(knowledge):
    _, a = _analyse(Gait(fps=30, cadence_spm=48, seconds=12, still_frames=60), knowledge)
    assert all(s.frame > 60 for s in a.metrics.steps)
    assert a.metrics.step_time_cv < 0.05


def test_trunk_lean_categories_follow_the_bounds(knowledge):
    back = TRUNK_LEAN_BOUNDS_DEG[0]
    for lean, category in (
        (back - 2, "leaning_back"),
        (3, "upright"),
        (11, "moderate"),
        (19, "marked"),
    ):
        _, a = _analyse(Gait(trunk_lean_deg=lean), knowledge)
        assert a.metrics.trunk_lean == category, lean


def test_the_step_period_comes_from_the_hips():
    t = np.arange(600, dtype=float)
    signal = np.cos(2 * np.pi * t / 21.3)
    assert step_period(signal, np.ones(600, bool), min_lag=5) == pytest.approx(21.3, abs=0.1)
    assert step_period(np.zeros(600), np.ones(600, bool), min_lag=5) is None


def test_swapped_labels_are_followed_by_continuity():
    truth = runner(Gait(swap_share=0.1, seed=3))
    clean = runner(Gait(seed=3))
    assert not np.allclose(truth.track.xy, clean.track.xy)
    xy, _ = untangle_sides(truth.track.xy, truth.track.visibility)
    legs = [INDEX[f"{side}_{part}"] for side in SIDES for part in ("knee", "ankle", "heel", "toe")]
    assert np.allclose(xy[:, legs], clean.track.xy[:, legs], atol=1e-6)
    assert clean_track(truth.track).leg_outlier_share < 0.01


def test_no_runner_in_any_frame_gives_no_period(knowledge):
    truth = runner(Gait())
    empty = type(truth.track)(
        np.full_like(truth.track.xy, np.nan),
        np.zeros_like(truth.track.visibility),
        60.0,
        1920,
        1080,
    )
    a = analyse(empty, VideoInfo("clip.mp4", 60.0, empty.frames, 1920, 1080), knowledge)
    assert not a.quality.usable
    assert [p.id for p in a.quality.problems] == ["no_runner"]
    assert a.metrics is None
