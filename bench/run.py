"""Run every benchmark in bench/, one after the other (`make bench`)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    wanted = sys.argv[1:]
    for script in sorted(HERE.glob("bench_*.py")):
        if wanted and script.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"\n== {script.name}", flush=True)
        runpy.run_path(str(script), run_name="__main__")
