"""Locust users for the web benchmark (bench/bench_web.py starts the server and runs this).

Two scenarios, one user class each, chosen on locust's command line:

* `AssessUser` posts the DESIGN sample intake to POST /api/v1/assess, again and again (each
  assessment is kept in the record, as the app does by default);
* `TodayUser` asks for the Today page (GET /today), once an assessment exists.

Users do not wait between requests: 50 users keep 50 requests in flight, so the figures are
the server's capacity at that concurrency. With `--user-rate R` each user instead sends R
requests/s, started at a random point of its first period so that the users' requests arrive
spread out: the latency at a given load below saturation.

In team mode (`--team`) each user first signs up with an account of its own, assesses once (so
its Today page has something to show), and then sends its session cookie and CSRF token with
every request; personal mode has one runner and no login.

Once every user is set up, `--warmup` seconds more are not counted; then the statistics are
reset, the CPU time of the server processes (`--server-pid` and its children) and of this
process is read, and after `--window` seconds locust stops and the figures of that window are
written as JSON to `--summary` for bench_web.py to print. Requests a user makes to set itself
up are named "(setup) ..." and never counted.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import time
from pathlib import Path
from typing import Any, ClassVar

import gevent
import psutil
from locust import FastHttpUser, events, task
from locust.env import Environment
from locust.stats import StatsEntry

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_INTAKE_PATH = ROOT / "examples" / "intake.json"
INTAKE_BODY = SAMPLE_INTAKE_PATH.read_text()
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}

#: The CSRF token that team-mode pages carry for scripts (htmx) to send back.
_CSRF_META = re.compile(rb'<meta name="csrf-token" content="([^"]*)"')
_CSRF_HEADER = "X-CSRF-Token"
#: Requests named with this prefix set a user up and are not counted.
SETUP = "(setup)"


def _add_options(parser: Any) -> None:
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds not counted")
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured")
    parser.add_argument("--summary", default="", help="where to write the JSON figures")
    parser.add_argument("--server-pid", type=int, default=0, help="the server's main process")
    parser.add_argument("--team", action="store_true", help="sign up each user first")
    parser.add_argument(
        "--user-rate", type=float, default=0.0, help="requests/s per user; 0: no pause at all"
    )


class _Window:
    """The measuring window: when it began, and the CPU times read then."""

    #: Users that have finished setting up (team mode: signed up and assessed once).
    users_ready = 0
    started: float | None = None
    cpu_at_start: ClassVar[dict[str, float]] = {}
    load_at_start: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _measured(environment: Environment) -> StatsEntry:
    """The scenario's requests in the window, without those the users made to set up."""
    measured = StatsEntry(environment.stats, "measured", "")
    for (name, _method), entry in environment.stats.entries.items():
        if not name.startswith(SETUP):
            measured.extend(entry)
    return measured


def _errors(environment: Environment) -> list[str]:
    """The first few failures and exceptions (a sign-up refused, say), one line each."""
    failures = [
        f"{error.method} {error.name}: {error.error} ({error.occurrences}x)"
        for error in environment.stats.errors.values()
    ]
    runner = environment.runner
    raised = [] if runner is None else [str(e["msg"]) for e in runner.exceptions.values()]
    return (failures + raised)[:5]


def _cpu_seconds(server_pid: int) -> dict[str, float]:
    """User + system CPU seconds so far: the server (main process and workers) and locust."""
    figures = {"locust": sum(psutil.Process().cpu_times()[:2])}
    if server_pid:
        try:
            main = psutil.Process(server_pid)
            processes = [main, *main.children(recursive=True)]
            figures["server"] = sum(sum(p.cpu_times()[:2]) for p in processes)
        except psutil.Error:
            figures["server"] = float("nan")
    return figures


def _options(environment: Environment) -> Any:
    """The command line as parsed, with the options added above."""
    if environment.parsed_options is None:
        raise RuntimeError("run this file with the locust command")
    return environment.parsed_options


def _start_window_later(environment: Environment, **_: Any) -> None:
    """Once every user is set up and the warm-up is over, measure for `--window` seconds."""
    options = _options(environment)

    def measure() -> None:
        while _Window.users_ready < options.num_users:
            gevent.sleep(0.1)
        gevent.sleep(options.warmup)
        environment.stats.reset_all()
        _Window.started = time.perf_counter()
        _Window.cpu_at_start = _cpu_seconds(options.server_pid)
        _Window.load_at_start = os.getloadavg()
        gevent.sleep(options.window)
        if environment.runner is not None:
            environment.runner.quit()

    gevent.spawn(measure)


def _write_summary(environment: Environment, **_: Any) -> None:
    """The window's figures, read before the users are stopped (so no request is cut short)."""
    options = _options(environment)
    ended = time.perf_counter()
    if not options.summary:
        return
    if _Window.started is None:
        summary: dict[str, Any] = {"error": "the run ended before the warm-up did"}
    else:
        measured = _measured(environment)
        cpu = _cpu_seconds(options.server_pid)
        window_s = ended - _Window.started
        summary = {
            "window_s": window_s,
            "requests": measured.num_requests,
            "failures": measured.num_failures,
            "requests_per_s": measured.num_requests / window_s if window_s else 0.0,
            "p50_ms": measured.get_response_time_percentile(0.50),
            "p90_ms": measured.get_response_time_percentile(0.90),
            "p99_ms": measured.get_response_time_percentile(0.99),
            "max_ms": measured.max_response_time,
            "cpu_s": {k: cpu[k] - _Window.cpu_at_start.get(k, 0.0) for k in cpu},
            "load_average_start": _Window.load_at_start,
            "load_average_end": os.getloadavg(),
            "errors": _errors(environment),
        }
        if not measured.num_requests:
            summary["error"] = "no request was answered in the window: " + "; ".join(
                summary["errors"]
            )
    Path(options.summary).write_text(json.dumps(summary, indent=2))


events.init_command_line_parser.add_listener(_add_options)  # type: ignore[no-untyped-call]
events.test_start.add_listener(_start_window_later)  # type: ignore[no-untyped-call]
events.test_stopping.add_listener(_write_summary)  # type: ignore[no-untyped-call]


class _BackstrideUser(FastHttpUser):
    """A client of the app: in team mode, signed up as a runner of its own."""

    abstract = True
    #: One connection per user, kept open, as a browser or an API client would.
    concurrency = 1
    #: Set in team mode: the token the server expects back on requests that change something.
    csrf_token = ""

    def wait_time(self) -> float:
        """No pause (the server's capacity), or until this user's next slot at `--user-rate`.

        Slots are fixed, one period apart from the user's (random) start: a slow answer does not
        push the later requests back, as with clients that come when they come.
        """
        if not self._period:
            return 0.0
        self._next_at += self._period
        return max(0.0, self._next_at - time.perf_counter())

    def on_start(self) -> None:
        rate = _options(self.environment).user_rate
        self._period = 1 / rate if rate > 0 else 0.0
        if _options(self.environment).team:
            self._sign_up()
            self._assess_once()
        if self._period:
            # Users start at random points of one period, so that their requests arrive spread
            # out, not all together in a burst every period.
            gevent.sleep(random.uniform(0, self._period))
        self._next_at = time.perf_counter()
        _Window.users_ready += 1

    def _sign_up(self) -> None:
        """Create an account with a random e-mail address; the session cookie is kept."""
        page = self.client.get("/signup", name=f"{SETUP} GET /signup")
        self.csrf_token = _csrf_from(page.content or b"")
        password = secrets.token_urlsafe(18)
        form = {
            "email": f"bench-{secrets.token_hex(8)}@example.org",
            "password": password,
            "password_again": password,
            "role": "runner",
            "time_zone": "UTC",
            "csrf_token": self.csrf_token,
        }
        answer = self.client.post("/signup", data=form, name=f"{SETUP} POST /signup")
        _check(answer.status_code, "sign up")
        today = self.client.get("/today", name=f"{SETUP} GET /today")
        self.csrf_token = _csrf_from(today.content or b"") or self.csrf_token

    def _assess_once(self) -> None:
        answer = self.client.post(
            "/api/v1/assess",
            data=INTAKE_BODY,
            headers=self._headers(JSON_HEADERS),
            name=f"{SETUP} POST /api/v1/assess",
        )
        _check(answer.status_code, "assess")

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {**headers, _CSRF_HEADER: self.csrf_token} if self.csrf_token else headers


def _check(status: int, what: str) -> None:
    if status >= 400:
        raise RuntimeError(f"could not {what} before the test: status {status}")


def _csrf_from(page: bytes) -> str:
    found = _CSRF_META.search(page)
    return found.group(1).decode() if found else ""


class AssessUser(_BackstrideUser):
    """POST /api/v1/assess with the sample intake; a kept assessment is a success."""

    @task
    def assess(self) -> None:
        with self.client.post(
            "/api/v1/assess",
            data=INTAKE_BODY,
            headers=self._headers(JSON_HEADERS),
            name="POST /api/v1/assess",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
            elif b'"saved":true' not in (answer.content or b""):
                answer.failure("the assessment was not kept")


class TodayUser(_BackstrideUser):
    """GET /today; a page with the running decision on it is a success."""

    @task
    def today(self) -> None:
        with self.client.get(
            "/today", headers=self._headers({}), name="GET /today", catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
            elif b"Running today:" not in (answer.content or b""):
                answer.failure("the page shows no running decision")
