"""The pose model: where the runner's landmarks are in each frame.

`PoseEstimator` is the one interface the rest of Backstride knows, so another model can take
MediaPipe's place. `MediaPipePose` runs BlazePose GHUM (full) from mediapipe 0.10.21, whose wheel
ships the model files: nothing is downloaded, and the video never leaves the machine. It runs in
video mode (tracking the runner from frame to frame, the detector only when tracking is lost).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Protocol

import numpy as np

from backstride.errors import PoseModelMissing
from backstride.form.track import LANDMARKS, Array
from backstride.form.video import Frame

#: Our landmarks by their index among BlazePose's 33.
BLAZEPOSE_INDEX: dict[str, int] = {
    "nose": 0,
    "left_ear": 7,
    "right_ear": 8,
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_elbow": 13,
    "right_elbow": 14,
    "left_wrist": 15,
    "right_wrist": 16,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
    "left_heel": 29,
    "right_heel": 30,
    "left_toe": 31,
    "right_toe": 32,
}
_ORDER = [BLAZEPOSE_INDEX[name] for name in LANDMARKS]


class PoseEstimator(Protocol):
    """Finds one runner's landmarks in a frame of a video, frame after frame."""

    name: str

    def estimate(self, rgb: Frame) -> tuple[Array, Array] | None:
        """The landmarks of `LANDMARKS` in this frame: (n, 2) pixels and (n,) visibility from 0
        to 1; None when no runner is found. Frames come in the clip's order."""
        ...

    def close(self) -> None:
        """Free the model."""
        ...


class MediaPipePose:
    """BlazePose GHUM full (mediapipe 0.10.21's bundled model) in video mode."""

    name = "mediapipe-blazepose-full-0.10.21"

    def __init__(self) -> None:
        solution = _pose_solution()
        with _quiet_native_logs():
            self._pose = solution.Pose(
                static_image_mode=False,
                model_complexity=1,
                smooth_landmarks=True,
                enable_segmentation=False,
                min_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
        self._started = False

    def estimate(self, rgb: Frame) -> tuple[Array, Array] | None:
        if not self._started:
            # The graph logs its start-up lines while it runs the first frame.
            self._started = True
            with _quiet_native_logs():
                result = self._pose.process(rgb)
        else:
            result = self._pose.process(rgb)
        landmarks = result.pose_landmarks
        if landmarks is None:
            return None
        height, width = rgb.shape[:2]
        points = landmarks.landmark
        xy = np.array([(points[i].x * width, points[i].y * height) for i in _ORDER])
        visibility = np.array([points[i].visibility for i in _ORDER])
        return xy, visibility

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _pose_solution() -> Any:
    # MediaPipe's native code logs through glog; keep its start-up lines off the runner's screen.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        from mediapipe.python.solutions import pose
    except ImportError as exc:
        raise PoseModelMissing(
            "The pose model for form analysis is not installed (mediapipe 0.10.21 with its "
            f"bundled BlazePose model; {exc}); run `make install` and try again"
        ) from exc
    return pose


@contextmanager
def _quiet_native_logs() -> Iterator[None]:
    """Silence what the model's native code writes straight to file descriptor 2 while it
    starts (TensorFlow Lite's delegate line, glog warnings); Python's own errors still show."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
