"""Run every benchmark in bench/, one after the other (`make bench`).

`python bench/run.py` runs them all; `python bench/run.py assess web` only bench_assess.py and
bench_web.py. Each runs with its own defaults: the names given here are not passed on as its
options. bench_web.py starts the web server and drives it with wrk (Debian: `apt-get install
wrk`); its team-mode rows need PostgreSQL and Redis on 127.0.0.1 and say so when they are
missing. bench_cold.py times the command line in new processes.
"""

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
        sys.argv = [str(script)]
        runpy.run_path(str(script), run_name="__main__")
