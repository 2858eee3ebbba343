"""The Form page in a real browser: a clip chosen in the file picker is uploaded with its
progress shown, analysed in the background while the page polls, and the result appears: the
findings, the measures, the key-frame picture and the form cues.

A stand-in pose model "sees" a synthetic runner in a clip made here (tests/form/clips.py); the
app is served in this process, so the stand-in is the one it uses.
"""

from __future__ import annotations

import pytest
from form.clips import ScriptedPose, make_clip
from form.synthetic import Gait, runner
from playwright.sync_api import Page, expect

from backstride.form import pose

from .checks import layout_problems
from .live import Screenshot

pytestmark = pytest.mark.browser

#: The whole analysis of the small clip takes well under this (milliseconds).
ANALYSIS_TIMEOUT_MS = 60_000


@pytest.fixture
def scripted(monkeypatch):
    ScriptedPose.track = runner(Gait(heel_ahead=0.5, trunk_lean_deg=19, seconds=8)).track
    monkeypatch.setattr(pose, "MediaPipePose", ScriptedPose)
    yield ScriptedPose.track
    ScriptedPose.track = None


def test_an_uploaded_clip_is_analysed_and_its_result_shown(
    page: Page, scripted, tmp_path, screenshot: Screenshot
):
    clip = make_clip(tmp_path / "track.mp4", frames=scripted.frames, size=(640, 360))
    page.goto("/form")
    expect(page.get_by_role("heading", name="No analysis yet")).to_be_visible()

    page.get_by_label("Your clip").set_input_files(str(clip))
    page.get_by_role("button", name="Upload and analyse").click()

    result = page.locator("#form-analysis")
    expect(result.get_by_role("heading", name="Your analysis: track.mp4")).to_be_visible(
        timeout=ANALYSIS_TIMEOUT_MS
    )
    expect(result.get_by_role("heading", name="Overstriding")).to_be_visible()
    expect(result.get_by_role("heading", name="Forward trunk lean")).to_be_visible()
    expect(result.get_by_role("link", name="Do not overstride")).to_have_attribute(
        "href", "/learn/form-cues/no_overstriding"
    )
    expect(result.get_by_role("rowheader", name="Cadence")).to_be_visible()
    picture = result.locator("figure.key-frame img")
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    # The page as it is when the runner comes back: the analysis kept, shown under the form.
    page.goto("/form")
    expect(page.get_by_role("heading", name="Your latest analysis: track.mp4")).to_be_visible()
    assert layout_problems(page, "form-result", screenshot) == []


def test_a_file_that_is_not_a_video_is_refused_in_the_page(page: Page, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video\n")
    page.goto("/form")

    page.get_by_label("Your clip").set_input_files(str(notes))
    page.get_by_role("button", name="Upload and analyse").click()

    expect(page.locator("#upload-error")).to_contain_text("is not a video Backstride can analyse")
    expect(page.get_by_role("heading", name="No analysis yet")).to_be_visible()
