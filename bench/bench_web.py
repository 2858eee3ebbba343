"""Benchmark: the web app under load on loopback, in personal mode and in team mode.

Run with `make bench` (or `.venv/bin/python bench/bench_web.py`; locust comes from the `bench`
extra: `.venv/bin/pip install -e '.[bench]'`). For each mode it starts the real server as
`backstride serve --workers 2` on a free port of 127.0.0.1:

* personal: a new SQLite file in a temporary folder, no login;
* team: a PostgreSQL database created for the run on 127.0.0.1:5432 (user postgres) and
  dropped after it, a Redis database of 127.0.0.1:6379 that is empty before the run and
  emptied after it, a random secret key, cookies allowed over plain http.

Then for each scenario it runs locust headless (bench/locustfile_web.py, FastHttpUser) with 50
users started at once: POST /api/v1/assess with the DESIGN sample intake (kept in the record),
and GET /today once an assessment exists. Each scenario runs at full load (each user sends its
next request as soon as the last one is answered, so 50 requests always wait: the server's
capacity, and a latency of 50 / throughput on average by Little's law) and then paced (the users
together ask for `--paced` requests/s, 150 unless told: the latency below saturation). The
first seconds are a warm-up; the figures come from the fixed window after it: requests/s,
p50/p90/p99 latency, failures, and the CPU time the server and locust used per request.
The load average is read at the start and end of each window: locust and the server share
this machine's cores, and other work on the machine shows there.

Goals (issue 5): p99 under 100 ms, at least 300 assessments/s with two workers on a 2-core
machine. The table is printed and written as JSON to bench/results/web-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench"
LOCUSTFILE = HERE / "locustfile_web.py"
RESULTS = HERE / "results"
SAMPLE_INTAKE = ROOT / "examples" / "intake.json"
BIN = Path(sys.executable).parent

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_HOST_URL = "redis://127.0.0.1:6379"
#: Redis databases tried for team mode, highest first; the first empty one is used.
REDIS_DATABASES = range(15, 7, -1)

#: The second run of each scenario: the users together ask for this many requests/s, so latency
#: is also measured below saturation. Without pauses the users always keep that many requests
#: waiting, and the mean latency is users / throughput (Little's law), whatever the server does.
DEFAULT_PACED_RATE = 150.0

#: The longest the users may take to set up (team mode: 50 sign-ups, each an argon2 hash).
SETUP_LIMIT_S = 180

GOAL_P99_MS = 100.0
GOAL_ASSESSMENTS_PER_S = 300.0


@dataclass(frozen=True)
class Scenario:
    name: str
    user_class: str
    request: str


SCENARIOS = (
    Scenario("assess", "AssessUser", "POST /api/v1/assess"),
    Scenario("today", "TodayUser", "GET /today"),
)


@dataclass
class Row:
    """One scenario in one mode: locust's figures over the measuring window."""

    mode: str
    database: str
    request: str
    #: The rate all users together aim at, requests/s; 0: as fast as the server answers.
    offered: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""

    def cpu_ms_per_request(self, who: str) -> float:
        requests = self.figures.get("requests", 0)
        seconds = self.figures.get("cpu_s", {}).get(who, float("nan"))
        return 1000 * seconds / requests if requests else float("nan")


class ModeUnavailable(Exception):
    """The server cannot run in this mode here (e.g. no PostgreSQL); the message says why."""


# ---------------------------------------------------------------------------------------------
# Databases


@contextmanager
def personal_environment() -> Iterator[dict[str, str]]:
    """Personal mode over a new SQLite file, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="backstride-bench-"))
    try:
        yield {
            "BACKSTRIDE_MODE": "personal",
            "BACKSTRIDE_DATA_DIR": str(folder),
            "BACKSTRIDE_DATABASE_URL": f"sqlite:///{folder}/bench.db",
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def team_environment() -> Iterator[dict[str, str]]:
    """Team mode over a new PostgreSQL database and an empty Redis database, both cleaned up."""
    try:
        import psycopg
        import redis
    except ImportError as exc:
        raise ModeUnavailable(f"team mode needs psycopg and redis installed ({exc})") from exc
    name = f"backstride_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise ModeUnavailable(f"no PostgreSQL at 127.0.0.1:5432 ({_first_line(exc)})") from exc
    folder = Path(tempfile.mkdtemp(prefix="backstride-bench-"))
    queue: redis.Redis | None = None
    try:
        queue, number = _empty_redis_database(redis)
        yield {
            "BACKSTRIDE_MODE": "team",
            "BACKSTRIDE_DATA_DIR": str(folder),
            "BACKSTRIDE_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
            "BACKSTRIDE_REDIS_URL": f"{REDIS_HOST_URL}/{number}",
            "BACKSTRIDE_SECRET_KEY": secrets.token_urlsafe(32),
            "BACKSTRIDE_SECURE_COOKIES": "false",
        }
    finally:
        if queue is not None:
            queue.flushdb()
            queue.close()
        shutil.rmtree(folder, ignore_errors=True)
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_redis_database(redis: Any) -> tuple[Any, int]:
    """A client of the first empty database in REDIS_DATABASES, and its number."""
    for number in REDIS_DATABASES:
        client = redis.Redis.from_url(f"{REDIS_HOST_URL}/{number}", socket_timeout=5)
        try:
            if client.dbsize() == 0:
                return client, number
        except redis.RedisError as exc:
            client.close()
            raise ModeUnavailable(f"no Redis at 127.0.0.1:6379 ({_first_line(exc)})") from exc
        client.close()
    raise ModeUnavailable("every Redis database from 8 to 15 holds keys; none was touched")


# ---------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(environment: dict[str, str], *, workers: int) -> Iterator[tuple[str, int]]:
    """`backstride serve --workers N` on a free port: (its address, its process id)."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - read back if the server fails to start
    command = [str(BIN / "backstride"), "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command, env={**os.environ, **environment}, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process, log)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            lines = log.read().decode(errors="replace").strip().splitlines()
            raise ModeUnavailable(
                lines[-1] if lines else f"the server stopped ({process.returncode})"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if only to say no
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise ModeUnavailable("the server did not answer within 60 s")


def assess_once(url: str) -> None:
    """Keep one assessment in the personal record, so that Today has a decision to show."""
    request = urllib.request.Request(
        f"{url}/api/v1/assess",
        data=SAMPLE_INTAKE.read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        if answer.status != 200:
            raise RuntimeError(f"the first assessment was refused ({answer.status})")


# ---------------------------------------------------------------------------------------------
# Locust


def run_locust(
    url: str,
    scenario: Scenario,
    *,
    server_pid: int,
    team: bool,
    users: int,
    offered: float,
    warmup: float,
    window: float,
) -> dict[str, Any]:
    """Run one scenario headless; the window's figures as the locustfile wrote them."""
    with tempfile.TemporaryDirectory() as folder:
        summary = Path(folder) / "summary.json"
        command = [
            str(BIN / "locust"),
            "--locustfile",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            url,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            # The locustfile stops the run after the window; this only bounds a stuck set-up.
            "--run-time",
            f"{warmup + window + SETUP_LIMIT_S:.0f}s",
            "--stop-timeout",
            "5",
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--warmup",
            str(warmup),
            "--window",
            str(window),
            "--summary",
            str(summary),
            "--server-pid",
            str(server_pid),
            "--user-rate",
            str(offered / users),
            *(["--team"] if team else []),
            scenario.user_class,
        ]
        # Locust's exit status is 1 when any request failed: the summary counts them.
        done = subprocess.run(command, capture_output=True, text=True, cwd=folder, check=False)
        said = (done.stderr or done.stdout).strip().splitlines()[-3:]
        if not summary.exists():
            return {"error": "locust wrote no figures: " + " | ".join(said)}
        figures: dict[str, Any] = json.loads(summary.read_text())
        if "error" in figures and not figures.get("errors"):
            figures["error"] += " | ".join(said)
        return figures


# ---------------------------------------------------------------------------------------------
# Report


def _ms(value: Any) -> str:
    return f"{value:.0f}" if isinstance(value, int | float) else "-"


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'mode':<9} {'database':<11} {'request':<20} {'offered':>7} {'req/s':>7} {'p50 ms':>7} "
        f"{'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'fail':>6} {'srv cpu':>8} "
        f"{'loc cpu':>8} {'load avg':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        f = row.figures
        offered = f"{row.offered:.0f}" if row.offered else "max"
        if row.skipped or "error" in f:
            print(
                f"{row.mode:<9} {row.database:<11} {row.request:<20} {offered:>7} "
                f"{row.skipped or f['error']}"
            )
            continue
        load = f"{f['load_average_start'][0]:.1f}->{f['load_average_end'][0]:.1f}"
        print(
            f"{row.mode:<9} {row.database:<11} {row.request:<20} {offered:>7} "
            f"{f['requests_per_s']:>7.0f} "
            f"{_ms(f['p50_ms']):>7} {_ms(f['p90_ms']):>7} {_ms(f['p99_ms']):>7} "
            f"{_ms(f['max_ms']):>7} {f['failures']:>6} "
            f"{row.cpu_ms_per_request('server'):>8.2f} {row.cpu_ms_per_request('locust'):>8.2f} "
            f"{load:>11}"
        )
    print(
        "offered: requests/s the users ask for together (max: each sends its next request as "
        "soon as the\nlast is answered). srv cpu, loc cpu: CPU milliseconds per request used by "
        "the server (all\nworkers) and by locust. load avg: the 1-minute load average at the "
        "start and end of the window."
    )


def report_goals(rows: list[Row]) -> None:
    print("Goals (p99 under 100 ms; at least 300 assessments/s):")
    for row in rows:
        f = row.figures
        if row.skipped or "error" in f:
            print(f"  [not measured] {row.mode} {row.request}")
            continue
        p99 = f["p99_ms"]
        load = f"at {row.offered:g} requests/s" if row.offered else "at full load"
        _goal(
            f"{row.mode} {row.request} {load}: p99 {p99:.0f} ms "
            f"({p99 / GOAL_P99_MS:.2f}x the goal), {f['failures']} failures",
            p99 < GOAL_P99_MS and f["failures"] == 0,
        )
        if row.request == SCENARIOS[0].request and not row.offered:
            rate = f["requests_per_s"]
            _goal(
                f"{row.mode} assessments/s {rate:.0f} "
                f"({rate / GOAL_ASSESSMENTS_PER_S:.2f}x the goal)",
                rate >= GOAL_ASSESSMENTS_PER_S,
            )


def _goal(text: str, met: bool) -> None:
    print(f"  [{'met' if met else 'MISSED'}] {text}")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ---------------------------------------------------------------------------------------------


MODES = {
    "personal": ("SQLite", personal_environment),
    "team": ("PostgreSQL", team_environment),
}


def measure_mode(mode: str, args: argparse.Namespace) -> list[Row]:
    database, environment = MODES[mode]
    runs = [
        (scenario, offered)
        for scenario in SCENARIOS
        if scenario.name in args.scenarios
        for offered in (0.0, *args.paced)
    ]
    rows = [Row(mode, database, scenario.request, offered) for scenario, offered in runs]
    try:
        with environment() as env, serving(env, workers=args.workers) as (url, pid):
            if mode == "personal":
                assess_once(url)
            for row, (scenario, offered) in zip(rows, runs, strict=True):
                pace = f" at {offered:g} requests/s" if offered else ""
                print(f"  {mode}: {scenario.request}{pace} ...", flush=True)
                row.figures = run_locust(
                    url,
                    scenario,
                    server_pid=pid,
                    team=mode == "team",
                    users=args.users,
                    offered=offered,
                    warmup=args.warmup,
                    window=args.window,
                )
    except ModeUnavailable as exc:
        for row in rows:
            row.skipped = f"not measured: {exc}"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    names = [s.name for s in SCENARIOS]
    parser.add_argument("--scenarios", nargs="+", choices=names, default=names)
    parser.add_argument("--users", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--paced",
        type=float,
        nargs="*",
        default=[DEFAULT_PACED_RATE],
        help="also run each scenario with the users together asking for this many requests/s",
    )
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds not counted")
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured")
    args, _ = parser.parse_known_args()
    if not (BIN / "locust").exists():
        sys.exit("locust is not installed: run .venv/bin/pip install -e '.[bench]' (or make bench)")
    cores = os.cpu_count() or 0
    print(
        f"{args.users} clients, {args.workers} server workers, {args.warmup:g} s warm-up, "
        f"{args.window:g} s measured; {cores} CPU cores shared by the server, locust (one "
        f"process) and anything else running; load average now {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    rows = [row for mode in args.modes for row in measure_mode(mode, args)]
    print_table(rows)
    report_goals(rows)
    RESULTS.mkdir(exist_ok=True)
    written = RESULTS / f"web-{datetime.now():%Y%m%d-%H%M%S}.json"
    machine = {
        "cpu_count": cores,
        "load_average_end": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    settings = {k: getattr(args, k) for k in ("users", "workers", "warmup", "window", "paced")}
    document = {"machine": machine, "settings": settings, "rows": [asdict(r) for r in rows]}
    written.write_text(json.dumps(document, indent=2))
    print(f"Written to {written.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
