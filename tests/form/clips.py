"""Small video files made at test time, and a stand-in pose model that "sees" a synthetic gait.

The clips are plain moving pictures (no person in them): the stand-in model gives the landmarks
of a synthetic runner for each frame it is handed, so the whole pipeline (decode, pose, analysis,
key frame, storage, command line) runs without the real model or any real video.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from backstride.form.track import PoseTrack

from .synthetic import HEIGHT, WIDTH


def make_clip(
    path: Path,
    *,
    frames: int,
    fps: int = 60,
    size: tuple[int, int] = (320, 180),
    key_frame_every: int | None = None,
) -> Path:
    """An H.264 .mp4 of `frames` frames: a gradient sliding sideways (a key frame every
    `key_frame_every` frames when given, as a phone writes about one a second)."""
    width, height = size
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if key_frame_every is not None:
            stream.options = {"g": str(key_frame_every), "keyint_min": str(key_frame_every)}
        x = np.linspace(0, 255, width, dtype=np.float32)
        for i in range(frames):
            row = ((x + 3 * i) % 256).astype(np.uint8)
            rgb = np.repeat(np.repeat(row[None, :, None], height, 0), 3, 2)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


class ScriptedPose:
    """A pose model that answers with the next frame of a synthetic track, scaled to the frame."""

    name = "scripted"
    track: PoseTrack | None = None
    closed = 0

    def __init__(self) -> None:
        if ScriptedPose.track is None:
            raise RuntimeError("set ScriptedPose.track first")
        self._track = ScriptedPose.track
        self._index = 0

    def estimate(self, rgb):
        i = self._index
        self._index += 1
        if i >= self._track.frames or np.isnan(self._track.xy[i]).any():
            return None
        height, width = rgb.shape[:2]
        scale = np.array([width / WIDTH, height / HEIGHT])
        return self._track.xy[i] * scale, self._track.visibility[i]

    def close(self) -> None:
        ScriptedPose.closed += 1
