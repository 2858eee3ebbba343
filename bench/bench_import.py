"""Benchmark: decoding the shared activity corpus, side by side with its references.

Run with `.venv/bin/python bench/bench_import.py` (or `make bench`). Over every file of
../shared/data/activities it times, in this one process:

* FIT: reading the bytes only; a header walk that reads every record header and definition and
  skips payloads (the lower bound for any reader); the importer (`read_source`, which walks,
  falls back to fitdecode for what the walk cannot read, hashes and maps to activities); and
  fitdecode decoding every frame of the same files.
* GPX and TCX: a plain streaming parse (xml.etree iterparse, clearing points as it goes) and the
  importer.
* FIT: `backstride import fit/` end to end in a new process, from process start to rows
  stored in a new SQLite file.
* The importer over the whole corpus on worker processes (`scan` + `read_sources`), pool start
  included.

Valid FIT files (fit/) and damaged ones (broken/) get separate rows: on a damaged file the
importer also runs fitdecode before giving up, which is slow by design. Goals (from issue 3):
FIT decoding within 3x of the header walk and at least 30x faster than fitdecode, GPX and TCX
within 2x of the plain parse, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import gzip
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import fitdecode

from backstride.importers import read_source, read_sources, scan
from backstride.importers.model import SourceFile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = (ROOT / "../shared/data/activities").resolve()
MB = 1_000_000


def _bytes_of(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


# ---------------------------------------------------------------------------------------------
# References


def read_only(path: Path) -> int:
    """Read the bytes (and gunzip): what every reader pays at least."""
    return len(_bytes_of(path))


def header_walk(path: Path) -> int:
    """Walk every FIT record header and definition, skipping data payloads; count records.

    As fast as a pure-Python walk can be: definitions are looked up by their bytes, as the
    importer does, so this is the floor the importer is measured against.
    """
    buf = _bytes_of(path)
    sizes_by_definition: dict[bytes, int] = {}
    pos = records = 0
    while pos + 12 <= len(buf) and buf[pos + 8 : pos + 12] == b".FIT":
        start = pos + buf[pos]
        end = start + int.from_bytes(buf[pos + 4 : pos + 8], "little")
        sizes = [0] * 16
        p = start
        while p < end:
            header = buf[p]
            if header < 0x40:
                p += 1 + sizes[header & 0x0F]
            elif header < 0x80:
                after = p + 6 + 3 * buf[p + 5]
                dev = 0
                if header & 0x20:
                    dev = buf[after]
                    after += 1 + 3 * dev
                key = buf[p + 1 : after]
                size = sizes_by_definition.get(key)
                if size is None:
                    specs = buf[p + 6 : p + 6 + 3 * buf[p + 5]]
                    size = sum(specs[1::3]) + sum(buf[after - 3 * dev + 1 : after : 3])
                    sizes_by_definition[key] = size
                sizes[header & 0x0F] = size
                p = after
            else:
                p += 1 + sizes[(header >> 5) & 0x03]
            records += 1
        pos = end + 2
    return records


def fitdecode_frames(path: Path) -> int:
    """fitdecode decoding every frame (its default settings, as the importer's fallback)."""
    frames = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CRC and field-size warnings on some corpus files
        try:
            with fitdecode.FitReader(io.BytesIO(_bytes_of(path))) as reader:
                for _frame in reader:
                    frames += 1
        except Exception:
            pass  # damaged files fail here too; the time spent counts
    return frames


_POINT_TAGS = frozenset(
    {
        "{http://www.topografix.com/GPX/1/1}trkpt",
        "{http://www.topografix.com/GPX/1/0}trkpt",
        "trkpt",
        "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}Trackpoint",
    }
)


def plain_iterparse(path: Path) -> int:
    """A plain streaming parse: xml.etree iterparse, counting and clearing track points."""
    points = 0
    try:
        for _event, element in ET.iterparse(io.BytesIO(_bytes_of(path)), events=("end",)):
            if element.tag in _POINT_TAGS:
                points += 1
                element.clear()
    except ET.ParseError:
        pass
    return points


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass
class Row:
    group: str
    reader: str
    files: int
    megabytes: float
    activities: int
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _time_once(paths: list[Path], work: Callable[[Path], object]) -> float:
    started = time.perf_counter()
    for path in paths:
        work(path)
    return time.perf_counter() - started


def _time(
    paths: list[Path], readers: list[tuple[str, Callable[[Path], object], int]]
) -> dict[str, list[float]]:
    """Median-ready timings; readers take turns run by run, so a noisy spell hits all alike."""
    seconds: dict[str, list[float]] = {name: [] for name, _, _ in readers}
    for run in range(max(repeat for _, _, repeat in readers)):
        for name, work, repeat in readers:
            if run < repeat:
                seconds[name].append(_time_once(paths, work))
    return seconds


def _importer(sources: dict[Path, SourceFile]) -> Callable[[Path], object]:
    return lambda path: read_source(sources[path])


def _count_activities(sources: list[SourceFile]) -> int:
    return sum(len(read_source(s).activities) for s in sources)


def _group_rows(
    group: str,
    paths: list[Path],
    sources: dict[Path, SourceFile],
    readers: list[tuple[str, Callable[[Path], object], int]],
) -> list[Row]:
    megabytes = sum(len(_bytes_of(p)) for p in paths) / MB
    activities = _count_activities([sources[p] for p in paths])
    seconds = _time(paths, readers)
    return [
        Row(group, name, len(paths), megabytes, activities, seconds[name]) for name, _, _ in readers
    ]


def _parallel_row(corpus: Path, workers: int, repeat: int) -> Row:
    seconds, activities, megabytes, files = [], 0, 0.0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        sources = list(scan([corpus]))
        outcomes = list(read_sources(sources, workers=workers))
        seconds.append(time.perf_counter() - started)
        activities = sum(len(o.activities) for o in outcomes)
        megabytes = sum(s.size for s in sources) / MB
        files = len(sources)
    return Row(
        "all",
        f"importer, scan + read_sources on {workers} workers",
        files,
        megabytes,
        activities,
        seconds,
    )


def _end_to_end_row(group: str, folder: Path, like: Row, repeat: int) -> Row:
    """`backstride import FOLDER` in a new process into a new SQLite file: start to stored rows."""
    exe = Path(sys.executable).with_name("backstride")
    seconds = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            command = [str(exe), "import", str(folder), "--format", "json"]
            command += ["--db", f"sqlite:///{tmp}/bench.db"]
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            seconds.append(time.perf_counter() - started)
    name = "backstride import, end to end (new process)"
    return Row(group, name, like.files, like.megabytes, like.activities, seconds)


# ---------------------------------------------------------------------------------------------
# Report


def _print_table(rows: list[Row], baselines: dict[str, str]) -> None:
    header = (
        f"{'set':<10} {'reader':<46} {'files':>5} {'MB':>6} {'median s':>9} {'MB/s':>8} "
        f"{'acts/s':>9} {'x base':>7}"
    )
    print(header)
    print("-" * len(header))
    medians = {(r.group, r.reader): r.median for r in rows}
    for row in rows:
        base = medians.get((row.group, baselines.get(row.group, "")))
        ratio = f"{row.median / base:7.2f}" if base else "      -"
        print(
            f"{row.group:<10} {row.reader:<46} {row.files:>5} {row.megabytes:>6.2f} "
            f"{row.median:>9.3f} {row.megabytes / row.median:>8.1f} "
            f"{row.activities / row.median:>9.0f} {ratio}"
        )
    print("x base: median time over the set's baseline row (header walk; plain iterparse).")


def _goal(text: str, met: bool) -> None:
    print(f"  [{'met' if met else 'MISSED'}] {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each fast reader")
    parser.add_argument("--slow-repeat", type=int, default=1, help="runs of fitdecode")
    parser.add_argument("--workers", type=int, default=2)
    args, _ = parser.parse_known_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found at {args.corpus}")
    sources = {s.path: s for s in scan([args.corpus])}
    by_folder: dict[str, list[Path]] = {}
    for path in sources:
        kind = "fit" if path.name.lower().endswith((".fit", ".fit.gz")) else path.suffix[1:]
        folder = "fit" if path.parent.name == "fit" and kind == "fit" else path.parent.name
        by_folder.setdefault(f"{folder}:{kind}", []).append(path)

    fast, slow = args.repeat, args.slow_repeat
    rows: list[Row] = []
    for group, key in (("FIT", "fit:fit"), ("FIT broken", "broken:fit")):
        rows += _group_rows(
            group,
            by_folder.get(key, []),
            sources,
            [
                ("read bytes only", read_only, fast),
                ("header walk (lower bound)", header_walk, fast),
                ("importer (read_source, in-process)", _importer(sources), fast),
                ("fitdecode, every frame", fitdecode_frames, slow),
            ],
        )
    for group, key in (("GPX", "gpx:gpx"), ("TCX", "tcx:tcx")):
        rows += _group_rows(
            group,
            by_folder.get(key, []),
            sources,
            [
                ("read bytes only", read_only, fast),
                ("plain iterparse (xml.etree)", plain_iterparse, fast),
                ("importer (read_source, in-process)", _importer(sources), fast),
            ],
        )
    peak_in_process = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fit_row = next(r for r in rows if r.group == "FIT")
    rows.insert(rows.index(fit_row) + 4, _end_to_end_row("FIT", args.corpus / "fit", fit_row, 3))
    rows.append(_parallel_row(args.corpus, args.workers, max(1, fast // 2)))
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    baselines = {
        "FIT": "header walk (lower bound)",
        "FIT broken": "header walk (lower bound)",
        "GPX": "plain iterparse (xml.etree)",
        "TCX": "plain iterparse (xml.etree)",
    }
    _print_table(rows, baselines)
    _report_goals(rows, peak_in_process, peak_children)


def _report_goals(rows: list[Row], peak_in_process: float, peak_children: float) -> None:
    median = {(r.group, r.reader): r.median for r in rows}
    importer = "importer (read_source, in-process)"
    fit_walk = median[("FIT", importer)] / median[("FIT", "header walk (lower bound)")]
    fit_vs_fitdecode = median[("FIT", "fitdecode, every frame")] / median[("FIT", importer)]
    end_to_end = (
        median[("FIT", "fitdecode, every frame")]
        / median[("FIT", "backstride import, end to end (new process)")]
    )
    gpx = median[("GPX", importer)] / median[("GPX", "plain iterparse (xml.etree)")]
    tcx = median[("TCX", importer)] / median[("TCX", "plain iterparse (xml.etree)")]
    print(
        f"\nPeak memory (max RSS): this process {peak_in_process:.0f} MB, "
        f"largest worker {peak_children:.0f} MB"
    )
    print("Goals:")
    _goal(f"FIT decoding within 3x of the header walk: {fit_walk:.2f}x", fit_walk <= 3)
    _goal(
        f"FIT decoding at least 30x faster than fitdecode: {fit_vs_fitdecode:.0f}x",
        fit_vs_fitdecode >= 30,
    )
    _goal(
        f"`backstride import` end to end at least 30x faster than fitdecode: {end_to_end:.0f}x",
        end_to_end >= 30,
    )
    _goal(f"GPX within 2x of a plain streaming parse: {gpx:.2f}x", gpx <= 2)
    _goal(f"TCX within 2x of a plain streaming parse: {tcx:.2f}x", tcx <= 2)
    _goal(
        f"peak memory under 300 MB: {max(peak_in_process, peak_children):.0f} MB",
        max(peak_in_process, peak_children) < 300,
    )


if __name__ == "__main__":
    main()
