"""The week's plan page (GET /plan), the run days (POST /plan/days) and GET /plan.ics."""

from __future__ import annotations

import datetime as dt
import html as html_lib

import pytest
from icalendar import Calendar

from tests.web.test_pages import FEW_ANSWERS, Page

pytestmark = pytest.mark.anyio


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


async def assessed(client, **answers: str) -> None:
    response = await client.post("/assess", data={**FEW_ANSWERS, **answers})
    assert response.status_code == 200


async def test_without_an_assessment_the_page_asks_for_one(client):
    response = await client.get("/plan")

    assert response.status_code == 200
    html = main_of(response.text)
    assert "No assessment yet" in html
    assert 'href="/">Take the assessment' in html
    assert "/plan.ics" not in html
    assert "<form" not in html
    assert "<script>" not in response.text
    assert "chart.umd.min.js" not in response.text  # Chart.js only on pages with a chart
    refused = await client.get("/plan.ics")
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("text/html")
    assert "No assessment yet" in refused.text


async def test_after_an_assessment_the_page_asks_for_the_run_days(client):
    await assessed(client)

    html = (await client.get("/plan")).text

    assert "Which days can you run?" in html
    assert 'id="week"' not in html
    page = Page(html)
    assert "form" in page.tags and "h1" in page.tags
    labels = [label for label in page.labels if label]
    for day in ("Monday", "Wednesday", "Sunday"):
        assert day in labels
    assert any(label.startswith("Days you can run") for label in labels)
    assert (await client.get("/plan.ics")).status_code == 409


async def test_run_days_give_a_week_and_the_calendar_matches_it(client):
    await assessed(client)

    saved = await client.post("/plan/days", data={"run_days": ["mon", "wed", "fri"]})

    assert saved.status_code == 303
    assert saved.headers["location"] == "/plan?days=saved"
    html = (await client.get(saved.headers["location"])).text
    main = main_of(html)
    assert "Your run days are saved" in main
    assert main.count('class="day day-') == 7
    assert 'href="/plan.ics"' in main
    assert "stage 1 of" in main
    assert 'value="mon" checked' in main and 'value="tue">' in main

    calendar_answer = await client.get("/plan.ics")

    assert calendar_answer.status_code == 200
    assert calendar_answer.headers["content-type"].startswith("text/calendar")
    disposition = calendar_answer.headers["content-disposition"]
    assert disposition.startswith("attachment;") and '.ics"' in disposition
    calendar = Calendar.from_ical(calendar_answer.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 7
    days = [event.decoded("dtstart") for event in events]
    assert days == [days[0] + dt.timedelta(days=n) for n in range(7)]
    for event in events:
        day = event.decoded("dtstart")
        title = str(event.get("summary")).removeprefix("Backstride: ")
        # The page shows that day with the same title as the calendar.
        heading = main.split(f'id="day-{day.isoformat()}"', 1)[1].split("</h3>", 1)[0]
        assert html_lib.escape(title) in heading
    kinds = {event.decoded("dtstart"): event["categories"].cats for event in events}
    run_days = {day.weekday() for day, kind in kinds.items() if kind == ["run"]}
    assert run_days and run_days <= {0, 2, 4}
    for day, kind in kinds.items():
        assert f'class="day day-{kind[0].replace(" ", "_")}' in main.split(f"day-{day}")[0][-80:]


async def test_no_run_days_is_a_week_without_runs(client):
    await assessed(client)

    saved = await client.post("/plan/days", data={})

    assert saved.status_code == 303
    main = main_of((await client.get("/plan")).text)
    assert "You have no run days" in main
    assert 'class="day day-run' not in main


async def test_a_day_that_is_not_one_is_refused_in_one_line(client):
    await assessed(client)

    response = await client.post("/plan/days", data={"run_days": ["mon", "funday"]})

    assert response.status_code == 422
    assert "&#39;funday&#39; is not a day of the week" in response.text
    assert 'role="alert"' in response.text
    # Nothing was kept: the page still asks for the days.
    assert "Which days can you run?" in (await client.get("/plan")).text


async def test_an_assessment_that_sends_the_runner_to_a_doctor_gives_no_plan(client):
    await assessed(client, **{"red_flags.saddle_numbness": "yes"})
    await client.post("/plan/days", data={"run_days": ["tue", "thu"]})

    response = await client.get("/plan")

    main = main_of(response.text)
    assert "No running plan for now" in main
    assert "sends you to a clinician" in main
    assert 'class="day day-' not in main
    assert (await client.get("/plan.ics")).status_code == 409
