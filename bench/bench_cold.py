"""Benchmark: the command line in cold processes, beside what a user would otherwise run.

Run with `make bench` (or `.venv/bin/python bench/bench_cold.py`). Every figure is the wall time
of a new process, from its start to its exit, as a runner's shell sees it:

* `python -c pass`: the interpreter's own start, the floor under every command;
* `backstride --help`;
* `backstride assess --input examples/intake.json`, keeping the assessment in the record (and
  with `--no-save`);
* `backstride import` of one FIT file (a Forerunner 735XT run, 129 KB), and of the 40 FIT files
  of ../shared/data/activities/fit (9.8 MB);
* beside each import, the alternative: a new Python process that decodes the same files with
  fitdecode, every frame (`bench/fitdecode_files.py`).

Each assessment and import goes to its own copy of a record made beforehand (migrated, the
personal runner created, nothing imported), so every run finds the same current schema and
stores the same rows. Each command runs once uncounted first (Python compiles and keeps the
modules it has not run yet, as on a runner's machine after the first use); then the commands
take turns run by run, so a noisy spell on the machine hits them alike, and the table gives the
fastest, the median and the slowest run. Goals (issue 10):
`assess --input` kept and `import` of one FIT file each under 0.5 s; the 40-file import at
least 30x faster end to end than fitdecode.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench"
CORPUS = (ROOT / "../shared/data/activities").resolve()
ONE_FIT = CORPUS / "fit" / "runalyze_FR735XT-with-performance-condition.fit"
INTAKE = ROOT / "examples" / "intake.json"
PYTHON = Path(sys.executable)
BACKSTRIDE = PYTHON.with_name("backstride")
FITDECODE = HERE / "fitdecode_files.py"

#: Command name -> goal in seconds (None: no goal of its own).
GOALS: dict[str, float] = {"assess --input (kept)": 0.5, "import, one FIT file": 0.5}
#: How much faster the 40-file import must be than fitdecode, end to end.
GOAL_LEAD = 30.0


@dataclass
class Command:
    """A command timed in new processes; `{db}` in its arguments is a fresh record's URL."""

    name: str
    argv: list[str]
    runs: int
    seconds: list[float] = field(default_factory=list)
    failed: str = ""


def commands(fast: int, slow: int) -> list[Command]:
    fit_folder = CORPUS / "fit"
    return [
        Command("python -c pass", [str(PYTHON), "-c", "pass"], fast),
        Command("--help", [str(BACKSTRIDE), "--help"], fast),
        Command(
            "assess --input --no-save",
            [str(BACKSTRIDE), "assess", "--input", str(INTAKE), "--no-save"],
            fast,
        ),
        Command(
            "assess --input (kept)",
            [str(BACKSTRIDE), "assess", "--input", str(INTAKE), "--db", "{db}"],
            fast,
        ),
        Command(
            "import, one FIT file", [str(BACKSTRIDE), "import", str(ONE_FIT), "--db", "{db}"], fast
        ),
        Command("fitdecode, one FIT file", [str(PYTHON), str(FITDECODE), str(ONE_FIT)], fast),
        Command(
            "import, 40 FIT files",
            [str(BACKSTRIDE), "import", str(fit_folder), "--db", "{db}"],
            fast,
        ),
        Command("fitdecode, 40 FIT files", [str(PYTHON), str(FITDECODE), str(fit_folder)], slow),
    ]


def make_record(folder: Path, environment: dict[str, str]) -> Path:
    """A record as a runner has it after the first use: migrated, the personal runner in it."""
    database = folder / "template.db"
    for argv in (["db", "upgrade"], ["activities"]):
        subprocess.run(
            [str(BACKSTRIDE), *argv, "--db", f"sqlite:///{database}"],
            env=environment,
            check=True,
            capture_output=True,
        )
    return database


def run_once(command: Command, template: Path, folder: Path, environment: dict[str, str]) -> None:
    database = folder / "run.db"
    for leftover in folder.glob("run.db*"):
        leftover.unlink()
    shutil.copyfile(template, database)
    argv = [part.replace("{db}", f"sqlite:///{database}") for part in command.argv]
    started = time.perf_counter()
    done = subprocess.run(argv, env=environment, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        said = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()
        command.failed = said[-1] if said else f"exit status {done.returncode}"
    command.seconds.append(elapsed)


def print_table(rows: list[Command]) -> None:
    header = (
        f"{'command (new process)':<28} {'runs':>4} {'fastest s':>10} {'median s':>9} "
        f"{'slowest s':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.failed:
            print(f"{row.name:<28} failed: {row.failed}")
            continue
        print(
            f"{row.name:<28} {len(row.seconds):>4} {min(row.seconds):>10.3f} "
            f"{statistics.median(row.seconds):>9.3f} {max(row.seconds):>10.3f}"
        )


def report_goals(rows: list[Command]) -> None:
    by_name = {row.name: row for row in rows}
    print("Goals (issue 10), on the median run:")
    for name, goal in GOALS.items():
        row = by_name[name]
        median = statistics.median(row.seconds)
        met = median < goal and not row.failed
        print(f"  [{'met' if met else 'MISSED'}] {name}: {median:.3f} s (goal under {goal} s)")
    ours, theirs = by_name["import, 40 FIT files"], by_name["fitdecode, 40 FIT files"]
    lead = statistics.median(theirs.seconds) / statistics.median(ours.seconds)
    met = lead >= GOAL_LEAD and not (ours.failed or theirs.failed)
    print(
        f"  [{'met' if met else 'MISSED'}] import of 40 FIT files end to end: {lead:.0f}x faster "
        f"than fitdecode (goal {GOAL_LEAD:.0f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each quick command")
    parser.add_argument("--slow-runs", type=int, default=2, help="runs of fitdecode on 40 files")
    args, _ = parser.parse_known_args()
    if not ONE_FIT.exists():
        sys.exit(f"the activity corpus is not at {CORPUS}")
    rows = commands(args.runs, args.slow_runs)
    with tempfile.TemporaryDirectory(prefix="backstride-cold-") as name:
        folder = Path(name)
        # Each command finds a data folder of its own with the record in it; nothing else of
        # the machine's (the user's own record) is read or written.
        environment = {
            **os.environ,
            "BACKSTRIDE_DATA_DIR": str(folder / "data"),
            "BACKSTRIDE_DATABASE_URL": f"sqlite:///{folder}/default.db",
        }
        # Python keeps compiled modules as a runner's machine does (`pip install` compiles
        # them; an editable install on first use), so no run compiles the sources again.
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        template = make_record(folder, environment)
        for row in rows:
            run_once(row, template, folder, environment)  # not counted: compiles, fills caches
            row.seconds.clear()
        print(
            f"{os.cpu_count()} CPU cores; load average {os.getloadavg()[0]:.2f} at the start",
            flush=True,
        )
        for turn in range(max(row.runs for row in rows)):
            for row in rows:
                if turn < row.runs:
                    run_once(row, template, folder, environment)
    print_table(rows)
    report_goals(rows)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
