"""Activities in a real browser: a FIT file from the shared corpus, chosen in the page's file
picker and uploaded, shows in the list, in the chart's figures and on the drawn chart.

The corpus file is read in place (../shared/data/activities); without the corpus the test is
skipped, as the other corpus tests are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .live import Screenshot

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

#: A run recorded on a Garmin fenix 2 (dtcooper/python-fitparse, MIT), one session.
CORPUS_RUN = (
    Path(__file__).resolve().parents[2]
    / "../shared/data/activities/fit/fitparse_activity-small-fenix2-run.fit"
).resolve()

#: The chart the page drew on its canvas: Chart.js's own figures, and how much was painted.
_DRAWN_CHART = """
(canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  if (!chart) return null;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
  // The colour in the middle of each bar, in canvas pixels (the canvas is drawn at device scale).
  const scale = canvas.width / canvas.clientWidth;
  const middles = chart.getDatasetMeta(0).data.map((bar) => Array.from(
    canvas.getContext("2d").getImageData(
      Math.round(bar.x * scale), Math.round(((bar.y + bar.base) / 2) * scale), 1, 1).data));
  return {
    type: chart.config.type,
    labels: chart.data.labels.map(String),
    values: chart.data.datasets[0].data.map(Number),
    width: canvas.width,
    height: canvas.height,
    painted,
    middles,
  };
}
"""


@pytest.fixture
def corpus_run() -> Path:
    if not CORPUS_RUN.is_file():
        pytest.skip(f"the shared activity corpus is not here ({CORPUS_RUN})")
    return CORPUS_RUN


def test_an_uploaded_fit_file_shows_in_the_list_and_on_the_chart(
    page: Page, corpus_run: Path, screenshot: Screenshot
) -> None:
    page.goto("/activities")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activities")
    expect(page.get_by_text("No activities yet")).to_be_visible()

    page.get_by_label("Files to upload").set_input_files(corpus_run)
    page.get_by_role("button", name="Upload and import").click()

    result = page.locator("#upload-result")
    expect(result.get_by_role("heading")).to_have_text("Import finished")
    expect(result).to_contain_text("1 activity added")

    rows = page.locator("#activity-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell").first).to_have_text("Run")
    distance_text = rows.first.get_by_role("cell").nth(1).inner_text()
    assert distance_text.endswith(" km"), distance_text
    distance_km = float(distance_text.removesuffix(" km"))
    assert distance_km > 0

    canvas = page.locator("canvas[data-chart='load']")
    expect(canvas).to_be_visible()
    page.wait_for_function(
        "(canvas) => window.Chart && window.Chart.getChart(canvas)", arg=canvas.element_handle()
    )
    drawn: dict[str, Any] = canvas.evaluate(_DRAWN_CHART)
    assert drawn["type"] == "bar"
    assert len(drawn["values"]) == 12, "the chart shows twelve weeks"
    assert drawn["values"][-1] == pytest.approx(distance_km, abs=0.05), (
        "the run's week, the chart's last (its weeks end with the latest run), holds the run"
    )
    assert sum(drawn["values"]) == pytest.approx(distance_km, abs=0.05)
    assert drawn["width"] > 0 and drawn["height"] > 0
    assert drawn["painted"] > 0.01 * drawn["width"] * drawn["height"], "the axes were drawn"
    red, green, blue, alpha = drawn["middles"][-1]
    assert alpha == 255 and (red, green, blue) != (255, 255, 255), (
        f"the run's bar is painted (its middle is rgba{tuple(drawn['middles'][-1])})"
    )

    page.get_by_text("The same figures as a table").click()
    table = page.get_by_role("table", name="Running week by week")
    expect(table).to_be_visible()
    weeks = table.locator("tbody tr")
    expect(weeks).to_have_count(12)
    last_week = weeks.last.get_by_role("cell")
    expect(last_week.first).to_have_text(f"{distance_km:.1f}")
    expect(last_week.nth(1)).to_have_text("1")
    screenshot(page, "activities-uploaded-phone")
