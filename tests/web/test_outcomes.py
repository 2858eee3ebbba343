"""Outcome measures on the web: the API, the questionnaires page, the prompt on Today and the
lines on Progress. A wrong answer is a 4xx naming the field, and nothing is written."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from builders import SAMPLE_INTAKE
from pinned_time import TODAY

from backstride.services.record import open_record
from backstride.store import repo
from backstride.web.routes import API_PREFIX as API

pytestmark = pytest.mark.anyio

FIRST = TODAY - dt.timedelta(days=14)


def rmdq(day: dt.date, yes: int) -> dict:
    answers = [True] * yes + [False] * (24 - yes)
    return {"date": day.isoformat(), "instrument": "rmdq", "answers": answers}


def kept(url: str):
    with open_record(url) as record, record.session() as session:
        return repo.list_outcomes(session=session, runner_id=record.runner.id)


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


# The API ---------------------------------------------------------------------------------------


async def test_the_api_keeps_a_questionnaire_then_replaces_it(client, database_url):
    first = await client.post(f"{API}/outcomes", json=rmdq(FIRST, 12))
    again = await client.post(f"{API}/outcomes", json=rmdq(FIRST, 11))
    later = await client.post(f"{API}/outcomes", json=rmdq(TODAY, 6))

    assert (first.status_code, again.status_code, later.status_code) == (201, 200, 201)
    assert first.json()["score"] == 12 and again.json()["updated"] is True
    assert later.json()["verdict_text"].startswith("Better: from 11 to 6")
    document = (await client.get(f"{API}/outcomes")).json()
    rmdq_doc = document["measures"][0]
    assert [p["score"] for p in rmdq_doc["timeline"]] == [11, 6]
    assert rmdq_doc["verdict"] == "improved"
    assert len(kept(database_url)) == 2


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({**rmdq(FIRST, 1), "answers": [True] * 10}, "answers: 10 answers given"),
        (
            {
                "date": FIRST.isoformat(),
                "instrument": "psfs",
                "activities": [{"name": "run", "score": 11}],
            },
            "activities.0.score: 11 is not allowed",
        ),
        (
            {
                "date": FIRST.isoformat(),
                "instrument": "psfs",
                "activities": [{"name": " ", "score": 1}],
            },
            "activities.0.name: empty",
        ),
        ({**rmdq(FIRST, 1), "instrument": "vas"}, 'instrument: "vas" is not allowed'),
        ({**rmdq(TODAY + dt.timedelta(days=3), 1)}, "date: "),
    ],
)
async def test_the_api_refuses_bad_input_naming_the_field(client, database_url, document, field):
    response = await client.post(f"{API}/outcomes", json=document)

    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False and field in body["error"]
    assert kept(database_url) == []


# The questionnaires page -----------------------------------------------------------------------


async def test_the_page_asks_both_questionnaires(client, knowledge):
    response = await client.get("/progress/outcomes")

    assert response.status_code == 200
    main = main_of(response.text)
    for statement in knowledge.outcome_measure("rmdq").items:
        assert statement.replace("'", "&#39;") in main
    assert main.count('name="rmdq"') == 24
    assert main.count('type="number"') == 5
    assert "A statement left unticked counts as a no" in main


async def test_the_ticked_statements_are_the_yes_answers(client, database_url):
    response = await client.post(
        "/progress/outcomes/rmdq", data={"rmdq": ["1", "5", "24"]}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/progress/outcomes?saved=rmdq#rmdq"
    [row] = kept(database_url)
    assert row.date == TODAY and row.score == 3.0
    assert [n + 1 for n, a in enumerate(row.data["answers"]) if a] == [1, 5, 24]
    page = await client.get(response.headers["location"])
    assert "Your Roland-Morris questionnaire for today is saved." in page.text
    assert "One score so far" in page.text


async def test_the_activities_are_kept_and_offered_again(client, database_url):
    posted = {
        "activity.0.name": "run 5 km",
        "activity.0.score": "3",
        "activity.2.name": "sit through a meeting",
        "activity.2.score": "6",
    }
    response = await client.post("/progress/outcomes/psfs", data=posted, follow_redirects=False)

    assert response.status_code == 303
    [row] = kept(database_url)
    assert row.data["activities"] == [
        {"name": "run 5 km", "score": 3},
        {"name": "sit through a meeting", "score": 6},
    ]
    page = (await client.get("/progress/outcomes")).text
    assert 'name="activity.0.name" value="run 5 km"' in page
    assert 'name="activity.1.name" value="sit through a meeting"' in page


@pytest.mark.parametrize(
    ("posted", "field_id", "words"),
    [
        (
            {"activity.0.name": "run 5 km", "activity.0.score": "11"},
            "activity-0-score",
            "11 is not allowed",
        ),
        (
            {"activity.1.name": "run", "activity.1.score": "x"},
            "activity-1-score",
            "is not a whole number",
        ),
        ({"activity.3.name": "swim"}, "activity-3-score", "Rate this activity from 0 to 10"),
        ({"activity.2.score": "4"}, "activity-2-name", "name the activity"),
        ({}, "activity-0-name", "Name at least one activity"),
        (
            {
                "activity.0.name": "run",
                "activity.0.score": "2",
                "activity.4.name": "RUN",
                "activity.4.score": "3",
            },
            "activity-0-name",
            "named twice",
        ),
    ],
)
async def test_a_wrong_rating_comes_back_at_its_row(client, database_url, posted, field_id, words):
    response = await client.post("/progress/outcomes/psfs", data=posted)

    assert response.status_code == 422
    error = response.text[response.text.index(f'id="{field_id}-error"') :]
    assert words in error[: error.index("</p>")]
    assert kept(database_url) == []


async def test_an_unknown_statement_is_refused(client, database_url):
    response = await client.post("/progress/outcomes/rmdq", data={"rmdq": ["25"]})

    assert response.status_code == 422
    assert 'id="rmdq-error"' in response.text
    assert kept(database_url) == []


# Today and Progress ----------------------------------------------------------------------------


async def test_today_asks_for_the_questionnaires_at_the_start_then_every_two_weeks(
    client, database_url
):
    assert 'id="outcomes-due"' not in (await client.get("/today")).text  # nothing started yet
    await client.post(f"{API}/assess", json=SAMPLE_INTAKE)
    due = (await client.get("/today")).text
    section = due[due.index('id="outcomes-due"') :]
    assert "set your starting point" in section
    assert "the Roland-Morris questionnaire and your activity ratings" in section
    assert 'href="/progress/outcomes"' in section

    await client.post(f"{API}/outcomes", json=rmdq(TODAY, 4))
    half = (await client.get("/today")).text
    assert "Due now: your activity ratings." in half
    psfs = {
        "date": TODAY.isoformat(),
        "instrument": "psfs",
        "activities": [{"name": "run", "score": 5}],
    }
    await client.post(f"{API}/outcomes", json=psfs)
    assert 'id="outcomes-due"' not in (await client.get("/today")).text


async def test_progress_shows_each_measure_against_its_mic_line(client, database_url):
    await client.post(f"{API}/outcomes", json=rmdq(FIRST, 12))
    await client.post(f"{API}/outcomes", json=rmdq(TODAY, 9))
    await client.post(f"{API}/checkins", json={"date": FIRST.isoformat(), "morning_pain": 6})
    await client.post(f"{API}/checkins", json={"date": TODAY.isoformat(), "morning_pain": 3})

    html = (await client.get("/progress")).text
    section = html[html.index('id="outcomes"') : html.index('id="stage-changes"')]
    charts = [
        json.loads(found)
        for found in re.findall(r'data-chart="outcome" data-chart-figures=\'([^\']*)\'', section)
    ]
    by_title = {c["title"].split(":")[0]: c for c in charts}
    assert set(by_title) == {"RMDQ", "Pain NRS"}
    assert [p["score"] for p in by_title["RMDQ"]["points"]] == [12, 9]
    assert by_title["RMDQ"]["mic_line"] == 8.4  # 30% of 12 is nearer than 5 points
    assert by_title["Pain NRS"]["mic_line"] == 4.2  # 30% of 6 is nearer than 2 points
    assert "No clear change yet: from 12 to 9" in section
    assert "Better: from 6 to 3" in section
    assert 'class="measure verdict-improved" id="outcome-pain_nrs"' in section
