"""A runner's pose through a clip, as keypoint arrays: the input of the pure analysis.

The pose model (see `backstride.form.pose`) gives, for each frame, the pixel position and the
visibility of the landmarks below; frames where no runner was found hold NaN. Everything from
here on (cleaning, steps, metrics, quality, findings) works on these arrays alone: no video, no
model, no I/O, so it can be tested on synthetic gaits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

#: The landmarks the analysis uses, in array order. Left and right are the pose model's labels,
#: which swap now and then on a side view: the analysis never trusts them to name a leg.
LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_toe",
    "right_toe",
)
INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARKS)}
LEG_LANDMARKS: tuple[str, ...] = tuple(
    f"{side}_{part}" for side in SIDES for part in ("knee", "ankle", "heel", "toe")
)
ARM_LANDMARKS: tuple[str, ...] = tuple(
    f"{side}_{part}" for side in SIDES for part in ("elbow", "wrist")
)


@dataclass(frozen=True, slots=True)
class PoseTrack:
    """Landmarks frame by frame: `xy` (frames, landmarks, 2) in pixels, x right and y down,
    NaN where no runner was found; `visibility` (frames, landmarks) from 0 to 1."""

    xy: Array
    visibility: Array
    fps: float
    width: int
    height: int

    def __post_init__(self) -> None:
        frames = self.xy.shape[0]
        if self.xy.shape != (frames, len(LANDMARKS), 2):
            raise ValueError(f"xy must be (frames, {len(LANDMARKS)}, 2), got {self.xy.shape}")
        if self.visibility.shape != (frames, len(LANDMARKS)):
            raise ValueError(f"visibility must be (frames, {len(LANDMARKS)})")
        if not self.fps > 0:
            raise ValueError("fps must be positive")

    @property
    def frames(self) -> int:
        return int(self.xy.shape[0])

    def point(self, name: str) -> Array:
        """One landmark through the clip, (frames, 2)."""
        return self.xy[:, INDEX[name], :]

    def found(self) -> npt.NDArray[np.bool_]:
        """The frames where a runner was found (both hips present)."""
        hips = self.xy[:, [INDEX["left_hip"], INDEX["right_hip"]], :]
        return np.asarray(~np.isnan(hips).any(axis=(1, 2)), dtype=np.bool_)


class TrackBuilder:
    """Collects one frame's landmarks at a time into a `PoseTrack` (amortised growth, so a clip
    of any length costs only its keypoints, never its frames)."""

    def __init__(self, *, fps: float, width: int, height: int, expected_frames: int = 0) -> None:
        self._fps, self._width, self._height = fps, width, height
        size = max(expected_frames, 64)
        self._xy = np.full((size, len(LANDMARKS), 2), np.nan)
        self._vis = np.zeros((size, len(LANDMARKS)))
        self._count = 0

    def add(self, xy: Array | None, visibility: Array | None) -> None:
        """Add the next frame: (landmarks, 2) pixels and (landmarks,) visibility, or None."""
        if self._count == self._xy.shape[0]:
            grow = self._xy.shape[0]
            self._xy = np.concatenate([self._xy, np.full_like(self._xy[:grow], np.nan)])
            self._vis = np.concatenate([self._vis, np.zeros_like(self._vis[:grow])])
        if xy is not None and visibility is not None:
            self._xy[self._count] = xy
            self._vis[self._count] = visibility
        self._count += 1

    def build(self) -> PoseTrack:
        n = self._count
        return PoseTrack(
            self._xy[:n].copy(), self._vis[:n].copy(), self._fps, self._width, self._height
        )
