"""The Progress page (GET /progress): pain against weekly distance, stage changes, a table."""

from __future__ import annotations

import json
import re

import pytest
from report_builders import STAGE_CHANGES, TODAY, build_record

from tests.web.test_pages import Page

pytestmark = pytest.mark.anyio


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def chart_data(html: str) -> dict[str, object]:
    found = re.search(r'<canvas data-chart="progress" data-chart-figures=\'([^\']*)\'', html)
    assert found, "the page carries no chart data"
    return dict(json.loads(found.group(1)))


async def test_with_nothing_kept_the_page_says_how_to_start(client):
    response = await client.get("/progress")

    assert response.status_code == 200
    html = response.text
    main = main_of(html)
    assert "Nothing to show yet" in main
    assert 'href="/today"' in main and 'href="/activities"' in main
    assert "data-chart=" not in html
    assert "<canvas" not in main
    assert "No stage changes in these weeks" in main
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script at all
    page = Page(html)
    assert page.label_for["p-weeks"] == "Weeks to show"
    assert page.label_for["p-until"] == "Up to"


async def test_the_chart_and_the_table_show_the_same_weeks(client, database_url):
    build_record(database_url)

    response = await client.get("/progress", params={"weeks": "8", "until": TODAY.isoformat()})

    assert response.status_code == 200
    html = response.text
    # Chart.js only on pages with a chart; the figures are data on the canvas, never a script.
    assert '<script src="/static/vendor/chart.umd.min.js" defer></script>' in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    data = chart_data(html)
    weeks = data["weeks"]
    assert isinstance(weeks, list) and len(weeks) == 8
    by_week = {w["week_start"]: w for w in weeks}
    # The story's morning pain: 4 in the week of 9 February, 1 in the week of 9 March.
    assert by_week["2026-02-09"]["morning_pain"] == 4.0
    assert by_week["2026-03-09"]["morning_pain"] == 1.0
    assert by_week["2026-03-09"]["distance_km"] > 0
    assert by_week["2026-02-16"]["mark"] == "back to stage 2"
    assert by_week["2026-02-16"]["mark_short"] == "stage 2 back"
    assert by_week["2026-03-09"]["mark_short"] == "stage 5 up"
    assert by_week["2026-02-16"]["mark_change"] == "regress"
    main = main_of(html)
    table = main[main.index('id="progress-table"') : main.index('id="outcomes"')]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table)
    assert len(rows) == 8
    for (week_text, cells), week in zip(rows, weeks, strict=True):
        first_cell = re.search(r"<td>(.*?)</td>", cells)
        assert first_cell is not None
        pain = week["morning_pain"]
        assert first_cell.group(1) == ("no check-ins" if pain is None else f"{pain:.1f}")
        assert f"<td>{week['distance_km']:.1f}</td>" in cells
        assert week_text.endswith("2026")


async def test_every_stage_change_in_the_weeks_is_listed(client, database_url):
    build_record(database_url)

    html = (await client.get("/progress", params={"until": TODAY.isoformat()})).text

    listed = main_of(html).split('id="stage-changes"', 1)[1]
    days = re.findall(r'<time datetime="([0-9-]+)">', listed)
    shown = [day.isoformat() for day, _ in STAGE_CHANGES]
    assert days == shown
    assert "Back to stage 2" in listed and "Up to stage 5" in listed
    assert 'class="mark mark-regress"' in listed


@pytest.mark.parametrize(
    ("params", "line"),
    [
        ({"weeks": "9"}, "&#39;9&#39; weeks: choose one of 4, 8, 12, 26, 52."),
        ({"until": "14/03/2026"}, "&#39;14/03/2026&#39; is not a date"),
        ({"until": "1066-10-14"}, "1066-10-14: choose a date between 1900 and 2199."),
    ],
)
async def test_a_wrong_period_is_one_line_and_the_default_weeks(client, params, line):
    response = await client.get("/progress", params=params)

    assert response.status_code == 422
    assert line in response.text
    assert response.text.count('role="alert"') == 1
    assert "Traceback" not in response.text
