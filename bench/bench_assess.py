"""Benchmark: assessments per second in-process, and the cold start of the command line.

Run with `make bench` (or `.venv/bin/python bench/bench_assess.py`). Prints one table. Goals:
at least 5,000 assessments/s on one core, a cold `backstride --help` under 0.3 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from builders import SAMPLE_INTAKE  # noqa: E402

from backstride.contracts.intake import Intake  # noqa: E402
from backstride.knowledge import load_knowledge  # noqa: E402
from backstride.services.assess import assess_intake, assessment_document  # noqa: E402

VARIANTS = [
    SAMPLE_INTAKE,
    {"age": 30, "pain": {"nrs_now": 1}},
    {**SAMPLE_INTAKE, "red_flags": {"saddle_numbness": True}},
    {**SAMPLE_INTAKE, "pain": {**SAMPLE_INTAKE["pain"], "nrs_now": 8, "character": ["sharp"]}},
]


def assessments_per_second(seconds: float = 3.0) -> tuple[float, float]:
    """(full: parse + assess + JSON document, decision only: assess) per second."""
    knowledge = load_knowledge()
    intakes = [Intake.model_validate(v) for v in VARIANTS]
    texts = [json.dumps(v) for v in VARIANTS]

    def full(i: int) -> None:
        intake = Intake.model_validate_json(texts[i % len(texts)])
        assessment_document(assess_intake(intake, knowledge), knowledge)

    def decide(i: int) -> None:
        assess_intake(intakes[i % len(intakes)], knowledge)

    return _rate(full, seconds), _rate(decide, seconds)


def _rate(func, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            func(count)
            count += 1
    return count / (time.perf_counter() - start)


def cold_start(args: list[str], runs: int = 7) -> float:
    """Median wall time of a fresh `backstride ARGS` process."""
    exe = Path(sys.executable).with_name("backstride")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "0")
    full, decide = assessments_per_second()
    with tempfile.TemporaryDirectory() as folder:
        intake = Path(folder) / "intake.json"
        intake.write_text(json.dumps(SAMPLE_INTAKE))
        help_s = cold_start(["--help"])
        args = ["assess", "--input", str(intake), "--format", "json"]
        assess_s = cold_start([*args, "--no-save"])
        saved_s = cold_start([*args, "--db", f"sqlite:///{folder}/bench.db"])
    table = Table(title="Backstride assessment benchmark (one core)")
    for column in ("measure", "result", "goal", "met"):
        table.add_column(column)
    table.add_row(
        "assessments/s, parse + assess + JSON", f"{full:,.0f}", ">= 5,000", _met(full >= 5000)
    )
    table.add_row("assessments/s, decisions only", f"{decide:,.0f}", "", "")
    table.add_row("cold `backstride --help`", f"{help_s:.3f} s", "< 0.3 s", _met(help_s < 0.3))
    table.add_row("cold `backstride assess --input --no-save`", f"{assess_s:.3f} s", "", "")
    table.add_row("cold `backstride assess --input` (kept in SQLite)", f"{saved_s:.3f} s", "", "")
    Console().print(table)


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


if __name__ == "__main__":
    main()
