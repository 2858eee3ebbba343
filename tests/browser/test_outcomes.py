"""Outcome measures in a real browser: the prompt on Today, the questionnaires answered through
the page, Progress drawing each measure against its MIC line, and the report's section.

Screenshots: `outcomes-form-*`, `progress-outcomes-*` (Progress, and its outcome section alone)
and `report-outcomes` (the physio report's section), in the screenshot folder (conftest.py).
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from builders import SAMPLE_INTAKE
from pinned_time import TODAY
from playwright.sync_api import Page, expect

from .checks import layout_problems
from .live import Screenshot

pytestmark = pytest.mark.browser

START = TODAY - dt.timedelta(days=28)


def _seed(base_url: str) -> None:
    """Four weeks in: an assessment, daily check-ins, two earlier RMDQs and a PSFS."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.post("/api/v1/assess", json=SAMPLE_INTAKE).raise_for_status()
        for days in range(29):
            day = START + dt.timedelta(days=days)
            pain = max(1, 6 - days // 6)
            client.post(
                "/api/v1/checkins", json={"date": day.isoformat(), "morning_pain": pain}
            ).raise_for_status()
        for day, yes in ((START, 13), (START + dt.timedelta(days=14), 10)):
            answers = [True] * yes + [False] * (24 - yes)
            document = {"date": day.isoformat(), "instrument": "rmdq", "answers": answers}
            client.post("/api/v1/outcomes", json=document).raise_for_status()
        psfs = {
            "date": START.isoformat(),
            "instrument": "psfs",
            "activities": [
                {"name": "run 5 km", "score": 3},
                {"name": "run downhill", "score": 2},
                {"name": "sit through a meeting", "score": 5},
            ],
        }
        client.post("/api/v1/outcomes", json=psfs).raise_for_status()


def test_the_questionnaires_are_answered_and_progress_draws_them_against_the_mic(
    page: Page, live_server: str, screenshot: Screenshot
) -> None:
    _seed(live_server)
    page.goto("/today")
    prompt = page.locator("#outcomes-due")
    expect(prompt.get_by_role("heading", name="Time to measure your progress")).to_be_visible()
    prompt.get_by_role("link", name="Answer now").click()
    page.wait_for_url("**/progress/outcomes")
    problems = layout_problems(page, "outcomes-form", screenshot)
    assert not problems, "\n".join(problems)

    # The RMDQ: six statements ticked today.
    statements = page.locator("#rmdq-statements").get_by_role("checkbox")
    expect(statements).to_have_count(24)
    for number in (0, 2, 5, 9, 12, 17):
        statements.nth(number).check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/progress/outcomes?saved=rmdq*")
    expect(page.locator("#saved")).to_contain_text("Better: from 13 to 6")

    # The PSFS: last time's activities are offered again; rated higher today.
    expect(page.get_by_label("What the activity is").first).to_have_value("run 5 km")
    for row, rating in ((0, "6"), (1, "5"), (2, "7")):
        page.locator(f"#activity-{row}-score").fill(rating)
    page.get_by_role("button", name="Save my ratings").click()
    page.wait_for_url("**/progress/outcomes?saved=psfs*")
    expect(page.locator("#saved")).to_contain_text("Better: from 3.33 to 6")

    page.goto("/progress")
    section = page.locator("#outcomes")
    expect(section.get_by_role("heading", name="Outcome measures")).to_be_visible()
    for measure in ("rmdq", "psfs", "pain_nrs"):
        canvas = page.locator(f"#outcome-{measure} canvas")
        expect(canvas).to_be_visible()
        drawn = canvas.evaluate("(c) => Boolean(window.Chart && window.Chart.getChart(c))")
        assert drawn, f"the {measure} chart was not drawn"
        mic = canvas.evaluate("(c) => window.Chart.getChart(c).data.datasets.length")
        assert mic == 2, f"the {measure} chart has no MIC line"
    expect(page.locator("#outcome-rmdq .verdict")).to_contain_text("Better: from 13 to 6")
    expect(page.locator("#outcome-startback .verdict")).to_contain_text("One score so far")
    page.set_viewport_size({"width": 1280, "height": 900})
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(screenshot_path(screenshot, page, "progress-outcomes-section")))
    page.set_viewport_size({"width": 360, "height": 740})
    problems = layout_problems(page, "progress-outcomes", screenshot)
    assert not problems, "\n".join(problems)

    page.goto("/today")
    expect(page.locator("#outcomes-due")).to_have_count(0)  # both answered today


def test_the_report_has_the_outcome_section(
    desktop_page: Page, live_server: str, screenshot: Screenshot
) -> None:
    _seed(live_server)
    # The report is a download: read it as a file, then open it as the runner would.
    with httpx.Client(base_url=live_server, timeout=30) as client:
        report = client.get("/data/report.html")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    desktop_page.set_content(report.text)
    section = desktop_page.locator("#outcomes")
    expect(section.get_by_role("heading", name="Outcome measures")).to_be_visible()
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("RMDQ (0-24, lower is better)")
    expect(rows.nth(0)).to_contain_text("No clear change: below the MIC")  # 13 -> 10
    expect(rows.nth(2)).to_contain_text("Improved: the change reaches the MIC")  # pain 6 -> 2
    section.screenshot(path=str(screenshot_path(screenshot, desktop_page, "report-outcomes")))


def screenshot_path(screenshot: Screenshot, page: Page, name: str):
    """Where `screenshot` would put `name`: the folder of a full-page shot, taken first."""
    return screenshot(page, f"{name}-page").with_name(f"{name}.png")
