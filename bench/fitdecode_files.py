"""What a runner would otherwise run: decode FIT files with fitdecode, every frame.

`python bench/fitdecode_files.py PATH...` (files, or folders of *.fit) prints the frames
decoded; bench/bench_cold.py times it in a new process beside `backstride import`.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import fitdecode


def fit_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found += sorted(path.glob("*.fit")) if path.is_dir() else [path]
    return found


def frames_of(path: Path) -> int:
    frames = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CRC and field-size warnings on some corpus files
        with fitdecode.FitReader(str(path)) as reader:
            for _frame in reader:
                frames += 1
    return frames


if __name__ == "__main__":
    print(sum(frames_of(path) for path in fit_files(sys.argv[1:])))
