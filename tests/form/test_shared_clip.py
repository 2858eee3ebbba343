"""The whole pipeline (PyAV decode, MediaPipe BlazePose, analysis) on the shared real clip.

The clip (../shared/data/video/track_side_slowmo_screenrec.mp4, a screen recording of a runner
on a track, slowed about 3.5 times) is read in place and never copied: its licence does not
allow it. The test skips when the folder is missing.

Measured on it with mediapipe 0.10.21 and --slow-motion 3.5 (reference values of its manifest
in brackets): 5 landings (the clip's paused first 1.2 s leaves room for no more), so the clip is
unusable for advice (fewer than 6 steps); cadence 168.5 steps/min; heel 0.47 leg lengths ahead
of the hips [~0.47]; shin 17.7° past vertical; trunk lean 6.8° [~7]; near elbow 71.8°; step-time
spread 2.2%. The tolerances below are those of the research note's spread between pose-model
variants: cadence ±3 steps/min, heel ±0.04, shin ±3°, trunk ±2°, elbow ±6°.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.form.findings import find_form_findings
from backstride.services.form import analyse_video

CLIP = (
    Path(__file__).resolve().parents[2] / "../shared/data/video/track_side_slowmo_screenrec.mp4"
).resolve()

pytestmark = pytest.mark.skipif(not CLIP.is_file(), reason=f"shared clip not found at {CLIP}")


@pytest.fixture(scope="module")
def result():
    return analyse_video(CLIP, slow_motion=3.5)


def test_the_numbers_stay_where_they_were_measured(result):
    document = result.document
    m = document["metrics"]
    assert document["view"] == "side"
    assert document["facing"] == "left"
    assert document["quality"]["frames_with_runner"] >= 0.95
    assert document["quality"]["steps"] in (4, 5, 6)
    assert m["cadence_spm"] == pytest.approx(168.5, abs=3)
    assert m["overstride"]["heel_ahead_leg_lengths"] == pytest.approx(0.47, abs=0.04)
    assert m["overstride"]["shank_angle_deg"] == pytest.approx(17.7, abs=3)
    assert m["trunk_lean_deg"] == pytest.approx(6.8, abs=2)
    assert m["elbow_angle_deg"] == pytest.approx(71.8, abs=6)
    assert m["step_time_cv"] < 0.08


def test_too_few_steps_make_it_unusable_but_the_landings_show_overstriding(result, knowledge):
    quality = result.document["quality"]
    assert quality["usable"] is False
    assert "too_few_steps" in quality["problem_ids"]
    assert result.document["findings"] == []
    # What the measures would say: the runner lands well ahead of the hips.
    found = find_form_findings(result.analysis.metrics, knowledge)
    assert "overstriding" in {f.id for f in found}


def test_without_its_factor_the_clip_has_no_cadence(knowledge):
    document = analyse_video(CLIP, knowledge=knowledge).document
    assert document["metrics"]["cadence_spm"] is None
    assert document["metrics"]["cadence_file_spm"] == pytest.approx(168.5 / 3.5, abs=1)
    assert "time_base_unknown" in document["quality"]["problem_ids"]


def test_the_key_frame_is_a_picture_of_a_landing(result):
    assert result.analysis.key_frame in {s["frame"] for s in result.document["metrics"]["steps"]}
    assert result.key_frame is not None
    assert result.key_frame[:3] == b"\xff\xd8\xff"  # JPEG
