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
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from backstride.settings import Settings

from .live import DESKTOP, PHONE, PageProblems, Screenshot, open_page, serving

#: Debian's chromium; Playwright's own browser download is not used.
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = "install Debian's chromium (apt-get install chromium) to run the browser tests"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The base URL of the personal app over a fresh SQLite file, served for this test."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'backstride.db'}", mode="personal")
    with serving(settings) as base_url:
        yield base_url


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless chromium (Debian's), shared by the browser tests.

    Package scope, not session: Playwright's sync API runs an event loop on this thread while
    it is open, and the async tests that run after this package need the thread to themselves.
    """
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


@pytest.fixture
def page_problems() -> Iterator[PageProblems]:
    """What went wrong in the browser during this test; any of it fails the test at its end."""
    problems = PageProblems()
    yield problems
    if problems.messages:
        pytest.fail("the browser reported errors:\n" + "\n".join(problems.messages))


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
def screenshot(screenshots_dir: Path) -> Screenshot:
    """`screenshot(page, "today-phone")`: save a full-page PNG of `page`; returns its path."""

    def save(page: Page, name: str) -> Path:
        path = screenshots_dir / f"{name}.png"
        # CSS pixels: a phone page is 360 px wide, and four times quicker to write than at 2x.
        page.screenshot(path=str(path), full_page=True, scale="css", animations="disabled")
        return path

    return save
