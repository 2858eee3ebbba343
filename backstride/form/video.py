"""Reading a video for form analysis: what the file says about itself, then its frames one by one.

Decoding is PyAV's (FFmpeg's decoders, bundled in its wheel). Frames are streamed: at any time
only the frame being analysed is in memory, whatever the clip's length. Each frame is
converted to RGB and scaled down in the same pass so its longer side is at most
`ANALYSIS_SIDE_PX`: the pose model crops the runner and resizes the crop to 256 pixels anyway,
so larger frames only cost time (downscaling to 480 pixels changed no measure by more than
0.5 degrees in the project's tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from backstride.errors import VideoInvalid

Frame = npt.NDArray[np.uint8]

ANALYSIS_SIDE_PX = 1280
"""The longer side of the frames drawn on (key frame, overlay) and of the landmarks' pixels."""
POSE_SIDE_PX = 960
"""The longer side of the frames handed to the pose model. It finds the runner on a 224 px
picture and reads the landmarks from a 256 px crop, so larger frames only cost decoding time;
the landmarks are scaled back to `ANALYSIS_SIDE_PX` pixels."""
MAX_PIXELS = 4096 * 2304
"""Larger than 4K UHD (3840x2160) is refused: such frames would cost seconds each."""
MAX_SECONDS = 180.0
"""A form clip is 10-30 seconds of running; longer files are refused rather than ground through."""
MIN_FRAMES = 10
CAPTURE_FPS_TAG = "com.android.capture.fps"
"""Android phones record the capture rate of a slow-motion clip under this metadata key."""
_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "webp_pipe", "gif", "bmp_pipe", "tiff_pipe")


@dataclass(frozen=True, slots=True)
class VideoFile:
    """What the file says about itself."""

    name: str
    fps: float
    frames: int
    """Frames the file declares (estimated from its duration when it does not say)."""
    width: int
    height: int
    rotation: int
    """Degrees the picture must be turned to stand upright (phones store portrait clips so)."""
    slow_motion: float | None
    """How many times slower than real time the clip plays, from its metadata, or None."""

    @property
    def display_size(self) -> tuple[int, int]:
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height

    def analysis_size(self) -> tuple[int, int]:
        """(width, height) of the frames drawn on and of the landmarks' pixels, upright."""
        return self._scaled(ANALYSIS_SIDE_PX)

    def pose_size(self) -> tuple[int, int]:
        """(width, height) of the frames handed to the pose model, upright."""
        return self._scaled(POSE_SIDE_PX)

    def _scaled(self, side: int) -> tuple[int, int]:
        width, height = self.display_size
        scale = min(1.0, side / max(width, height))
        return _even(width * scale), _even(height * scale)


def probe(path: Path) -> VideoFile:
    """What a video file says about itself; `VideoInvalid` in plain words if it is not one."""
    with open_video(path) as (container, stream):
        return _describe(path, container, stream)


def frames(path: Path, video: VideoFile) -> Iterator[Frame]:
    """The clip's frames as upright RGB arrays of `video.analysis_size()`, one at a time.

    A file that ends early or breaks off mid-way stops the frames there: what decoded is kept.
    """
    for _, rgb in timed_frames(path, video):
        yield rgb


def timed_frames(
    path: Path, video: VideoFile, size: tuple[int, int] | None = None
) -> Iterator[tuple[int | None, Frame]]:
    """As `frames` (of `size`, upright, when given), each with its presentation time in the
    stream's time base (None when the file gives none): `frame_at` finds a frame again by it
    without decoding the clip again."""
    with open_video(path) as (container, stream):
        stream.thread_type = "AUTO"
        try:
            for frame in container.decode(stream):
                yield frame.pts, _rgb(frame, video, size)
        except av.error.FFmpegError:
            return


def frame_at(path: Path, video: VideoFile, index: int, pts: int | None) -> Frame | None:
    """The frame `index` of the clip, whose presentation time is `pts`: found by seeking to the
    key frame before it and decoding from there (a fraction of a second of video), or, when
    the file gives no times or the seek misses, by decoding from the start. None if the file
    holds fewer frames."""
    if pts is not None:
        found = _seek_frame(path, video, pts)
        if found is not None:
            return found
    for number, rgb in enumerate(frames(path, video)):
        if number == index:
            return rgb
    return None


def _seek_frame(path: Path, video: VideoFile, pts: int) -> Frame | None:
    with open_video(path) as (container, stream):
        try:
            container.seek(pts, stream=stream, backward=True, any_frame=False)
            for frame in container.decode(stream):
                if frame.pts is None or frame.pts > pts:
                    return None
                if frame.pts == pts:
                    return _rgb(frame, video)
        except av.error.FFmpegError:
            return None
    return None


def _rgb(frame: Any, video: VideoFile, size: tuple[int, int] | None = None) -> Frame:
    """An upright RGB array of `size` (by default `video.analysis_size()`), scaled by
    libswscale as it converts."""
    width, height = size or video.analysis_size()
    if video.rotation % 180:
        width, height = height, width  # scaled before turning upright
    rgb = frame.to_ndarray(format="rgb24", width=width, height=height)
    return _upright(rgb, video.rotation)


@contextmanager
def open_video(path: Path) -> Iterator[tuple[Any, Any]]:
    """The opened container and its video stream, or `VideoInvalid` naming what is wrong."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise VideoInvalid(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise VideoInvalid(f"{name}: the file is empty; choose the video file itself")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, OSError) as exc:
        raise VideoInvalid(
            f"{name}: not a video Backstride can read (damaged, incomplete or another kind of "
            "file); choose an .mp4 or .mov straight from the phone's camera"
        ) from exc
    try:
        if container.format.name in _IMAGE_FORMATS or not container.streams.video:
            raise VideoInvalid(
                f"{name}: holds no video (a picture or sound only); choose a video of your running"
            )
        yield container, container.streams.video[0]
    finally:
        container.close()


def _describe(path: Path, container: Any, stream: Any) -> VideoFile:
    name = path.name
    width, height = int(stream.codec_context.width), int(stream.codec_context.height)
    if width <= 0 or height <= 0:
        raise VideoInvalid(f"{name}: the video has no picture size; it may be damaged")
    if width * height > MAX_PIXELS:
        raise VideoInvalid(
            f"{name}: the picture is {width}x{height}, larger than Backstride analyses (up to "
            "4K, 3840x2160); export the clip at 1080p or 720p and try again"
        )
    rate = stream.average_rate or stream.base_rate or stream.guessed_rate
    fps = float(rate) if rate else 0.0
    if not 1.0 <= fps <= 1000.0:
        raise VideoInvalid(f"{name}: the video gives no usable frame rate; it may be damaged")
    seconds = _seconds(container, stream)
    frames = int(stream.frames) or round(seconds * fps)
    if frames < MIN_FRAMES:
        raise VideoInvalid(
            f"{name}: only {frames} frames, not a video of running; film 10 to 20 seconds"
        )
    if seconds > MAX_SECONDS:
        raise VideoInvalid(
            f"{name}: {seconds / 60:.0f} minutes long; cut 10 to 30 seconds of steady running "
            "and analyse that"
        )
    return VideoFile(
        name,
        fps,
        frames,
        width,
        height,
        _rotation(container, stream),
        _slow_motion(container, stream, fps),
    )


def _seconds(container: Any, stream: Any) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return float(container.duration) / av.time_base
    return 0.0


def _slow_motion(container: Any, stream: Any, fps: float) -> float | None:
    """The slow-motion factor the metadata gives: capture rate over playback rate."""
    for metadata in (stream.metadata, container.metadata):
        value = metadata.get(CAPTURE_FPS_TAG)
        if value is None:
            continue
        try:
            capture = float(value)
        except ValueError:
            continue
        if capture > 0 and fps > 0:
            factor = capture / fps
            return round(factor, 3) if factor > 1.05 else 1.0
    return None


def _rotation(container: Any, stream: Any) -> int:
    """Rotation from the stream's display matrix (or the old 'rotate' tag), in degrees."""
    tag = stream.metadata.get("rotate")
    if tag is not None:
        try:
            return int(tag) % 360
        except ValueError:
            return 0
    try:
        for frame in container.decode(stream):
            return round(-float(frame.rotation)) % 360
    except (av.error.FFmpegError, AttributeError):
        return 0
    return 0


def _upright(rgb: Frame, rotation: int) -> Frame:
    turns = {90: -1, 180: 2, 270: 1}.get(rotation, 0)
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
