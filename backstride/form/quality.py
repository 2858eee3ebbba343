"""Quality gates: whether a clip can be trusted, and what to film again when it cannot.

Each gate comes from a way the measurement failed on real clips (see the research note on form
analysis): a runner lost in many frames, a front or rear view, too few steps, a pose model that
jumps between limbs (a treadmill's upright taken for a leg), uneven step times from missed
contacts. A blocking problem makes the clip unusable: Backstride then asks for a new clip
rather than giving advice. Other problems are said and the measures kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from backstride.form.cleaning import CleanTrack
from backstride.form.metrics import RUNNING_CADENCE_SPM, FormMetrics
from backstride.form.track import INDEX, PoseTrack

View = Literal["side", "front_or_back", "unknown"]

MIN_FRAMES_WITH_RUNNER = 0.8
MIN_STEPS = 6
MAX_LEG_OUTLIER_SHARE = 0.05
MAX_STEP_TIME_CV = 0.10
MIN_NEAR_SIDE_VISIBILITY = 0.8
SIDE_VIEW_MAX_SPAN = 0.45
"""Left-to-right spread of shoulders and hips over the torso's length: small from the side
(the far side hides behind the near one), near or above one from the front or behind."""
MIN_EFFECTIVE_FPS = 50.0
"""Real-time frames per second below which a contact is timed to more than 20 ms."""

CAPTURE_ADVICE = (
    "Film again: phone steady on something at knee-to-hip height, level, side-on to where you "
    "run; the whole body and the shoes in the picture; 10 to 20 seconds of steady running at "
    "60 frames per second, in good light, with nobody else in the picture."
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the clip, in plain words; `blocking` makes the clip unusable."""

    id: str
    text: str
    blocking: bool


@dataclass(frozen=True, slots=True)
class Quality:
    usable: bool
    view: View
    frames_with_runner: float
    steps: int
    problems: tuple[Problem, ...]


def side_view_span(track: CleanTrack) -> float | None:
    """The median left-right spread of shoulders and hips, in torso lengths."""
    if not track.moving.any():
        return None
    xy = track.xy[track.moving]
    spans = []
    for part in ("shoulder", "hip"):
        left, right = xy[:, INDEX[f"left_{part}"]], xy[:, INDEX[f"right_{part}"]]
        spans.append(np.abs(left[:, 0] - right[:, 0]))
    moving = track.moving
    torso = np.linalg.norm(track.mid("shoulder")[moving] - track.mid("hip")[moving], axis=1)
    ratio = (spans[0] + spans[1]) / 2 / np.maximum(torso, 1e-9)
    return float(np.median(ratio))


def judge_quality(
    raw: PoseTrack,
    track: CleanTrack,
    metrics: FormMetrics | None,
    *,
    slow_motion: float | None,
) -> Quality:
    """Apply every gate to a clip; `metrics` is None when no step period was found."""
    found = float(raw.found().mean()) if raw.frames else 0.0
    span = side_view_span(track)
    view: View = "unknown"
    if span is not None:
        view = "side" if span <= SIDE_VIEW_MAX_SPAN else "front_or_back"
    steps = len(metrics.steps) if metrics else 0
    problems = list(_problems(found, view, track, metrics, slow_motion, raw.fps))
    usable = not any(p.blocking for p in problems)
    return Quality(usable, view, found, steps, tuple(problems))


def _problems(
    found: float,
    view: View,
    track: CleanTrack,
    metrics: FormMetrics | None,
    slow_motion: float | None,
    fps: float,
) -> list[Problem]:
    if found == 0:
        return [Problem("no_runner", "No runner was found in the video. " + CAPTURE_ADVICE, True)]
    problems = []
    if found < MIN_FRAMES_WITH_RUNNER:
        problems.append(
            Problem(
                "runner_not_found",
                f"The runner was found in only {found:.0%} of the frames (at least "
                f"{MIN_FRAMES_WITH_RUNNER:.0%} are needed). " + CAPTURE_ADVICE,
                True,
            )
        )
    if view == "front_or_back":
        problems.append(
            Problem(
                "not_side_view",
                "The video seems to be filmed from the front or from behind; form analysis "
                "needs a side view, the phone at right angles to where you run. " + CAPTURE_ADVICE,
                True,
            )
        )
    if metrics is None or track.step_period_frames is None:
        problems.append(
            Problem(
                "no_steps",
                "No regular running steps were found in the video. " + CAPTURE_ADVICE,
                True,
            )
        )
        return problems
    problems += _step_problems(track, metrics)
    problems += _cadence_problems(metrics, slow_motion, fps)
    return problems


def _step_problems(track: CleanTrack, metrics: FormMetrics) -> list[Problem]:
    problems = []
    steps = len(metrics.steps)
    if steps < MIN_STEPS:
        problems.append(
            Problem(
                "too_few_steps",
                f"Only {steps} steps were seen; at least {MIN_STEPS} are needed. Film 10 to 20 "
                "seconds of steady running with the whole body in the picture.",
                True,
            )
        )
    if track.leg_outlier_share > MAX_LEG_OUTLIER_SHARE:
        problems.append(
            Problem(
                "legs_unclear",
                f"The legs could not be followed reliably ({track.leg_outlier_share:.0%} of "
                "the leg points jumped): something may hide them or look like a leg, such as a "
                "treadmill's upright. " + CAPTURE_ADVICE,
                True,
            )
        )
    cv = metrics.step_time_cv
    if cv is not None and cv > MAX_STEP_TIME_CV:
        problems.append(
            Problem(
                "uneven_steps",
                f"The step times vary by {cv:.0%}, so some landings were probably missed. "
                + CAPTURE_ADVICE,
                True,
            )
        )
    visibility = metrics.near_side_visibility
    if visibility is not None and visibility < MIN_NEAR_SIDE_VISIBILITY:
        problems.append(
            Problem(
                "near_side_unclear",
                "The side of the body nearer the camera was not clearly visible; the arm and "
                "leg angles may be off. Film in good light, in clothes that stand out from the "
                "background.",
                False,
            )
        )
    return problems


def _cadence_problems(metrics: FormMetrics, slow_motion: float | None, fps: float) -> list[Problem]:
    low, high = RUNNING_CADENCE_SPM
    problems = []
    file_spm = metrics.cadence_file_spm
    if slow_motion is None and file_spm is not None:
        pace = "slower" if file_spm < low else "faster"
        kind = "slow motion" if file_spm < low else "sped up"
        problems.append(
            Problem(
                "time_base_unknown",
                f"The video shows {file_spm:.0f} steps a minute in its own time, {pace} than "
                f"anyone runs: it is probably {kind}, and the file does not say by how much. "
                "Cadence is left out; give the factor to measure it (for example "
                "--slow-motion 4 for a clip played four times slower).",
                False,
            )
        )
    cadence = metrics.cadence_spm
    if cadence is not None and not low <= cadence <= high:
        problems.append(
            Problem(
                "cadence_out_of_range",
                f"A cadence of {cadence:.0f} steps a minute is outside running cadences "
                f"({low:.0f}-{high:.0f}); if the clip is slow motion or sped up, check its "
                "factor. No cadence advice is given.",
                False,
            )
        )
    if slow_motion is not None and fps * slow_motion < MIN_EFFECTIVE_FPS:
        problems.append(
            Problem(
                "low_frame_rate",
                f"At {fps * slow_motion:.0f} frames per second of real time, landings are timed "
                "coarsely and overstride reads slightly low; 60 frames per second is better.",
                False,
            )
        )
    return problems
