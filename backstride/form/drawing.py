"""Drawing what was measured on the runner's own frames: the skeleton, the landings, the angles.

Used for the overlay video (`backstride form --overlay`) and the key-frame picture at a landing.
Drawing is OpenCV's (the headless build the pose model needs anyway); writing the overlay video
is PyAV's H.264 encoder, so any phone or browser plays it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from backstride.form.analysis import FormAnalysis
from backstride.form.metrics import shank_angle_deg
from backstride.form.track import INDEX, SIDES, Array
from backstride.form.video import Frame, VideoFile, frame_at, frames

_BONES = [
    (f"{s}_{a}", f"{s}_{b}")
    for s in SIDES
    for a, b in (
        ("shoulder", "elbow"),
        ("elbow", "wrist"),
        ("shoulder", "hip"),
        ("hip", "knee"),
        ("knee", "ankle"),
        ("ankle", "heel"),
        ("heel", "toe"),
        ("ankle", "toe"),
    )
] + [("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")]
_NEAR, _FAR = (0, 200, 255), (150, 150, 150)
_MARK, _TEXT, _SHADOW = (255, 60, 60), (255, 255, 255), (0, 0, 0)
_JPEG_QUALITY = 85
_LANDING_SHOWN_FRAMES = 0.25
"""How long a landing stays marked in the overlay, in step periods."""


def draw_frame(rgb: Frame, analysis: FormAnalysis, index: int) -> Frame:
    """The frame with the skeleton, and at a landing the heel-to-hip line and the shin angle."""
    canvas = rgb.copy()
    track = analysis.track
    xy = track.xy[index]
    if np.isnan(xy).any() or not track.moving.any():
        return _caption(canvas, analysis, landing=None)
    scale = max(2, round(min(canvas.shape[:2]) / 300))
    near = analysis.metrics.elbow_side if analysis.metrics else "left"
    for a, b in _BONES:
        colour = _NEAR if a.startswith(str(near)) else _FAR
        cv2.line(canvas, _pt(xy[INDEX[a]]), _pt(xy[INDEX[b]]), colour, scale, cv2.LINE_AA)
    for point in xy:
        cv2.circle(canvas, _pt(point), scale + 1, _TEXT, -1, cv2.LINE_AA)
    landing = _landing_near(analysis, index)
    if landing is not None:
        _draw_landing(canvas, analysis, landing, scale)
    return _caption(canvas, analysis, landing)


def key_frame_jpeg(
    path: Path,
    video: VideoFile,
    analysis: FormAnalysis,
    times: Sequence[int | None] = (),
) -> bytes | None:
    """The key landing drawn on its frame, as JPEG bytes; None without a landing.

    `times` are the frames' presentation times from the analysis's pass (`Tracked.times`):
    with them the frame is found by seeking, without decoding the clip a second time.
    """
    index = analysis.key_frame
    if index is None:
        return None
    pts = times[index] if index < len(times) else None
    rgb = frame_at(path, video, index, pts)
    if rgb is None:
        return None
    drawn = draw_frame(rgb, analysis, index)
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY]
    )
    return bytes(data.tobytes()) if ok else None


def write_overlay(
    path: Path,
    video: VideoFile,
    analysis: FormAnalysis,
    out: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the clip with what was measured drawn on every frame (H.264 .mp4)."""
    width, height = video.analysis_size()
    rate = Fraction(video.fps).limit_denominator(1001)
    with av.open(str(out), mode="w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast"}
        for index, rgb in enumerate(frames(path, video)):
            drawn = draw_frame(rgb, analysis, min(index, analysis.track.xy.shape[0] - 1))
            frame = av.VideoFrame.from_ndarray(drawn, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
            if progress is not None:
                progress(index + 1, video.frames)
        for packet in stream.encode():
            container.mux(packet)


def _landing_near(analysis: FormAnalysis, index: int) -> int | None:
    if analysis.metrics is None or analysis.track.step_period_frames is None:
        return None
    shown = _LANDING_SHOWN_FRAMES * analysis.track.step_period_frames
    for i, step in enumerate(analysis.metrics.steps):
        if 0 <= index - step.frame <= shown:
            return i
    return None


def _draw_landing(canvas: Frame, analysis: FormAnalysis, landing: int, scale: int) -> None:
    if analysis.metrics is None:
        return
    step = analysis.metrics.steps[landing]
    xy = analysis.track.xy[step.frame]
    heel = xy[INDEX[f"{step.side}_heel"]]
    knee, ankle = xy[INDEX[f"{step.side}_knee"]], xy[INDEX[f"{step.side}_ankle"]]
    hip = (xy[INDEX["left_hip"]] + xy[INDEX["right_hip"]]) / 2
    # The vertical through the hips and the heel ahead of it: the overstride.
    cv2.line(canvas, _pt((hip[0], hip[1])), _pt((hip[0], heel[1])), _MARK, scale, cv2.LINE_AA)
    cv2.line(canvas, _pt((hip[0], heel[1])), _pt(heel), _MARK, scale * 2, cv2.LINE_AA)
    cv2.line(canvas, _pt(knee), _pt((knee[0], ankle[1])), _TEXT, max(1, scale // 2), cv2.LINE_AA)
    cv2.line(canvas, _pt(knee), _pt(ankle), _MARK, scale * 2, cv2.LINE_AA)
    cv2.circle(canvas, _pt(heel), scale * 4, _MARK, scale, cv2.LINE_AA)
    forward = 1 if analysis.facing == "right" else -1
    angle = float(shank_angle_deg(knee, ankle, forward))
    _text(canvas, f"shin {angle:.0f} deg", _pt((ankle[0] + 12 * scale, ankle[1])), scale)
    _text(canvas, "LANDING", _pt((heel[0] - 20 * scale, heel[1] + 18 * scale)), scale)


def _caption(canvas: Frame, analysis: FormAnalysis, landing: int | None) -> Frame:
    m = analysis.metrics
    lines = []
    if m is not None:
        if m.cadence_spm is not None:
            lines.append(f"cadence {m.cadence_spm:.0f} steps/min")
        if m.shank_angle_deg is not None and m.heel_ahead_leg_lengths is not None:
            lines.append(
                f"landing: shin {m.shank_angle_deg:.0f} deg, heel {m.heel_ahead_leg_lengths:.2f} "
                "leg ahead of hips"
            )
        if m.trunk_lean_deg is not None:
            lines.append(f"trunk lean {m.trunk_lean_deg:.0f} deg ({m.trunk_lean})")
    if not analysis.quality.usable:
        lines.append("clip not usable: see the report")
    scale = max(2, round(min(canvas.shape[:2]) / 300))
    if lines:
        # A dark band behind the captions keeps them readable on any background.
        band = canvas[: (12 * len(lines) + 6) * scale].astype(np.float32)
        canvas[: band.shape[0]] = (band * 0.35).astype(np.uint8)
    y = 14 * scale
    for line in lines:
        _text(canvas, line, (8 * scale, y), scale)
        y += 12 * scale
    return canvas


def _text(canvas: Frame, text: str, origin: tuple[int, int], scale: int) -> None:
    size = 0.35 * scale
    cv2.putText(
        canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, size, _SHADOW, scale + 2, cv2.LINE_AA
    )
    cv2.putText(
        canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, size, _TEXT, max(1, scale // 2), cv2.LINE_AA
    )


def _pt(point: tuple[float, float] | Array) -> tuple[int, int]:
    return round(float(point[0])), round(float(point[1]))
