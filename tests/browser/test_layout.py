"""Every page in a real browser: it fits a 360 px phone, axe finds no serious accessibility
problem, the keyboard's first stop is the skip link, and the browser reports no error.

The pages read from one record, filled once for this module through the JSON API (an
assessment, a week of check-ins, an activity), so they show what a runner sees after a few
days rather than their empty state. The result and emergency pages are answers to the
assessment form, so each is reached through the form on a server of its own: keeping those
assessments in the shared record would change what the other pages show.

Full-page screenshots of each page, at phone and desktop size, go to the screenshot folder
(see conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from builders import SAMPLE_CHECKIN, SAMPLE_INTAKE
from playwright.sync_api import Browser, Page, expect

from backstride.settings import Settings

from .checks import accessibility_problems, overflow_problems
from .conftest import DESKTOP, PHONE, PageProblems, open_page, serving
from .onboarding import answer_as_runner_with_back_pain, submit_assessment

pytestmark = pytest.mark.browser

#: An activity file of the shared corpus (a run recorded on a Garmin fenix 2), read in place.
CORPUS_RUN = (
    Path(__file__).resolve().parents[2]
    / "../shared/data/activities/fit/fitparse_activity-small-fenix2-run.fit"
).resolve()


@dataclass(frozen=True, slots=True)
class Screen:
    """A page to check: its name in reports and screenshots, and how a runner gets to it."""

    name: str
    path: str = ""
    saddle_numbness: bool | None = None

    @property
    def is_form_answer(self) -> bool:
        """Reached by sending the assessment form (the result pages), not by a link."""
        return self.saddle_numbness is not None

    def open(self, page: Page) -> None:
        if not self.is_form_answer:
            page.goto(self.path)
            return
        page.goto("/")
        answer_as_runner_with_back_pain(page, saddle_numbness=bool(self.saddle_numbness))
        submit_assessment(page)


SCREENS = [
    Screen("assessment-form", "/"),
    Screen("today", "/today"),
    Screen("plan", "/plan"),
    Screen("progress", "/progress"),
    Screen("activities", "/activities"),
    Screen("learn", "/learn"),
    Screen("your-data", "/data"),
    Screen("result", saddle_numbness=False),
    Screen("emergency", saddle_numbness=True),
]


def _seed(base_url: str) -> None:
    """Fill the record as a runner's first week would: an assessment, check-ins, an activity."""
    today = dt.date.today()
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.post("/api/v1/assess", json=SAMPLE_INTAKE).raise_for_status()
        for days_ago, pain in enumerate([2, 1, 3, 2, 2, 1, 3]):
            checkin = {
                **SAMPLE_CHECKIN,
                "date": (today - dt.timedelta(days=days_ago)).isoformat(),
                "morning_pain": pain,
            }
            client.post("/api/v1/checkins", json=checkin).raise_for_status()
        if CORPUS_RUN.is_file():
            with CORPUS_RUN.open("rb") as run:
                files = {"file": (CORPUS_RUN.name, run, "application/octet-stream")}
                client.post("/api/v1/activities", files=files).raise_for_status()


@pytest.fixture(scope="module")
def record_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module's pages, over a record with a week of use in it."""
    folder = tmp_path_factory.mktemp("layout")
    settings = Settings(database_url=f"sqlite:///{folder / 'backstride.db'}", mode="personal")
    with serving(settings) as base_url:
        _seed(base_url)
        yield base_url


@pytest.fixture
def server_for(request: pytest.FixtureRequest, record_server: str) -> Callable[[Screen], str]:
    """The server a screen is opened on: a fresh one for a form answer, the shared one else."""

    def choose(screen: Screen) -> str:
        if screen.is_form_answer:
            return str(request.getfixturevalue("live_server"))
        return record_server

    return choose


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_page_fits_phone_and_desktop_with_no_serious_problem(
    screen: Screen,
    browser: Browser,
    server_for: Callable[[Screen], str],
    page_problems: PageProblems,
    screenshot: Callable[[Page, str], Path],
) -> None:
    """At 360 px: fits, passes axe. At desktop width (the same page, widened): fits, and the
    keyboard's first stop is the skip link, which takes focus into main. No browser errors."""
    found: list[str] = []
    with open_page(browser, server_for(screen), PHONE, page_problems) as page:
        screen.open(page)
        expect(page.locator("main")).to_be_visible()
        screenshot(page, f"{screen.name}-phone")
        found += _report(f"{screen.name} does not fit 360 px", overflow_problems(page))
        found += _report(f"axe on {screen.name}", accessibility_problems(page))

        page.set_viewport_size(DESKTOP["viewport"])
        screenshot(page, f"{screen.name}-desktop")
        found += _report(f"{screen.name} does not fit 1280 px", overflow_problems(page))
        found += _skip_link_problems(page, screen)
        found += _report(f"browser errors on {screen.name}", page_problems.take())
    assert not found, "\n".join(found)


def _report(title: str, problems: list[str]) -> list[str]:
    return [f"{title}:\n  " + "\n  ".join(problems)] if problems else []


def _skip_link_problems(page: Page, screen: Screen) -> list[str]:
    """The first Tab stop must be the skip link, and following it must lead into main."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    first_stop = _focused(page)
    if first_stop["text"] != "Skip to the content":
        return [f"{screen.name}: the first Tab stop is {json.dumps(first_stop)}, not the skip link"]
    page.keyboard.press("Enter")
    after_skip = _focused(page)
    page.keyboard.press("Tab")
    next_stop = _focused(page)
    if after_skip["in_main"] or next_stop["in_main"]:
        return []
    return [
        f"{screen.name}: after the skip link, focus is on {json.dumps(after_skip)} and the next "
        f"Tab goes to {json.dumps(next_stop)}, not into main"
    ]


def _focused(page: Page) -> dict[str, Any]:
    """The focused element: its tag, text, and whether it is main or inside it."""
    focused: dict[str, Any] = page.evaluate(
        """() => {
          const el = document.activeElement;
          const main = document.querySelector("main");
          return {
            tag: el ? el.tagName.toLowerCase() : "",
            text: el ? (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 60)
                     : "",
            in_main: Boolean(el && main && main.contains(el)),
          };
        }"""
    )
    return focused
