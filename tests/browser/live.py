"""The pieces of a real-browser test: the app served on a loopback port, a page of a given size,
and a record of what went wrong in the browser. conftest.py builds its fixtures from these.
"""

from __future__ import annotations

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
from playwright.sync_api import Browser, ConsoleMessage, Error, Page

from backstride.settings import Settings
from backstride.web.app import create_app

#: `screenshot(page, "today-phone")` saves a full-page PNG and returns its path.
Screenshot = Callable[[Page, str], Path]

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
def serving(settings: Settings, **app_options: Any) -> Iterator[str]:
    """Serve `create_app(settings, **app_options)` with uvicorn on a free loopback port; yield
    its base URL.

    The server runs in a background thread and is stopped (lifespan shut down, store closed,
    socket closed, thread joined) when the block ends.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings, **app_options),
        lifespan="on",
        ws="none",
        log_level="warning",
        access_log=False,
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
