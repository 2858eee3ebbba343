"""Every page in a real browser: it fits a 360 px phone and a desktop, axe finds no serious or
critical accessibility problem, the keyboard's first stop is the skip link, which leads into
main, and the browser reports no error (a refused script or style shows up as one).

The pages read from one record, filled once for this module through the JSON API (an
assessment, a week of check-ins, an activity), so they show what a runner sees after a few
days rather than their empty state. The assessment's result and emergency pages are answers to
the form: test_onboarding.py runs the same checks on them (`layout_problems`) once it has
reached them through the form.

Full-page screenshots of each page, at phone and desktop size, go to the screenshot folder
(see conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from builders import SAMPLE_CHECKIN, SAMPLE_INTAKE
from pinned_time import TODAY
from playwright.sync_api import Browser, expect

from backstride.settings import Settings

from .checks import layout_problems
from .live import PHONE, PageProblems, Screenshot, open_page, serving

pytestmark = pytest.mark.browser

#: An activity file of the shared corpus (a run recorded on a Garmin fenix 2), read in place.
CORPUS_RUN = (
    Path(__file__).resolve().parents[2]
    / "../shared/data/activities/fit/fitparse_activity-small-fenix2-run.fit"
).resolve()

#: Each page a runner reaches from the site's links, by its name in reports and screenshots.
PAGES = {
    "assessment-form": "/",
    "today": "/today",
    "plan": "/plan",
    "progress": "/progress",
    "outcomes": "/progress/outcomes",
    "activities": "/activities",
    "form": "/form",
    "learn": "/learn",
    "your-data": "/data",
}


def _seed(base_url: str) -> None:
    """Fill the record as a runner's first week would: an assessment, check-ins, an activity."""
    today = TODAY
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


@pytest.mark.parametrize(("name", "path"), PAGES.items(), ids=list(PAGES))
def test_page_fits_phone_and_desktop_with_no_serious_problem(
    name: str,
    path: str,
    browser: Browser,
    record_server: str,
    page_problems: PageProblems,
    screenshot: Screenshot,
) -> None:
    with open_page(browser, record_server, PHONE, page_problems) as page:
        answer = page.goto(path)
        assert answer is not None and answer.ok, f"GET {path} answered {answer and answer.status}"
        expect(page.locator("main")).to_be_visible()
        found = layout_problems(page, name, screenshot)
        errors = page_problems.take()
    if errors:
        found.append(f"browser errors on {name}:\n  " + "\n  ".join(errors))
    assert not found, "\n".join(found)
