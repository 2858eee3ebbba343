"""Answering the onboarding assessment (GET /) the way a runner does: by its labels.

The form is one long page without JavaScript and may show one step at a time with it (Next and
Back buttons). `reveal` clicks Next until a question is on screen, so the same steps work for
both. The answers are those of `builders.SAMPLE_INTAKE`: a 44-year-old runner with a few days
of ordinary, non-specific low back pain after a jump in weekly distance.
"""

from __future__ import annotations

import re
from typing import Any

from builders import SAMPLE_INTAKE
from playwright.sync_api import Locator, Page, expect

#: A Next button of a multi-step form ("Next", "Next step", "Next: Your pain", ...).
NEXT_BUTTON = re.compile(r"^\s*next\b", re.IGNORECASE)
#: More Next clicks than the form has steps: past that, the question is not on the form.
MOST_STEPS = 12

#: The safety question whose "yes" means possible cauda equina syndrome: an emergency.
SADDLE_NUMBNESS = "the parts that would touch a bicycle saddle"


def reveal(page: Page, target: Locator) -> Locator:
    """`target`, once visible: clicking the form's Next button while it is hidden."""
    for _ in range(MOST_STEPS):
        if target.is_visible():
            return target
        next_button = page.get_by_role("button", name=NEXT_BUTTON).filter(visible=True)
        if next_button.count() == 0:
            break
        next_button.first.click()
    expect(target).to_be_visible()
    return target


def question(page: Page, text: str, *, exact: bool = False) -> Locator:
    """The group of answers (a fieldset) whose question reads `text`."""
    return page.get_by_role("group", name=text, exact=exact)


def choose(page: Page, text: str, *choices: str, exact: bool = False) -> None:
    """Tick each of `choices` (their labels: "Yes", "Lower", ...) under the question `text`."""
    group = question(page, text, exact=exact)
    for choice in choices:
        reveal(page, group.get_by_label(choice, exact=True)).check()


def type_answer(page: Page, label: str, value: str) -> None:
    """Type `value` into the field labelled `label`."""
    reveal(page, page.get_by_label(label)).fill(value)


def answer_safety_questions(page: Page, *, saddle_numbness: bool = False) -> None:
    """Answer every safety question "No", but saddle numbness "Yes" when asked to."""
    safety = page.get_by_role("group", name="Safety questions", exact=True)
    reveal(page, safety.get_by_role("group").first)
    for group in safety.get_by_role("group").all():
        is_saddle = SADDLE_NUMBNESS in (group.text_content() or "")
        answer = "Yes" if is_saddle and saddle_numbness else "No"
        reveal(page, group.get_by_label(answer, exact=True)).check()


def answer_as_runner_with_back_pain(page: Page, *, saddle_numbness: bool = False) -> None:
    """Fill in the whole assessment as the sample runner (see the module docstring)."""
    type_answer(page, "How old are you?", "44")
    choose(page, "Sex", "Female", exact=True)
    type_answer(page, "Height in cm", "168")
    type_answer(page, "Weight in kg", "70")

    choose(page, "Where does your back hurt?", "Lower")
    type_answer(page, "How bad is the pain right now", "3")
    type_answer(page, "at its worst in the last 7 days", "6")
    type_answer(page, "during your last run", "5")
    type_answer(page, "How many days ago did this episode start?", "4")
    choose(page, "Did it come on suddenly or gradually?", "Gradual")
    choose(page, "What does it feel like?", "Dull", "Tight")
    choose(page, "What makes it worse?", "Running", "Downhill", "Sitting")
    choose(page, "Does it ease when you rest?", "Yes")
    choose(page, "Does the pain spread down a leg below the knee?", "No")
    choose(page, "stiff for more than 30 minutes after you get up", "No")
    choose(page, "Have you had back pain before this episode?", "Yes")

    answer_safety_questions(page, saddle_numbness=saddle_numbness)

    type_answer(page, "How many years have you been running?", "1.5")
    choose(page, "Have you ever had a slipped (herniated) disc?", "No")
    choose(page, "Have you ever had sciatica?", "No")
    type_answer(page, "How many hours a day do you sit?", "9")
    type_answer(page, "running km per week", "20, 22, 24, 33")
    type_answer(page, "How many runs a week?", "4")
    choose(page, "Where do you mostly run?", "Road")
    choose(page, "How often do you run downhill?", "Often")
    choose(page, "How often do you warm up before a run?", "Never")
    choose(page, "How often do you cool down after a run?", "Sometimes")
    type_answer(page, "Core or strength sessions a week?", "0")
    type_answer(page, "About how many km are on your running shoes?", "900")


def submit_assessment(page: Page) -> None:
    """Send the answers and wait for the result page."""
    reveal(page, page.get_by_role("button", name="See my assessment")).click()
    page.wait_for_url("**/assess")


def keep_assessment(page: Page, intake: dict[str, Any] | None = None) -> dict[str, Any]:
    """Keep an assessment of `intake` (the sample's by default) through the JSON API.

    For tests about what comes after the assessment; the form itself is tested on its own.
    """
    answer = page.request.post("/api/v1/assess", data=intake or SAMPLE_INTAKE)
    assert answer.ok, f"the assessment was refused ({answer.status}): {answer.text()}"
    document: dict[str, Any] = answer.json()
    assert document["saved"], document.get("save_error")
    return document
