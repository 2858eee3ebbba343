"""A new runner answers the assessment in a real browser and sees what to do.

Ordinary back pain gives the self-care result with its exercise plan; saddle numbness (possible
cauda equina syndrome) gives the emergency page: what to do now fills the top of the screen, and
no plan is shown. Both answers then get the checks every page gets (test_layout.py): they fit a
phone and a desktop, axe finds nothing serious, the skip link comes first.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .checks import layout_problems
from .live import Screenshot
from .onboarding import answer_as_runner_with_back_pain, submit_assessment

pytestmark = pytest.mark.browser


def test_a_runner_with_ordinary_back_pain_gets_the_self_care_plan(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your back-pain assessment")

    answer_as_runner_with_back_pain(page)
    submit_assessment(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your assessment")
    expect(page.get_by_role("heading", name="Look after it yourself")).to_be_visible()
    expect(page.get_by_role("heading", name="Running today: Run less")).to_be_visible()
    expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
    exercises = (
        page.locator("#exercises")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", level=4))
    )
    expect(exercises.first).to_be_visible()
    assert exercises.count() >= 3, "the plan names a few exercises, each with its dose"
    expect(page.get_by_role("heading", name="Glute bridge")).to_be_visible()
    expect(page.get_by_text("Safety questions left unanswered")).to_have_count(0)
    problems = layout_problems(page, "result", screenshot)
    assert not problems, "\n".join(problems)


def test_saddle_numbness_shows_the_emergency_page_and_no_plan(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/")
    answer_as_runner_with_back_pain(page, saddle_numbness=True)
    submit_assessment(page)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Go to an emergency department now")
    expect(heading).to_be_in_viewport()
    advice = page.locator("main .act-now .advice")
    expect(advice).to_contain_text("emergency department now")
    expect(advice).to_be_in_viewport()
    # What to do now is the first thing in the page's content, right under the site header.
    first_in_main = page.locator("main > *").first
    expect(first_in_main).to_have_class("triage act-now level-emergency")

    expect(page.get_by_role("heading", name="Your plan")).to_have_count(0)
    expect(page.get_by_role("heading", name="Exercises")).to_have_count(0)
    expect(page.get_by_role("heading", name="Running today")).to_have_count(0)
    expect(page.get_by_text("Glute bridge")).to_have_count(0)
    problems = layout_problems(page, "emergency", screenshot)
    assert not problems, "\n".join(problems)
