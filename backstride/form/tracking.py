"""Following the runner through a clip: decode each frame, find the landmarks, keep only those."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backstride.form.pose import PoseEstimator
from backstride.form.track import PoseTrack, TrackBuilder
from backstride.form.video import VideoFile, frames

Progress = Callable[[int, int], None]
"""Called after each frame with (frames done, frames expected)."""


@dataclass(frozen=True, slots=True)
class Tracked:
    track: PoseTrack
    ended_early: bool
    """The file stopped decoding before the frames it declares (damaged or cut short)."""


def track_runner(
    path: Path, video: VideoFile, estimator: PoseEstimator, *, progress: Progress | None = None
) -> Tracked:
    """The runner's landmarks in every frame of the clip, streamed: memory holds one frame."""
    width, height = video.analysis_size()
    builder = TrackBuilder(fps=video.fps, width=width, height=height, expected_frames=video.frames)
    done = 0
    for rgb in frames(path, video):
        found = estimator.estimate(rgb)
        builder.add(*(found if found is not None else (None, None)))
        done += 1
        if progress is not None:
            progress(done, max(done, video.frames))
    track = builder.build()
    # Files often declare a frame or two more than they hold; more than 5% missing is damage.
    return Tracked(track, ended_early=done < 0.95 * video.frames)
