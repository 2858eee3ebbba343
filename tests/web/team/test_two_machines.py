"""Team mode past one machine: two `backstride serve` processes on ports of their own (standing
for two machines, each with its own data folder) and a worker started apart, sharing one
PostgreSQL, one Redis and one upload folder (`BACKSTRIDE_SPOOL_DIR`).

A session signed in through one is valid on the other, failed sign-ins through both count
together, an upload begun on one that is killed halfway carries on on the other, and the worker
imports it. Real processes, each waited for by what it prints when ready, all stopped at the end.
"""

from __future__ import annotations

import base64
import os
import queue
import re
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from upload_queue_support import CLI, ROOT, export_zip, private_queue, require_redis

from backstride.services.accounts import SignInThrottled, open_team_store, sign_in
from backstride.settings import Settings
from tests.web.conftest import TEAM_SECRET_KEY

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery"
READY = "Application startup complete"
START_S = 60
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
TUS = {"Tus-Resumable": "1.0.0"}


@dataclass
class Machine:
    """One `backstride serve` process: its URL, and the lines it printed."""

    process: subprocess.Popen[str]
    url: str
    lines: queue.Queue[str | None]

    def wait_for(self, wanted: str) -> None:
        """Block until the process prints a line holding `wanted`; fail if it stops first."""
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=START_S)
            except queue.Empty:
                pytest.fail(f"no {wanted!r} within {START_S} s; it printed:\n{''.join(seen)}")
            if line is None:
                pytest.fail(f"it stopped before {wanted!r}; it printed:\n{''.join(seen)}")
            seen.append(line)
            if wanted in line:
                return

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=START_S)


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def _read_lines(stream, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@contextmanager
def started(command: list[str], environment: dict[str, str], url: str = "") -> Iterator[Machine]:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stderr, lines), daemon=True).start()
    machine = Machine(process, url, lines)
    try:
        yield machine
    finally:
        machine.kill()
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture
def team(database_url: str, tmp_path: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """The shared services: PostgreSQL (a fresh schema), Redis (a queue of the test's own),
    and the shared upload folder; the environment every process of the team gets."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two machines share PostgreSQL: the SQLite run has nothing to show")
    with private_queue() as name:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTRIDE_")}
        environment.pop("CI", None)
        environment.update(
            {
                "BACKSTRIDE_MODE": "team",
                "BACKSTRIDE_DATABASE_URL": database_url,
                "BACKSTRIDE_REDIS_URL": require_redis(),
                "BACKSTRIDE_SECRET_KEY": TEAM_SECRET_KEY,
                "BACKSTRIDE_SECURE_COOKIES": "false",
                "BACKSTRIDE_UPLOAD_QUEUE": name,
                "BACKSTRIDE_SPOOL_DIR": str(tmp_path / "shared-upload-folder"),
                "PYTHONPATH": str(ROOT),
            }
        )
        settings = Settings(
            mode="team",
            database_url=database_url,
            redis_url=require_redis(),
            secret_key=TEAM_SECRET_KEY,
            upload_queue=name,
            spool_dir=tmp_path / "shared-upload-folder",
        )
        yield settings, environment


def machine_environment(environment: dict[str, str], folder: Path) -> dict[str, str]:
    """A machine's own environment: the team's settings, and a data folder of its own."""
    folder.mkdir()
    return {**environment, "BACKSTRIDE_DATA_DIR": str(folder)}


def csrf_of(client: httpx.Client, url: str) -> str:
    found = _CSRF.search(client.get(url).text)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def test_two_web_processes_and_a_worker_share_sessions_limits_and_uploads(team, tmp_path):
    settings, environment = team
    export = export_zip(range(1, 21))
    with ExitStack() as stack:
        a_port, b_port = _free_port(), _free_port()
        a, b = (
            stack.enter_context(
                started(
                    [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
                    machine_environment(environment, tmp_path / name),
                    f"http://127.0.0.1:{port}",
                )
            )
            for name, port in (("machine-a", a_port), ("machine-b", b_port))
        )
        a.wait_for(READY)
        b.wait_for(READY)
        ana = stack.enter_context(httpx.Client(timeout=30))

        # Signed up through A, the session is valid on B.
        token = csrf_of(ana, f"{a.url}/signup")
        signed_up = ana.post(
            f"{a.url}/signup",
            data={
                "csrf_token": token,
                "email": "ana@example.org",
                "password": PASSWORD,
                "password_again": PASSWORD,
                "role": "runner",
                "name": "Ana",
            },
        )
        assert signed_up.status_code == 303, signed_up.text[:300]
        assert ana.get(f"{b.url}/today").status_code == 200

        # Failed sign-ins through A, B and A count together, in the shared database.
        stranger = stack.enter_context(httpx.Client(timeout=30))
        for machine in (a, b, a):
            token = csrf_of(stranger, f"{machine.url}/login")
            refused = stranger.post(
                f"{machine.url}/login",
                data={"csrf_token": token, "email": "ana@example.org", "password": "wrong guess"},
            )
            assert refused.status_code == 401
        with open_team_store(settings) as store, pytest.raises(SignInThrottled):
            # At the moment of the third failure the next attempt must wait, whichever
            # process it reaches: three failures of the same email were counted.
            from backstride.services.accounts import LOGIN_LIMITS

            failures = _email_failures(store, "ana@example.org")
            assert len(failures) == LOGIN_LIMITS.email_free
            sign_in(
                store,
                email="ana@example.org",
                password=PASSWORD,
                address="203.0.113.9",
                now=failures[-1],
            )

        # An upload begun on A, which is killed in the middle of a part, carries on on B.
        headers = {**TUS, "X-CSRF-Token": csrf_of(ana, f"{b.url}/activities")}
        name = base64.b64encode(b"export_ana.zip").decode()
        created = ana.post(
            f"{a.url}/api/v1/resumable-uploads",
            headers={
                **headers,
                "Upload-Length": str(len(export)),
                "Upload-Metadata": f"filename {name}",
            },
        )
        assert created.status_code == 201, created.text
        path = created.headers["location"]
        part = {**headers, "Content-Type": "application/offset+octet-stream"}
        first = len(export) // 3
        sent = ana.patch(
            f"{a.url}{path}", content=export[:first], headers={**part, "Upload-Offset": "0"}
        )
        assert sent.status_code == 204
        _kill_while_sending(
            ana, a, f"{a.url}{path}", export[first:], {**part, "Upload-Offset": str(first)}
        )

        offset = int(ana.head(f"{b.url}{path}", headers=TUS).headers["upload-offset"])
        assert first <= offset <= len(export)
        rest = ana.patch(
            f"{b.url}{path}",
            content=export[offset:],
            headers={**part, "Upload-Offset": str(offset)},
        )
        assert rest.status_code == 204, rest.text
        queued = ana.post(f"{b.url}{path}/import", headers=headers)
        assert queued.status_code == 202, queued.text
        (job,) = queued.json()["jobs"]

        # A worker started apart (its own data folder, the shared upload folder) imports it.
        worker = stack.enter_context(
            started(
                [*CLI, "worker", "--burst"],
                machine_environment(environment, tmp_path / "worker-machine"),
            )
        )
        # --burst: it imports what is queued, then stops by itself.
        assert worker.process.wait(timeout=120) == 0

        done = ana.get(f"{b.url}{job['url']}").json()
        assert done["state"] == "done", done
        assert done["summary"]["imported"] == 20
        listed = ana.get(f"{b.url}/api/v1/activities").json()
        assert len(listed) == 20
        # Nothing of it is left in the shared upload folder.
        assert [p for p in settings.spool_dir.rglob("*") if p.is_file()] == []


def _kill_while_sending(
    client: httpx.Client, machine: Machine, url: str, body: bytes, headers: dict[str, str]
) -> None:
    """Send `body` to `machine`, and kill the machine once the first bytes are on their way."""
    on_the_way, killed = threading.Event(), threading.Event()

    def parts() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        on_the_way.set()
        killed.wait(START_S)
        yield body[len(body) // 2 :]

    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(client.patch(url, content=parts(), headers=headers))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    assert on_the_way.wait(START_S)
    machine.kill()
    killed.set()
    sender.join(START_S)
    assert outcome and isinstance(outcome[0], httpx.HTTPError), outcome


def _email_failures(store, email: str):
    from backstride.services.accounts import _subject
    from backstride.store import repo

    with store.session() as session:
        return repo.login_failures(
            session=session, subject=_subject("email", email), since=_epoch()
        )


def _epoch():
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)
