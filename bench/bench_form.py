"""Benchmark: running-form analysis of a video, end to end and the pose model alone.

Run with `make bench` (or `.venv/bin/python bench/bench_form.py`), under the CPU lock on a
shared machine. Two clips are made in a temporary folder from the shared development clip
(../shared/data/video, never copied into the repository): 1920x1080 at 60 fps (each frame
written twice) and 1280x720 at 30 fps. For each: frames per second end to end (PyAV decode,
MediaPipe BlazePose full in video mode, the analysis and the key frame), peak memory of that
process (its own VmHWM, not what it inherited from this one), then decode alone and the pose
model alone on the same frames. Aim: at least 40 fps end
to end on a 2-core machine, so a 10 s clip at 60 fps takes under 15 s.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "../shared/data/video/track_side_slowmo_screenrec.mp4").resolve()
CLIPS = {"1080p60": ((1920, 1080), 60, 2), "720p30": ((1280, 720), 30, 1)}
AIM_FPS = 40.0

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from backstride.services.form import analyse_video

def peak_mb():
    # VmHWM is this process's own peak resident memory since it started this program;
    # ru_maxrss would also count what the benchmark's process held when it forked this one.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path = Path(sys.argv[1])
started = time.perf_counter()
result = analyse_video(path)
seconds = time.perf_counter() - started
print(json.dumps({"frames": result.document["video"]["frames"], "seconds": seconds,
                  "peak_mb": peak_mb()}))
"""


def make_clip(out: Path, size: tuple[int, int], fps: int, repeat: int) -> Path:
    """The shared clip rescaled to `size`, each frame written `repeat` times, at `fps`."""
    width, height = size
    with av.open(str(SOURCE)) as source, av.open(str(out), mode="w") as target:
        stream = target.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "20", "preset": "veryfast"}
        for frame in source.decode(video=0):
            scaled = frame.reformat(width=width, height=height, format="yuv420p")
            for _ in range(repeat):
                copy = av.VideoFrame.from_ndarray(scaled.to_ndarray(), format="yuv420p")
                for packet in stream.encode(copy):
                    target.mux(packet)
        for packet in stream.encode():
            target.mux(packet)
    return out


def end_to_end(path: Path) -> dict[str, float]:
    """In a fresh process, so that its peak memory is the analysis's own."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def decode_and_pose(path: Path) -> tuple[float, float]:
    """(decode alone, pose model alone) in frames per second, on the frames the analysis sees."""
    from backstride.form.pose import MediaPipePose
    from backstride.form.video import frames, probe

    video = probe(path)
    started = time.perf_counter()
    decoded = list(frames(path, video))
    decode_fps = len(decoded) / (time.perf_counter() - started)
    with MediaPipePose() as pose:
        pose.estimate(decoded[0])  # the graph starts on the first frame
        started = time.perf_counter()
        for rgb in decoded[1:]:
            pose.estimate(rgb)
        pose_fps = (len(decoded) - 1) / (time.perf_counter() - started)
    return decode_fps, pose_fps


def main() -> None:
    console = Console()
    if not SOURCE.is_file():
        console.print(f"bench_form: skipped, the shared clip is not at {SOURCE}")
        return
    table = Table(title="Form analysis (MediaPipe BlazePose full, video mode)")
    for column in (
        "clip",
        "frames",
        "end to end fps",
        "10 s at 60 fps",
        "peak MB",
        "decode fps",
        "pose fps",
    ):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as folder:
        for name, (size, fps, repeat) in CLIPS.items():
            clip = make_clip(Path(folder) / f"{name}.mp4", size, fps, repeat)
            e2e = end_to_end(clip)
            rate = e2e["frames"] / e2e["seconds"]
            decode_fps, pose_fps = decode_and_pose(clip)
            table.add_row(
                name,
                f"{e2e['frames']:.0f}",
                f"{rate:.1f}" + ("" if rate >= AIM_FPS else " (aim 40)"),
                f"{600 / rate:.1f} s",
                f"{e2e['peak_mb']:.0f}",
                f"{decode_fps:.0f}",
                f"{pose_fps:.1f}",
            )
    console.print(table)
    console.print(
        "end to end: backstride.services.form.analyse_video in a fresh process (decode on its "
        "own thread a few frames ahead of the pose model, the analysis, the key frame found by "
        "seeking). peak MB: that process's peak resident memory (VmHWM), i.e. Python, PyAV, "
        "MediaPipe's graph and model, the frames in flight and the landmarks of the whole clip, "
        "never the clip's frames. decode fps: PyAV decode scaled to the 1280 px frames drawn "
        "on, alone; pose fps: the model alone on those frames, decoded beforehand."
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"(this benchmark's own process, which holds one clip's decoded frames for the pose-only "
        f"row: {own:.0f} MB)"
    )


if __name__ == "__main__":
    main()
