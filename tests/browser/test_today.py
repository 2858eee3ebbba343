"""Today in a real browser: the running decision of the assessment, and a check-in that changes it.

A check-in is sent through the page's own form, as a runner does on their phone in the morning.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from backstride.knowledge import load_knowledge

from .live import Screenshot
from .onboarding import keep_assessment

pytestmark = pytest.mark.browser


def check_in(page: Page) -> None:
    """Send the check-in form as it stands and wait for Today to come back."""
    page.get_by_role("button", name="Check in").click()
    page.wait_for_url("**/today?checkin=*")


def test_today_shows_the_decision_then_a_painful_run_in_the_check_in(
    page: Page, screenshot: Screenshot
) -> None:
    keep_assessment(page)
    page.goto("/today")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_role("heading", name="Running today: Run less")).to_be_visible()
    expect(page.get_by_role("heading", name="Today's exercises")).to_be_visible()
    expect(page.locator("#checked-in")).to_have_count(0)

    page.get_by_label("Back pain on waking this morning").fill("7")
    page.get_by_label("Minutes of back stiffness after waking").fill("40")
    page.get_by_role("group", name="What did you do?").get_by_label("Run", exact=True).check()
    page.get_by_label("Highest back pain during it").fill("6")
    page.get_by_label("Back pain just after it").fill("5")
    page.get_by_role("group", name="Did you limp").get_by_label("No", exact=True).check()
    page.get_by_label("Distance in kilometres").fill("3")
    page.get_by_label("Duration in minutes").fill("20")
    page.get_by_role("group", name="Exercises done today").get_by_label("Glute bridge").check()
    check_in(page)

    expect(page.get_by_role("status")).to_have_text("Your check-in for today is saved.")
    expect(page.locator("#checked-in")).to_have_text(
        "Checked in today: morning pain 7/10, run with pain up to 6/10."
    )
    expect(page.get_by_text("Checking in again updates today's check-in.")).to_be_visible()
    screenshot(page, "today-checked-in-phone")


def test_a_check_in_with_new_leg_symptoms_replaces_the_plan_with_see_a_doctor(
    page: Page, screenshot: Screenshot
) -> None:
    keep_assessment(page)
    page.goto("/today")
    expect(page.get_by_role("heading", name="Running today: Run less")).to_be_visible()

    page.get_by_label("Back pain on waking this morning").fill("4")
    leg = page.get_by_role("group", name="Any new pain, numbness, tingling or weakness in a leg?")
    leg.get_by_label("Yes", exact=True).check()
    check_in(page)

    safety = page.locator("#safety")
    expect(safety).to_be_visible()
    expect(safety).to_contain_text("From your check-in of")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Today")
    expect(page.get_by_role("heading", name="Running today")).to_have_count(0)
    # Until a doctor has been seen, only the plan's gentle mobility exercises stay.
    gentle = {e.name for e in load_knowledge().exercises if "acute" in e.phase}
    shown = page.locator("#exercises h3").all_inner_texts()
    assert set(shown) <= gentle, shown
    if shown:
        expect(safety).to_contain_text("keep moving with the gentle exercises below")
    expect(page.locator("#checked-in")).to_have_text("Checked in today: morning pain 4/10.")
    screenshot(page, "today-see-doctor-phone")
