"""Following the runner through a clip: decode each frame, find the landmarks, keep only those.

Decoding runs on a thread of its own, a few frames ahead of the pose model, so that the two
use both cores (the model runs on one; PyAV's decoder and libswscale let go of the GIL while
they work). The frames in between wait in a queue of `FRAMES_AHEAD`: memory stays bounded
whatever the clip's length.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from backstride.form.pose import PoseEstimator
from backstride.form.track import PoseTrack, TrackBuilder
from backstride.form.video import Frame, VideoFile, timed_frames

Progress = Callable[[int, int], None]
"""Called after each frame with (frames done, frames expected)."""

FRAMES_AHEAD = 4
"""Decoded frames that may wait for the pose model (about 0.7 MB each at 640x360)."""
_WAIT_S = 0.1


@dataclass(frozen=True, slots=True)
class Tracked:
    track: PoseTrack
    ended_early: bool
    """The file stopped decoding before the frames it declares (damaged or cut short)."""
    times: tuple[int | None, ...] = ()
    """Each frame's presentation time in the file, to find one again (`video.frame_at`)."""


def track_runner(
    path: Path, video: VideoFile, estimator: PoseEstimator, *, progress: Progress | None = None
) -> Tracked:
    """The runner's landmarks in every frame of the clip, streamed: memory holds a few frames.

    The model sees frames of `video.pose_size()`; its landmarks are kept in the pixels of
    `video.analysis_size()`, the frames the key frame and the overlay are drawn on.
    """
    width, height = video.analysis_size()
    pose_width, pose_height = video.pose_size()
    to_analysis = np.array([width / pose_width, height / pose_height])
    builder = TrackBuilder(fps=video.fps, width=width, height=height, expected_frames=video.frames)
    times: list[int | None] = []
    with decoded_ahead(path, video, video.pose_size()) as decoded:
        for pts, rgb in decoded:
            found = estimator.estimate(rgb)
            if found is None:
                builder.add(None, None)
            else:
                builder.add(found[0] * to_analysis, found[1])
            times.append(pts)
            if progress is not None:
                progress(len(times), max(len(times), video.frames))
    track = builder.build()
    # Files often declare a frame or two more than they hold; more than 5% missing is damage.
    done = len(times)
    return Tracked(track, ended_early=done < 0.95 * video.frames, times=tuple(times))


_END = object()


@contextmanager
def decoded_ahead(
    path: Path, video: VideoFile, size: tuple[int, int] | None = None, ahead: int = FRAMES_AHEAD
) -> Iterator[Iterator[tuple[int | None, Frame]]]:
    """`timed_frames(path, video, size)`, decoded on another thread at most `ahead` frames ahead of
    the reader. An error while decoding is raised to the reader; leaving the block early stops
    the decoding thread and waits for it."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=_WAIT_S)
                return True
            except queue.Full:
                continue
        return False

    def decode() -> None:
        try:
            for item in timed_frames(path, video, size):
                if not put(item):
                    return
        except BaseException as exc:  # handed to the reader, which raises it
            put(exc)
            return
        put(_END)

    def read() -> Iterator[tuple[int | None, Frame]]:
        while True:
            item = waiting.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast("tuple[int | None, Frame]", item)

    thread = threading.Thread(target=decode, name="backstride-decode", daemon=True)
    thread.start()
    try:
        yield read()
    finally:
        stop.set()
        thread.join()
