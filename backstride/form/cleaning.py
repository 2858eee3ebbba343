"""Cleaning the landmarks: fill gaps, find the step period, reject outliers, smooth.

Windows are counted in step periods rather than seconds, so the same cleaning works on a
slow-motion clip, whose steps take many more frames. The step period comes from the
autocorrelation of the hips' height, the steadiest landmark of a running body.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backstride.form.track import INDEX, LANDMARKS, LEG_LANDMARKS, SIDES, Array, PoseTrack

OUTLIER_LEG_LENGTHS = 0.2
"""A limb point this far from its rolling median is a tracking error, not movement."""
OUTLIER_WINDOW_PERIODS = 0.3
SMOOTHING_WINDOW_PERIODS = 0.1
MIN_STEP_SECONDS = 0.2
"""No runner takes more than 300 steps a minute: the shortest period searched, in file time."""
STILL_LEG_LENGTHS = 0.002
"""Frames in which no landmark moves more than this are a paused or frozen picture."""
_STILL_RUN = 5
"""A pause is at least this many still frames in a row."""


@dataclass(frozen=True, slots=True)
class CleanTrack:
    """The landmarks after cleaning, with what cleaning learned about the clip."""

    xy: Array
    """(frames, landmarks, 2), gaps filled, outliers replaced, smoothed."""
    visibility: Array
    moving: npt.NDArray[np.bool_]
    """Frames with a runner in a moving picture (not missing, not a paused picture)."""
    leg_length_px: float
    step_period_frames: float | None
    leg_outlier_share: float
    """Share of leg points (knees, ankles, heels, toes) rejected as outliers."""

    def point(self, name: str) -> Array:
        return self.xy[:, INDEX[name], :]

    def mid(self, part: str) -> Array:
        """The midpoint of a left/right pair, e.g. mid("hip"), (frames, 2)."""
        return (self.point(f"left_{part}") + self.point(f"right_{part}")) / 2


def clean_track(track: PoseTrack) -> CleanTrack:
    """Clean a track; a track without any runner comes back unfilled, with no step period."""
    found = track.found()
    xy = fill_gaps(track.xy)
    if not found.any():
        return CleanTrack(xy, track.visibility, found, float("nan"), None, 0.0)
    xy, visibility = untangle_sides(xy, track.visibility)
    leg = leg_length(xy[found])
    moving = found & ~still_frames(xy, leg)
    hip_y = (xy[:, INDEX["left_hip"], 1] + xy[:, INDEX["right_hip"], 1]) / 2
    period = step_period(hip_y, moving, min_lag=max(2.0, MIN_STEP_SECONDS * track.fps))
    if period is None:
        return CleanTrack(xy, visibility, moving, leg, None, 0.0)
    xy, outliers = reject_outliers(xy, found, leg, _odd(OUTLIER_WINDOW_PERIODS * period))
    xy = median_filter(xy, _odd(SMOOTHING_WINDOW_PERIODS * period))
    leg_points = [INDEX[name] for name in LEG_LANDMARKS]
    share = float(outliers[found][:, leg_points].mean()) if found.any() else 0.0
    return CleanTrack(xy, visibility, moving, leg, period, share)


def fill_gaps(xy: Array) -> Array:
    """Each coordinate interpolated across the frames where it is missing (ends held)."""
    filled = xy.copy()
    frames = np.arange(xy.shape[0])
    flat = filled.reshape(xy.shape[0], -1)
    for column in range(flat.shape[1]):
        values = flat[:, column]
        known = ~np.isnan(values)
        if known.any() and not known.all():
            flat[:, column] = np.interp(frames, frames[known], values[known])
    return filled


SWAP_MARGIN = 0.6
"""Swap a frame's left and right limbs only when that is clearly the more continuous reading."""
_CHAINS = (("knee", "ankle", "heel", "toe"), ("elbow", "wrist"))


def untangle_sides(xy: Array, visibility: Array) -> tuple[Array, Array]:
    """Left and right limbs relabelled so that each follows on from the frame before.

    The pose model's side labels swap now and then on a side view, where one side hides the
    other. Each leg (knee, ankle, heel, toe) and each arm (elbow, wrist) is followed by its
    continuity instead; the names left and right are then only the names of two tracks.
    """
    xy, visibility = xy.copy(), visibility.copy()
    for chain in _CHAINS:
        left = [INDEX[f"left_{p}"] for p in chain]
        right = [INDEX[f"right_{p}"] for p in chain]
        both = left + right
        crossed = right + left
        for t in range(1, xy.shape[0]):
            now, before = xy[t], xy[t - 1]
            keep = np.linalg.norm(now[both] - before[both], axis=1).sum()
            swap = np.linalg.norm(now[crossed] - before[both], axis=1).sum()
            if swap < SWAP_MARGIN * keep:
                xy[t, both] = now[crossed].copy()
                visibility[t, both] = visibility[t, crossed].copy()
    return xy, visibility


def leg_length(xy: Array) -> float:
    """Median thigh plus shank length in pixels, over both legs and every frame given."""
    lengths = []
    for side in SIDES:
        hip, knee, ankle = (xy[:, INDEX[f"{side}_{part}"], :] for part in ("hip", "knee", "ankle"))
        lengths.append(np.linalg.norm(hip - knee, axis=1) + np.linalg.norm(knee - ankle, axis=1))
    return float(np.nanmedian(np.concatenate(lengths)))


def still_frames(xy: Array, leg_px: float) -> npt.NDArray[np.bool_]:
    """Frames inside a run of frames where nothing moves: a paused or repeated picture."""
    step = np.linalg.norm(np.diff(xy, axis=0), axis=2)
    quiet = np.nanmax(step, axis=1) < STILL_LEG_LENGTHS * leg_px
    still = np.zeros(xy.shape[0], dtype=bool)
    start = None
    for i, q in enumerate([*quiet.tolist(), False]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            if i - start >= _STILL_RUN:
                still[start : i + 1] = True
            start = None
    return still


def step_period(signal: Array, usable: npt.NDArray[np.bool_], *, min_lag: float) -> float | None:
    """The step period in frames, from the first clear peak of the signal's autocorrelation.

    Only the usable frames count; the peak is refined to a fraction of a frame by a parabola
    through it and its neighbours. None when no lag of at least `min_lag` frames repeats.
    """
    x = np.where(usable, signal, np.nan)
    x = x - np.nanmean(x) if usable.any() else x
    x = np.nan_to_num(x)
    weight = usable.astype(float)
    n = len(x)
    max_lag = n // 3
    lo = int(np.floor(min_lag))
    if max_lag <= lo + 2:
        return None
    corr = np.empty(max_lag + 2)
    for lag in range(max_lag + 2):
        overlap = weight[: n - lag] * weight[lag:]
        count = overlap.sum()
        if count < 3:
            corr[lag] = 0.0
            continue
        a, b = x[: n - lag] * overlap, x[lag:] * overlap
        denom = np.sqrt((a * a).sum() * (b * b).sum())
        corr[lag] = (a * b).sum() / denom if denom > 0 else 0.0
    peaks = [
        lag
        for lag in range(max(lo, 1), max_lag + 1)
        if corr[lag] >= corr[lag - 1] and corr[lag] > corr[lag + 1] and corr[lag] > 0.2
    ]
    if not peaks:
        return None
    best = max(corr[p] for p in peaks)
    # The first peak nearly as high as the best: the step, not the stride (two steps), which
    # an uneven left and right can make slightly higher.
    lag = next(p for p in peaks if corr[p] >= 0.7 * best)
    left, mid, right = corr[lag - 1], corr[lag], corr[lag + 1]
    curvature = left - 2 * mid + right
    shift = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
    return float(lag + np.clip(shift, -0.5, 0.5))


def reject_outliers(
    xy: Array, found: npt.NDArray[np.bool_], leg_px: float, window: int
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Limb points far from their rolling median, replaced by interpolation; and which they were."""
    median = rolling_median(xy, window)
    distance = np.linalg.norm(xy - median, axis=2)
    outlier = (distance > OUTLIER_LEG_LENGTHS * leg_px) & found[:, None]
    trunk = [INDEX[name] for name in LANDMARKS if name.endswith(("hip", "shoulder"))]
    outlier[:, trunk] = False
    cleaned = xy.copy()
    cleaned[outlier] = np.nan
    return fill_gaps(cleaned), outlier


def rolling_median(xy: Array, window: int) -> Array:
    """Centred rolling median along the frames (edges padded with the end values)."""
    if window < 3 or xy.shape[0] < window:
        return xy.copy()
    half = window // 2
    padded = np.concatenate([np.repeat(xy[:1], half, 0), xy, np.repeat(xy[-1:], half, 0)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=0)
    return np.asarray(np.median(windows, axis=-1), dtype=np.float64)


def median_filter(xy: Array, window: int) -> Array:
    """Median smoothing along the frames: removes jitter, keeps the shape of each movement."""
    return rolling_median(xy, window)


def _odd(frames: float) -> int:
    n = max(3, round(frames))
    return n if n % 2 else n + 1
