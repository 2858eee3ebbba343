"""Running-form analysis as a use case: analyse a clip, keep the result, hand it to assessments.

```python
result = analyse_video(Path("run.mp4"), slow_motion=None, progress=print)
if result.usable:
    save_form_result(record, result, keep_video=False)
```
The video is read on this machine and never sent anywhere; only the result document and one
key-frame picture are kept, and the video itself only when the runner asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backstride.errors import InputInvalid, VideoInvalid
from backstride.form.evidence import FormEvidence, FormFinding
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.load import runner_zone
from backstride.services.record import Record
from backstride.store import MAX_KEPT_VIDEO_BYTES, FormAnalysisRecord, repo

if TYPE_CHECKING:
    from backstride.form.analysis import FormAnalysis, TimeBase

__all__ = [
    "FormEvidence",
    "FormResult",
    "analyse_video",
    "check_slow_motion",
    "form_analysis",
    "form_evidence",
    "form_key_frame",
    "latest_form_analysis",
    "latest_form_evidence",
    "save_form_result",
]

Progress = Callable[[int, int], None]

SLOW_MOTION_RANGE = (1.0, 64.0)


@dataclass(frozen=True, slots=True)
class FormResult:
    """One analysed clip: the analysis, its JSON document and the key-frame JPEG."""

    analysis: FormAnalysis
    document: dict[str, Any]
    key_frame: bytes | None

    @property
    def usable(self) -> bool:
        return self.analysis.quality.usable


def check_slow_motion(factor: float | None) -> float | None:
    """A slow-motion factor as given by the runner, or `InputInvalid` saying what is allowed."""
    low, high = SLOW_MOTION_RANGE
    if factor is not None and not low <= factor <= high:
        raise InputInvalid(
            f"--slow-motion {factor:g}: give how many times slower than real time the clip plays, "
            f"from {low:g} (a normal clip) to {high:g}, e.g. 4 for a 120 fps clip played at 30"
        )
    return factor


def analyse_video(
    path: Path,
    *,
    slow_motion: float | None = None,
    progress: Progress | None = None,
    knowledge: KnowledgeBase | None = None,
    estimator: Any = None,
) -> FormResult:
    """Analyse a side-view clip of a runner: decode, pose, measures, quality gates, findings.

    `VideoInvalid` (bad input) when the file is not a video Backstride can read. `estimator`
    is a `PoseEstimator`; by default MediaPipe's BlazePose.
    """
    # Imported here: numpy, decoding and the pose model are heavy, and only this use case needs
    # them (an assessment reads a kept analysis without them).
    from backstride.form.analysis import VideoInfo, analyse, analysis_document
    from backstride.form.drawing import key_frame_jpeg
    from backstride.form.pose import MediaPipePose
    from backstride.form.tracking import track_runner
    from backstride.form.video import probe

    kb = knowledge or load_knowledge()
    video = probe(path)
    factor, time_base = _time_base(check_slow_motion(slow_motion), video.slow_motion)
    pose = estimator if estimator is not None else MediaPipePose()
    try:
        tracked = track_runner(path, video, pose, progress=progress)
    finally:
        pose.close()
    if tracked.ended_early:
        raise VideoInvalid(
            f"{path.name}: the video stops after {tracked.track.frames} of the {video.frames} "
            "frames it declares, so it is damaged or was cut short while copying; copy it again "
            "from the phone"
        )
    width, height = video.display_size
    info = VideoInfo(path.name, video.fps, tracked.track.frames, width, height, factor, time_base)
    analysis = analyse(tracked.track, info, kb)
    document = analysis_document(analysis, kb)
    key_frame = key_frame_jpeg(path, video, analysis, tracked.times)
    return FormResult(analysis, document, key_frame)


def _time_base(given: float | None, metadata: float | None) -> tuple[float | None, TimeBase]:
    if given is not None:
        return given, "given"
    if metadata is not None:
        return metadata, "metadata"
    return None, "unknown"


def save_form_result(
    record: Record, result: FormResult, *, video: bytes | None = None
) -> FormAnalysisRecord:
    """Keep a usable analysis in the runner's record, with the video when given."""
    if not result.usable:
        raise InputInvalid("an unusable clip is not kept; film again as the report says")
    if video is not None and len(video) > MAX_KEPT_VIDEO_BYTES:
        raise InputInvalid(
            f"the video is {len(video) / 1e6:.0f} MB, more than Backstride keeps "
            f"({MAX_KEPT_VIDEO_BYTES / 1e6:.0f} MB); analyse it without keeping the video"
        )
    with record.session() as session:
        return repo.save_form_analysis(
            session=session,
            runner_id=record.runner.id,
            file_name=result.document["video"]["file"],
            document=result.document,
            key_frame=result.key_frame,
            video=video,
        )


def latest_form_analysis(record: Record) -> FormAnalysisRecord | None:
    """The runner's most recent kept analysis, or None."""
    with record.session() as session:
        return repo.latest_form_analysis(session=session, runner_id=record.runner.id)


def form_key_frame(record: Record, analysis_id: int) -> bytes | None:
    """The key-frame JPEG of one of the runner's analyses, or None."""
    with record.session() as session:
        media = repo.form_analysis_media(
            session=session, runner_id=record.runner.id, analysis_id=analysis_id
        )
    return media[0] if media is not None else None


def latest_form_evidence(record: Record) -> FormEvidence | None:
    """The findings of the runner's latest usable analysis, for the next assessment, dated on
    the runner's own day."""
    with record.store.single_read() as session:
        latest = repo.latest_form_analysis(
            session=session, runner_id=record.runner.id, usable_only=True
        )
    return form_evidence(latest, zone=runner_zone(record)) if latest is not None else None


def form_evidence(stored: FormAnalysisRecord, *, zone: tzinfo = UTC) -> FormEvidence:
    """A kept analysis as the evidence an assessment takes, dated on the day it was made in
    `zone` (give the runner's: `services.load.runner_zone`)."""
    findings = tuple(
        FormFinding(
            f["id"],
            f["name"],
            f["evidence"],
            f.get("advice", ""),
            tuple(f["cues"]),
            tuple(f["sources"]),
        )
        for f in stored.document.get("findings", [])
    )
    return FormEvidence(stored.created_at.astimezone(zone).date(), findings)


def form_analysis(record: Record, analysis_id: int) -> FormAnalysisRecord | None:
    """One of the runner's kept analyses by its id, or None (none such, or someone else's)."""
    with record.session() as session:
        return repo.get_form_analysis(
            session=session, runner_id=record.runner.id, analysis_id=analysis_id
        )
