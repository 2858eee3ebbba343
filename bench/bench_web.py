"""Benchmark: the web app under load on loopback, beside bare FastAPI routes on the same server.

Run with `make bench` (or `.venv/bin/python bench/bench_web.py`). The load comes from wrk
(Debian: `apt-get install wrk`), one C process with one thread, so that the client takes as
little as possible of the cores it shares with the server. For each mode it starts the real
server as `backstride serve --workers 2` on a free port of 127.0.0.1:

* personal: a new SQLite file in a temporary folder, no login;
* team: a PostgreSQL database created for the run on 127.0.0.1:5432 (user postgres) and
  dropped after it, a Redis database of 127.0.0.1:6379 that is empty before the run and
  emptied after it, a random secret key, cookies allowed over plain http. 50 runners sign up
  first (each assesses once); the requests take turns through their sessions, each with its
  cookie and CSRF token.

Then for each scenario: POST /api/v1/assess with the DESIGN sample intake (kept in the record),
and GET /today once an assessment exists. 50 keep-alive connections each send their next request
as soon as the last is answered, so 50 requests always wait: the server's capacity, and a mean
latency of 50 / throughput (Little's law). A warm-up run is not counted; then each scenario is
measured `--repeat` times, and the table gives the range of those runs: requests/s, p50 and p99
latency, and the server's CPU time per request (all its processes; it depends less on what
else runs on the machine than the rates do).

Beside each figure stands the framework's ceiling: the same requests against bare FastAPI
routes that answer the real app's own bodies, under the same uvicorn options and workers
(bench/bare_server.py). After each assessment run the record is counted: every answered
assessment must have been stored. Figures are written as JSON to bench/results/web-<time>.json.

Goals (issue 10), 50 clients, 2 workers: personal POST /api/v1/assess at least 600/s with p99
under 100 ms, GET /today at least 400/s with p99 under 150 ms; team mode on PostgreSQL at least
300 assessments/s with p99 under 200 ms.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench"
WRK_SCRIPT = HERE / "wrk_requests.lua"
BARE_SERVER = HERE / "bare_server.py"
RESULTS = HERE / "results"
SAMPLE_INTAKE = ROOT / "examples" / "intake.json"
BIN = Path(sys.executable).parent

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_HOST_URL = "redis://127.0.0.1:6379"
#: Redis databases tried for team mode, highest first; the first empty one is used.
REDIS_DATABASES = range(15, 7, -1)

ASSESS = "POST /api/v1/assess"
TODAY = "GET /today"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
CSRF_HEADER = "X-CSRF-Token"
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
SESSION_COOKIE = "backstride_session"

#: (mode, request) -> (requests/s at least, p99 ms under)
GOALS = {
    ("personal", ASSESS): (600.0, 100.0),
    ("personal", TODAY): (400.0, 150.0),
    ("team", ASSESS): (300.0, 200.0),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    request: str
    #: What the answer must hold for the run to count (checked once before the load).
    expect: bytes


SCENARIOS = (
    Scenario("assess", ASSESS, b'"saved":true'),
    Scenario("today", TODAY, b"Running today:"),
)


@dataclass
class Run:
    """One wrk run's figures."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    failures: int
    server_cpu_ms: float

    @classmethod
    def of(cls, figures: dict[str, float], server_cpu_s: float) -> Run:
        requests = int(figures["requests"])
        failures = int(sum(v for k, v in figures.items() if k.startswith("errors_")))
        return cls(
            requests_per_s=requests / (figures["duration_us"] / 1e6),
            p50_ms=figures["p50_us"] / 1000,
            p99_ms=figures["p99_us"] / 1000,
            max_ms=figures["max_us"] / 1000,
            requests=requests,
            failures=failures,
            server_cpu_ms=1000 * server_cpu_s / requests if requests else float("nan"),
        )


@dataclass
class Row:
    """One scenario in one mode (or on the bare routes): its runs, and what went wrong."""

    mode: str
    database: str
    request: str
    runs: list[Run] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: str = ""

    def span(self, name: str) -> tuple[float, float]:
        values = [getattr(run, name) for run in self.runs]
        return min(values), max(values)


class ModeUnavailable(Exception):
    """The server cannot run in this mode here (e.g. no PostgreSQL); the message says why."""


# ---------------------------------------------------------------------------------------------
# Databases


@dataclass
class Environment:
    """What a mode's server is started with, and how to count its stored assessments."""

    variables: dict[str, str]
    count_assessments: Callable[[], int]


@contextmanager
def personal_environment() -> Iterator[Environment]:
    """Personal mode over a new SQLite file, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="backstride-bench-"))
    database = folder / "bench.db"

    def count() -> int:
        with sqlite3.connect(database) as connection:
            return int(connection.execute("SELECT count(*) FROM assessment").fetchone()[0])

    try:
        yield Environment(
            {
                "BACKSTRIDE_MODE": "personal",
                "BACKSTRIDE_DATA_DIR": str(folder),
                "BACKSTRIDE_DATABASE_URL": f"sqlite:///{database}",
            },
            count,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def team_environment() -> Iterator[Environment]:
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
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"

    def count() -> int:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM assessment").fetchone()
            return int(row[0]) if row else 0

    folder = Path(tempfile.mkdtemp(prefix="backstride-bench-"))
    queue: Any = None
    try:
        queue, number = _empty_redis_database(redis)
        yield Environment(
            {
                "BACKSTRIDE_MODE": "team",
                "BACKSTRIDE_DATA_DIR": str(folder),
                "BACKSTRIDE_DATABASE_URL": url.replace("postgresql:", "postgresql+psycopg:"),
                "BACKSTRIDE_REDIS_URL": f"{REDIS_HOST_URL}/{number}",
                "BACKSTRIDE_SECRET_KEY": secrets.token_urlsafe(32),
                "BACKSTRIDE_SECURE_COOKIES": "false",
            },
            count,
        )
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
# The servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(command: list[str], environment: dict[str, str]) -> Iterator[tuple[str, int]]:
    """Run a server command (its last argument list names the port) until the block ends:
    (its address, its process id)."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - read back if the server fails to start
    command = [part.replace("{port}", str(port)) for part in command]
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


def backstride_server(workers: int) -> list[str]:
    return [str(BIN / "backstride"), "serve", "--port", "{port}", "--workers", str(workers)]


def bare_server(workers: int, bodies: Path) -> list[str]:
    return [sys.executable, str(BARE_SERVER), "{port}", str(workers), str(bodies)]


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


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of the server: its main process and its workers."""
    import psutil

    main = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [main, *main.children(recursive=True)])


# ---------------------------------------------------------------------------------------------
# The clients


@dataclass(frozen=True)
class Client:
    """One user of the server: the headers its requests carry (team mode: its session)."""

    headers: dict[str, str] = field(default_factory=dict)

    def request(self, scenario: Scenario) -> dict[str, Any]:
        """The request of `scenario` as this client sends it."""
        if scenario.request == ASSESS:
            return {
                "method": "POST",
                "path": "/api/v1/assess",
                "headers": {**JSON_HEADERS, **self.headers},
                "body": SAMPLE_INTAKE.read_text(),
            }
        return {"method": "GET", "path": "/today", "headers": dict(self.headers), "body": None}


def send(url: str, request: dict[str, Any]) -> bytes:
    """Send one request as wrk would; the answer's body (a failure raises)."""
    body = request["body"].encode() if request["body"] else None
    prepared = urllib.request.Request(
        url + request["path"], data=body, headers=request["headers"], method=request["method"]
    )
    with urllib.request.urlopen(prepared, timeout=10) as answer:
        content: bytes = answer.read()
        return content


def sign_up_clients(url: str, count: int) -> list[Client]:
    """`count` runners signed up, each with its session cookie and CSRF token, assessed once."""
    return [_sign_up(url) for _ in range(count)]


def _sign_up(url: str) -> Client:
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with opener.open(f"{url}/signup", timeout=10) as page:
        token = _csrf(page.read().decode())
    password = secrets.token_urlsafe(18)
    form = {
        "email": f"bench-{secrets.token_hex(8)}@example.org",
        "password": password,
        "password_again": password,
        "role": "runner",
        "time_zone": "UTC",
        "csrf_token": token,
    }
    with opener.open(f"{url}/signup", urllib.parse.urlencode(form).encode(), timeout=30) as page:
        token = _csrf(page.read().decode())  # the page after sign-up: the session's token
    session = next((c.value for c in cookies if c.name == SESSION_COOKIE), None)
    if not session or not token:
        raise ModeUnavailable("a benchmark runner could not sign up (no session or CSRF token)")
    client = Client({"Cookie": f"{SESSION_COOKIE}={session}", CSRF_HEADER: token})
    send(url, client.request(SCENARIOS[0]))
    return client


def _csrf(page: str) -> str:
    found = _CSRF_META.search(page)
    return found.group(1) if found else ""


def _lua_string(text: str) -> str:
    level = "=" * 4
    if f"]{level}]" in text:
        raise ValueError("a request holds the Lua long-string closer")
    return f"[{level}[{text}]{level}]"


def write_requests(path: Path, requests: list[dict[str, Any]]) -> None:
    """The Lua file wrk_requests.lua reads: the requests the connections take turns with."""
    lines = ["bench_requests = {"]
    for r in requests:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in r["headers"].items()
        )
        body = _lua_string(r["body"]) if r["body"] else "nil"
        lines.append(
            f"  {{method = {_lua_string(r['method'])}, path = {_lua_string(r['path'])}, "
            f"headers = {{{headers}}}, body = {body}}},"
        )
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def run_wrk(
    url: str, requests_file: Path, *, connections: int, seconds: float, server_pid: int
) -> Run:
    """One wrk run over `requests_file`: its figures and the server's CPU time per request."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.txt"
        command = [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "--script",
            str(WRK_SCRIPT),
            url,
        ]
        environment = {
            **os.environ,
            "BENCH_REQUESTS": str(requests_file),
            "BENCH_RESULT": str(result),
        }
        cpu_before = server_cpu_seconds(server_pid)
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        cpu = server_cpu_seconds(server_pid) - cpu_before
        if done.returncode != 0 or not result.exists():
            said = (done.stderr or done.stdout).strip().splitlines()[-2:]
            raise RuntimeError("wrk failed: " + " | ".join(said))
        figures = {}
        for line in result.read_text().splitlines():
            name, value = line.split()
            figures[name] = float(value)
        return Run.of(figures, cpu)


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Settings:
    clients: int
    workers: int
    warmup: float
    duration: float
    repeat: int


def measure(
    row: Row,
    url: str,
    pid: int,
    requests: list[dict[str, Any]],
    settings: Settings,
    *,
    count_stored: Callable[[], int] | None = None,
) -> None:
    """Warm up, then `settings.repeat` runs of wrk with `requests` in turn, into `row`."""
    with tempfile.TemporaryDirectory() as folder:
        requests_file = Path(folder) / "requests.lua"
        write_requests(requests_file, requests)
        run_wrk(
            url,
            requests_file,
            connections=settings.clients,
            seconds=settings.warmup,
            server_pid=pid,
        )
        for _ in range(settings.repeat):
            stored_before = _settled(count_stored) if count_stored else 0
            run = run_wrk(
                url,
                requests_file,
                connections=settings.clients,
                seconds=settings.duration,
                server_pid=pid,
            )
            row.runs.append(run)
            if count_stored:
                # wrk stops with up to one request per connection unanswered; those may be kept.
                stored = _settled(count_stored) - stored_before
                answered = run.requests - run.failures
                if not answered <= stored <= answered + settings.clients:
                    row.problems.append(
                        f"{answered} assessments answered but {stored} stored in that run"
                    )
            if run.failures:
                row.problems.append(f"{run.failures} requests failed in a run")


def _settled(count: Callable[[], int]) -> int:
    """The count once the server has finished the requests wrk left in flight."""
    last = count()
    while True:
        time.sleep(0.3)
        now = count()
        if now == last:
            return now
        last = now


MODES = {
    "personal": ("SQLite", personal_environment),
    "team": ("PostgreSQL", team_environment),
}


def measure_mode(
    mode: str, scenarios: list[Scenario], settings: Settings, bodies: Path
) -> list[Row]:
    """Every scenario against the real server in `mode`; the answers are kept in `bodies`."""
    database, environment = MODES[mode]
    rows = [Row(mode, database, s.request) for s in scenarios]
    try:
        with (
            environment() as env,
            serving(backstride_server(settings.workers), env.variables) as (url, pid),
        ):
            print(f"  {mode}: setting up ...", flush=True)
            if mode == "team":
                clients = sign_up_clients(url, settings.clients)
            else:
                clients = [Client()]
                send(url, clients[0].request(SCENARIOS[0]))
            for scenario, row in zip(scenarios, rows, strict=True):
                print(f"  {mode}: {scenario.request} ...", flush=True)
                requests = [client.request(scenario) for client in clients]
                answer = send(url, requests[0])
                if scenario.expect not in answer:
                    row.skipped = f"the answer lacks {scenario.expect.decode()!r}"
                    continue
                name = "assess.json" if scenario.request == ASSESS else "today.html"
                if not (bodies / name).exists():
                    (bodies / name).write_bytes(answer)
                counting = env.count_assessments if scenario.request == ASSESS else None
                measure(row, url, pid, requests, settings, count_stored=counting)
    except ModeUnavailable as exc:
        for row in rows:
            row.skipped = f"not measured: {exc}"
    return rows


def measure_bare(scenarios: list[Scenario], settings: Settings, bodies: Path) -> list[Row]:
    """The same requests against the bare routes answering the real app's bodies."""
    rows = [Row("bare", "-", s.request) for s in scenarios]
    names = {ASSESS: "assess.json", TODAY: "today.html"}
    ready = [r for r in rows if (bodies / names[r.request]).exists()]
    for row in rows:
        if row not in ready:
            row.skipped = "not measured: the real app gave no answer to copy"
    if not ready:
        return rows
    for name in names.values():
        if not (bodies / name).exists():
            (bodies / name).write_bytes(b"")
    print("  bare FastAPI routes ...", flush=True)
    with serving(bare_server(settings.workers, bodies), {}) as (url, pid):
        for scenario, row in zip(scenarios, rows, strict=True):
            if row in ready:
                measure(row, url, pid, [Client().request(scenario)], settings)
    return rows


# ---------------------------------------------------------------------------------------------
# Report


def _range(row: Row, name: str, digits: int = 0) -> str:
    low, high = row.span(name)
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{low:.{digits}f}"
    return f"{low:.{digits}f}-{high:.{digits}f}"


def print_table(rows: list[Row], bare: dict[str, Row]) -> None:
    header = (
        f"{'mode':<9} {'database':<11} {'request':<19} {'req/s':>9} {'p50 ms':>9} "
        f"{'p99 ms':>9} {'cpu ms':>9} | {'bare req/s':>11} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'cpu ms':>7} {'share':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        start = f"{row.mode:<9} {row.database:<11} {row.request:<19}"
        if row.skipped or not row.runs:
            print(f"{start} {row.skipped or 'no run'}")
            continue
        line = (
            f"{start} {_range(row, 'requests_per_s'):>9} {_range(row, 'p50_ms'):>9} "
            f"{_range(row, 'p99_ms'):>9} {_range(row, 'server_cpu_ms', 2):>9} |"
        )
        ceiling = bare.get(row.request)
        if ceiling is not None and ceiling.runs:
            share = max(r.requests_per_s for r in row.runs) / max(
                r.requests_per_s for r in ceiling.runs
            )
            line += (
                f" {_range(ceiling, 'requests_per_s'):>11} {_range(ceiling, 'p50_ms'):>7} "
                f"{_range(ceiling, 'p99_ms'):>7} {_range(ceiling, 'server_cpu_ms', 2):>7} "
                f"{share:>6.0%}"
            )
        print(line)
        for problem in row.problems:
            print(f"    ! {problem}")
    print(
        "Ranges over the measured runs. cpu ms: the server's CPU time per request (all "
        "processes).\nbare: FastAPI routes answering the same bodies under the same server "
        "options; share: best req/s\nof the app over best req/s of the bare routes."
    )


def report_goals(rows: list[Row]) -> None:
    print("Goals (issue 10), on the best and the worst of the runs:")
    for row in rows:
        goal = GOALS.get((row.mode, row.request))
        if goal is None:
            continue
        rate, p99 = goal
        if row.skipped or not row.runs:
            print(f"  [not measured] {row.mode} {row.request}")
            continue
        worst_rate, best_rate = row.span("requests_per_s")
        best_p99, worst_p99 = row.span("p99_ms")
        met = best_rate >= rate and best_p99 < p99 and not row.problems
        every = worst_rate >= rate and worst_p99 < p99 and not row.problems
        verdict = "met in every run" if every else "met" if met else "MISSED"
        print(
            f"  [{verdict}] {row.mode} {row.request}: {worst_rate:.0f}-{best_rate:.0f}/s "
            f"(goal {rate:.0f}), p99 {best_p99:.0f}-{worst_p99:.0f} ms (goal under {p99:.0f})"
        )


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    names = [s.name for s in SCENARIOS]
    parser.add_argument("--scenarios", nargs="+", choices=names, default=names)
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of the uncounted run")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of each run")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs per scenario")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare routes")
    args, _ = parser.parse_known_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian and Ubuntu)")
    settings = Settings(args.clients, args.workers, args.warmup, args.duration, args.repeat)
    scenarios = [s for s in SCENARIOS if s.name in args.scenarios]
    cores = os.cpu_count() or 0
    print(
        f"{args.clients} connections, {args.workers} server workers, wrk with one thread; "
        f"{args.repeat} runs of {args.duration:g} s after {args.warmup:g} s of warm-up; "
        f"{cores} CPU cores shared by the server, wrk and anything else; load average now "
        f"{os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        bodies = Path(folder)
        rows = [r for mode in args.modes for r in measure_mode(mode, scenarios, settings, bodies)]
        bare_rows = [] if args.no_bare else measure_bare(scenarios, settings, bodies)
    bare = {row.request: row for row in bare_rows}
    print_table(rows, bare)
    report_goals(rows)
    RESULTS.mkdir(exist_ok=True)
    written = RESULTS / f"web-{datetime.now():%Y%m%d-%H%M%S}.json"
    machine = {
        "cpu_count": cores,
        "load_average_end": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    document = {
        "machine": machine,
        "settings": asdict(settings),
        "rows": [asdict(r) for r in rows],
        "bare": [asdict(r) for r in bare_rows],
    }
    written.write_text(json.dumps(document, indent=2))
    print(f"Written to {written.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
