"""Real-browser tests: the app served by uvicorn on a loopback port, driven by Debian's chromium.

Each test gets its own app over a fresh SQLite file (`live_server`), and a page at phone size
(`page`: 360x740, device scale 2, touch) or desktop size (`desktop_page`), already pointed at
that server, so `page.goto("/today")` works. Every console error and uncaught script error on a
page (a Content-Security-Policy refusal shows up as one) fails the test that opened it.

Playwright drives the chromium Debian installs (`apt-get install chromium`), never a browser of
its own. Without it the tests are skipped, except in CI (`CI` set), where they fail: CI installs
it (`.ci/run`). Full-page screenshots go to the folder named by `BACKSTRIDE_SCREENSHOTS`, or to a
pytest temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from backstride.settings import Settings
from backstride.web.app import create_app

#: Debian's chromium; Playwright's own browser download is not used.
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = "install Debian's chromium (apt-get install chromium) to run the browser tests"

#: A small phone (the narrowest screen Backstride is laid out for) and a laptop.
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}

#: How long a page action or an expectation may wait before the test fails (milliseconds).
ACTION_TIMEOUT_MS = 10_000
#: How long the server may take to open its store and listen (seconds).
SERVER_START_S = 20.0


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Serve `create_app(settings)` with uvicorn on a free loopback port; yield its base URL.

    The server runs in a background thread and is stopped (lifespan shut down, store closed,
    socket closed, thread joined) when the block ends.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), lifespan="on", ws="none", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="browser-test-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not server.started:
            if not thread.is_alive():
                pytest.fail("the web app stopped while starting; its log above says why")
            if time.monotonic() > deadline:
                pytest.fail(f"the web app did not start within {SERVER_START_S:g} seconds")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_S)
        listener.close()
        if thread.is_alive():
            pytest.fail("the web app did not stop within its time after the test")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The base URL of the personal app over a fresh SQLite file, served for this test."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'backstride.db'}", mode="personal")
    with serving(settings) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless chromium (Debian's), shared by the session's tests."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: {INSTALL_CHROMIUM}", pytrace=False)
        pytest.skip(INSTALL_CHROMIUM)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class PageProblems:
    """Console errors and uncaught script errors seen on the test's pages, in order."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def take(self) -> list[str]:
        """The problems seen so far, forgotten once taken (a test that reports them itself)."""
        taken, self.messages = self.messages, []
        return taken

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url") or "the page"
            self.messages.append(f"console error from {where}: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.messages.append(f"uncaught script error: {error.message}")


@pytest.fixture
def page_problems() -> Iterator[PageProblems]:
    """What went wrong in the browser during this test; any of it fails the test at its end."""
    problems = PageProblems()
    yield problems
    if problems.messages:
        pytest.fail("the browser reported errors:\n" + "\n".join(problems.messages))


@contextmanager
def open_page(
    browser: Browser, base_url: str, device: dict[str, Any], problems: PageProblems
) -> Iterator[Page]:
    """A page of a new browser context on `base_url`, sized as `device`, watched by `problems`."""
    # Reduced motion: charts are drawn at once, so a screenshot never catches a bar mid-growth.
    context = browser.new_context(base_url=base_url, reduced_motion="reduce", **device)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    problems.watch(page)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: str, page_problems: PageProblems) -> Iterator[Page]:
    """A phone-sized page (360x740, device scale 2, touch) on this test's server."""
    with open_page(browser, live_server, PHONE, page_problems) as opened:
        yield opened


@pytest.fixture
def desktop_page(browser: Browser, live_server: str, page_problems: PageProblems) -> Iterator[Page]:
    """A desktop-sized page (1280x900) on this test's server."""
    with open_page(browser, live_server, DESKTOP, page_problems) as opened:
        yield opened


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where full-page screenshots go: `BACKSTRIDE_SCREENSHOTS`, or a pytest temporary folder."""
    chosen = os.environ.get("BACKSTRIDE_SCREENSHOTS")
    if not chosen:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(chosen).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshots_dir: Path) -> Callable[[Page, str], Path]:
    """`screenshot(page, "today-phone")`: save a full-page PNG of `page`; returns its path."""

    def save(page: Page, name: str) -> Path:
        path = screenshots_dir / f"{name}.png"
        # CSS pixels: a phone page is 360 px wide, and four times quicker to write than at 2x.
        page.screenshot(path=str(path), full_page=True, scale="css", animations="disabled")
        return path

    return save
