"""One form analysis from a pose track: cleaning, contacts, metrics, quality, findings. Pure.

`analyse` takes the keypoints of a clip and what the file says about itself, and returns
everything Backstride concludes; `analysis_document` writes it as the JSON of DESIGN.md ("Form
analysis"). Nothing here reads a file, a model or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from backstride.form.cleaning import CleanTrack, clean_track
from backstride.form.findings import FormFinding, find_form_findings
from backstride.form.metrics import RUNNING_CADENCE_SPM, FormMetrics, measure
from backstride.form.quality import Quality, judge_quality
from backstride.form.steps import Facing, facing, find_contacts
from backstride.form.track import PoseTrack
from backstride.knowledge.models import KnowledgeBase

SCHEMA_VERSION = 1
TimeBase = Literal["metadata", "given", "assumed", "unknown"]


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the file says about itself, and how much slower than real time it plays."""

    file: str
    fps: float
    frames: int
    width: int
    height: int
    slow_motion: float | None = None
    """From the file's metadata or the runner; None when neither says."""
    time_base: TimeBase = "unknown"

    @property
    def seconds(self) -> float:
        return self.frames / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True, slots=True)
class FormAnalysis:
    video: VideoInfo
    facing: Facing | None
    quality: Quality
    metrics: FormMetrics | None
    findings: tuple[FormFinding, ...]
    key_frame: int | None
    """The landing shown as the key frame: the one whose shin angle is nearest the median."""
    track: CleanTrack


def analyse(track: PoseTrack, video: VideoInfo, knowledge: KnowledgeBase) -> FormAnalysis:
    """Analyse a clip's keypoints. Same keypoints, same analysis."""
    clean = clean_track(track)
    if clean.step_period_frames is None:
        quality = judge_quality(track, clean, None, slow_motion=video.slow_motion)
        return FormAnalysis(video, None, quality, None, (), None, clean)
    side, forward = facing(clean)
    contacts = find_contacts(clean, forward)
    video = _time_base(video, clean, contacts, forward, track.fps)
    metrics = measure(clean, contacts, forward, fps=track.fps, slow_motion=video.slow_motion)
    quality = judge_quality(track, clean, metrics, slow_motion=video.slow_motion)
    findings = find_form_findings(metrics, knowledge) if quality.usable else ()
    return FormAnalysis(video, side, quality, metrics, findings, _key_frame(metrics), clean)


def _time_base(
    video: VideoInfo, clean: CleanTrack, contacts: Any, forward: int, fps: float
) -> VideoInfo:
    """A clip the file and the runner say nothing about plays in real time when its cadence
    is a running cadence; otherwise its time base stays unknown (no cadence)."""
    if video.slow_motion is not None:
        return video
    probe = measure(clean, contacts, forward, fps=fps, slow_motion=None)
    low, high = RUNNING_CADENCE_SPM
    if probe.cadence_file_spm is not None and low <= probe.cadence_file_spm <= high:
        return replace(video, slow_motion=1.0, time_base="assumed")
    return video


def _key_frame(metrics: FormMetrics) -> int | None:
    if not metrics.steps or metrics.shank_angle_deg is None:
        return None
    median = metrics.shank_angle_deg
    return min(metrics.steps, key=lambda s: abs(s.shank_angle_deg - median)).frame


def analysis_document(analysis: FormAnalysis, knowledge: KnowledgeBase) -> dict[str, Any]:
    """The analysis as the JSON document of contract version 1."""
    video, quality, m = analysis.video, analysis.quality, analysis.metrics
    return {
        "schema_version": SCHEMA_VERSION,
        "video": {
            "file": video.file,
            "fps": round(video.fps, 3),
            "frames": video.frames,
            "seconds": round(video.seconds, 2),
            "width": video.width,
            "height": video.height,
            "slow_motion": video.slow_motion,
            "time_base": video.time_base,
        },
        "view": quality.view,
        "facing": analysis.facing,
        "quality": {
            "usable": quality.usable,
            "frames_with_runner": round(quality.frames_with_runner, 3),
            "steps": quality.steps,
            "problems": [p.text for p in quality.problems],
            "problem_ids": [p.id for p in quality.problems],
        },
        "metrics": _metrics_document(m) if m is not None else None,
        "findings": [
            {
                "id": f.id,
                "name": f.name,
                "evidence": f.evidence,
                "advice": f.advice,
                "cues": list(f.cues),
                "sources": list(f.sources),
            }
            for f in analysis.findings
        ],
        "key_frame": analysis.key_frame,
        "disclaimer": knowledge.disclaimer,
    }


def _metrics_document(m: FormMetrics) -> dict[str, Any]:
    return {
        "cadence_spm": _round(m.cadence_spm, 1),
        "cadence_file_spm": _round(m.cadence_file_spm, 1),
        "step_time_cv": _round(m.step_time_cv, 3),
        "overstride": {
            "heel_ahead_leg_lengths": _round(m.heel_ahead_leg_lengths, 2),
            "shank_angle_deg": _round(m.shank_angle_deg, 1),
        },
        "trunk_lean_deg": _round(m.trunk_lean_deg, 1),
        "trunk_lean": {
            "category": m.trunk_lean,
            "change_deg": _round(m.trunk_lean_change_deg, 1),
            "trend": m.trunk_lean_trend,
        },
        "elbow_angle_deg": _round(m.elbow_angle_deg, 1),
        "head_forward": m.head_forward,
        "head_forward_deg": _round(m.head_forward_deg, 1),
        "vertical_oscillation_leg_lengths": _round(m.vertical_oscillation_leg_lengths, 3),
        "approximate": ["vertical_oscillation_leg_lengths"],
        "steps": [
            {
                "frame": s.frame,
                "heel_ahead_leg_lengths": round(s.heel_ahead_leg_lengths, 3),
                "shank_angle_deg": round(s.shank_angle_deg, 1),
            }
            for s in m.steps
        ],
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
