"""What a side view measures of a runner's form, from the cleaned landmarks and the contacts.

Robust from the side: cadence, overstride (heel ahead of the hips and shin angle at landing),
the near-side elbow. Relative or coarse: trunk lean (a category and its change through the
clip; the camera's tilt shifts the absolute angle), head carriage (the ear sits ahead of the
shoulder point even in a neutral head, so it is a category), vertical oscillation (pan and zoom
leak into it: approximate). Contact time and arm crossing cannot be seen from the side and are
not measured.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

from backstride.form.cleaning import CleanTrack
from backstride.form.steps import Contact
from backstride.form.track import INDEX, SIDES, Array, Side

TrunkLean = Literal["leaning_back", "upright", "moderate", "marked"]
HeadCarriage = Literal["neutral", "slight", "marked"]
Trend = Literal["steady", "more_lean", "less_lean"]
T = TypeVar("T")

RUNNING_CADENCE_SPM = (140.0, 220.0)
"""Real-time cadence of running at any pace; outside it the time base is in doubt."""
MAX_INTERVAL_PERIODS = 1.5
"""A gap longer than this between two contacts has a missed step in it: not a step time."""
TRUNK_LEAN_BOUNDS_DEG = (-3.0, 7.0, 15.0)
"""Leaning back below -3°; upright to 7°, between the means of healthy recreational runners
with low (3.6°) and high (10.8°) trunk flexion (Teng & Powers 2015); moderate to 15°, two
standard deviations above the high-flexion group; marked beyond."""
TRUNK_TREND_DEG = 2.0
"""A change of lean through the clip smaller than this is steady (frame jitter is ~0.2°)."""
HEAD_BOUNDS_DEG = (32.0, 40.0)
"""Ear ahead of the trunk line: runners holding the head level measure about 24-27°, because
the ear sits ahead of the shoulder point; slight from 32°, marked from 40°."""


@dataclass(frozen=True, slots=True)
class StepMetrics:
    """One landing: when, which heel (by the model's label), how far ahead, the shin angle."""

    frame: int
    side: Side
    heel_ahead_leg_lengths: float
    shank_angle_deg: float


@dataclass(frozen=True, slots=True)
class FormMetrics:
    """Every measure of one clip; None where the clip does not allow it."""

    cadence_spm: float | None
    """Steps per minute of real time (None when the time base of the clip is unknown)."""
    cadence_file_spm: float | None
    """Steps per minute of the file's own time (what a slow-motion clip shows)."""
    step_time_cv: float | None
    heel_ahead_leg_lengths: float | None
    shank_angle_deg: float | None
    trunk_lean_deg: float | None
    trunk_lean: TrunkLean | None
    trunk_lean_change_deg: float | None
    trunk_lean_trend: Trend | None
    head_forward_deg: float | None
    head_forward: HeadCarriage | None
    elbow_angle_deg: float | None
    elbow_side: Side | None
    near_side_visibility: float | None
    vertical_oscillation_leg_lengths: float | None
    steps: tuple[StepMetrics, ...]


def measure(
    track: CleanTrack,
    contacts: tuple[Contact, ...],
    forward: int,
    *,
    fps: float,
    slow_motion: float | None,
) -> FormMetrics:
    """Measure a cleaned clip. `slow_motion` is how many times slower than real time the file
    plays (1.0 for a normal clip); None when unknown, which leaves `cadence_spm` None."""
    steps = tuple(_step(track, c, forward) for c in contacts)
    intervals = step_intervals(contacts, track.step_period_frames)
    # Step-time spread over every gap, missed steps included: it is how the quality gate
    # notices landings that were not seen.
    gaps = step_intervals(contacts, None)
    # The mean of the step times, not the median: whole-frame times of a step lasting 21.2
    # frames are 21 or 22, and only their mean comes back to 21.2.
    cadence_file = 60.0 * fps / float(intervals.mean()) if intervals.size else None
    cadence = cadence_file * slow_motion if cadence_file and slow_motion else None
    lean = trunk_lean_series(track, forward)[track.moving]
    head = head_forward_series(track, forward)[track.moving]
    elbow_side, visibility = near_side(track)
    change = lean_change(lean)
    return FormMetrics(
        cadence_spm=cadence,
        cadence_file_spm=cadence_file,
        step_time_cv=float(gaps.std() / gaps.mean()) if gaps.size > 1 else None,
        heel_ahead_leg_lengths=_median([s.heel_ahead_leg_lengths for s in steps]),
        shank_angle_deg=_median([s.shank_angle_deg for s in steps]),
        trunk_lean_deg=_median(lean),
        trunk_lean=_category(_median(lean), TRUNK_LEAN_BOUNDS_DEG, _TRUNK_NAMES),
        trunk_lean_change_deg=change,
        trunk_lean_trend=_trend(change),
        head_forward_deg=_median(head),
        head_forward=_category(_median(head), HEAD_BOUNDS_DEG, _HEAD_NAMES),
        elbow_angle_deg=_median(elbow_series(track, elbow_side)[track.moving])
        if elbow_side
        else None,
        elbow_side=elbow_side,
        near_side_visibility=visibility,
        vertical_oscillation_leg_lengths=vertical_oscillation(track, contacts),
        steps=steps,
    )


def step_intervals(contacts: tuple[Contact, ...], period: float | None) -> Array:
    """Frames between consecutive contacts, leaving out gaps with a missed step in them."""
    frames = np.array([c.frame for c in contacts], dtype=float)
    gaps = np.diff(frames)
    if period is None:
        return gaps
    return gaps[gaps <= MAX_INTERVAL_PERIODS * period]


def shank_angle_deg(knee: Array, ankle: Array, forward: int) -> Array:
    """The shin's angle from vertical; positive when the ankle is ahead of the knee."""
    d = ankle - knee
    return np.asarray(np.degrees(np.arctan2(forward * d[..., 0], d[..., 1])), dtype=np.float64)


def _segment_angle(lower: Array, upper: Array, forward: int) -> Array:
    """Angle of the segment lower->upper from image vertical; positive leaning forward."""
    d = upper - lower
    return np.asarray(np.degrees(np.arctan2(forward * d[..., 0], -d[..., 1])), dtype=np.float64)


def trunk_lean_series(track: CleanTrack, forward: int) -> Array:
    """Mid-hip to mid-shoulder angle from vertical, frame by frame; positive forward."""
    return _segment_angle(track.mid("hip"), track.mid("shoulder"), forward)


def head_forward_series(track: CleanTrack, forward: int) -> Array:
    """How far the shoulder-to-ear line tips forward of the trunk line, frame by frame."""
    trunk = trunk_lean_series(track, forward)
    head = _segment_angle(track.mid("shoulder"), track.mid("ear"), forward)
    return head - trunk


def near_side(track: CleanTrack) -> tuple[Side | None, float | None]:
    """The arm nearer the camera, chosen by the model's visibility (its labels swap)."""
    if not track.moving.any():
        return None, None
    scores = {}
    for side in SIDES:
        parts = [INDEX[f"{side}_{p}"] for p in ("shoulder", "elbow", "wrist")]
        scores[side] = float(track.visibility[track.moving][:, parts].mean())
    side = max(SIDES, key=lambda s: scores[s])
    return side, scores[side]


def elbow_series(track: CleanTrack, side: Side) -> Array:
    """The elbow's inside angle (upper arm to forearm) frame by frame."""
    shoulder, elbow, wrist = (track.point(f"{side}_{p}") for p in ("shoulder", "elbow", "wrist"))
    a, b = shoulder - elbow, wrist - elbow
    cos = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def lean_change(lean: Array) -> float | None:
    """Median lean of the clip's last third minus its first third."""
    if lean.size < 9:
        return None
    third = lean.size // 3
    return float(np.median(lean[-third:]) - np.median(lean[:third]))


def vertical_oscillation(track: CleanTrack, contacts: tuple[Contact, ...]) -> float | None:
    """Median rise and fall of the hips within a step, in leg lengths (approximate)."""
    hip_y = track.mid("hip")[:, 1]
    ranges = []
    period = track.step_period_frames or float("inf")
    for a, b in itertools.pairwise(contacts):
        if b.frame - a.frame <= MAX_INTERVAL_PERIODS * period:
            segment = hip_y[a.frame : b.frame + 1]
            ranges.append(float(segment.max() - segment.min()) / track.leg_length_px)
    return _median(ranges)


def _step(track: CleanTrack, contact: Contact, forward: int) -> StepMetrics:
    knee = track.point(f"{contact.side}_knee")[contact.frame]
    ankle = track.point(f"{contact.side}_ankle")[contact.frame]
    return StepMetrics(
        contact.frame,
        contact.side,
        contact.heel_ahead_leg_lengths,
        float(shank_angle_deg(knee, ankle, forward)),
    )


_TRUNK_NAMES: tuple[TrunkLean, ...] = ("leaning_back", "upright", "moderate", "marked")
_HEAD_NAMES: tuple[HeadCarriage, ...] = ("neutral", "slight", "marked")


def _category(value: float | None, bounds: tuple[float, ...], names: tuple[T, ...]) -> T | None:
    if value is None:
        return None
    return names[int(np.searchsorted(np.asarray(bounds), value, side="right"))]


def _trend(change: float | None) -> Trend | None:
    if change is None:
        return None
    if abs(change) < TRUNK_TREND_DEG:
        return "steady"
    return "more_lean" if change > 0 else "less_lean"


def _median(values: list[float] | Array) -> float | None:
    array = np.asarray(values, dtype=float)
    array = array[~np.isnan(array)]
    return float(np.median(array)) if array.size else None
