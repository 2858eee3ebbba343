"""Every 4xx answers in one shape, with one line that names the field and what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import intake_dict
from pinned_time import TODAY

from backstride.web.routes import API_PREFIX as API

from .shape import assert_error_shape

pytestmark = pytest.mark.anyio

TOMORROW = (TODAY + dt.timedelta(days=2)).isoformat()
JSON = {"Content-Type": "application/json"}

# (id, method, path, request keywords, status, the start of the one-line error)
BAD_REQUESTS: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "intake-out-of-range",
        "POST",
        "/assess",
        {"json": intake_dict(pain={"nrs_now": 12})},
        422,
        "pain.nrs_now: 12 is not allowed; expected a whole number from 0 to 10",
    ),
    (
        "intake-unknown-key",
        "POST",
        "/assess",
        {"json": intake_dict(shoe="big")},
        422,
        "shoe: unknown key in the top level; allowed keys: age,",
    ),
    (
        "intake-missing-age",
        "POST",
        "/assess",
        {"json": {"pain": {}}},
        422,
        "age: missing; required: a whole number from 16 to 110",
    ),
    (
        "intake-bad-enum",
        "POST",
        "/assess",
        {"json": intake_dict(pain={"onset": "slow"})},
        422,
        'pain.onset: "slow" is not allowed; expected one of: "sudden", "gradual"',
    ),
    (
        "intake-not-json",
        "POST",
        "/assess",
        {"content": b"{age: 3", "headers": JSON},
        422,
        "request body: not valid JSON at line 1 column 2",
    ),
    ("intake-a-list", "POST", "/assess", {"json": [1, 2]}, 422, "input: [1, 2] is not allowed"),
    ("intake-empty", "POST", "/assess", {}, 422, "body: missing; send the intake as a JSON"),
    (
        "intake-as-text",
        "POST",
        "/assess",
        {"content": b'{"age": 40, "pain": {}}', "headers": {"Content-Type": "text/plain"}},
        422,
        "body: send the intake as JSON, with the header Content-Type: application/json",
    ),
    (
        "assess-bad-option",
        "POST",
        "/assess?history=maybe",
        {"json": intake_dict()},
        422,
        'history: "maybe" is not allowed; expected true or false',
    ),
    (
        "checkin-bad-date",
        "POST",
        "/checkins",
        {"json": {"date": "02/03/2026", "morning_pain": 1}},
        422,
        'date: "02/03/2026" is not allowed; expected a date written YYYY-MM-DD',
    ),
    (
        "checkin-future",
        "POST",
        "/checkins",
        {"json": {"date": TOMORROW, "morning_pain": 1}},
        422,
        f"date: {TOMORROW} is in the future",
    ),
    (
        "checkin-unknown-exercise",
        "POST",
        "/checkins",
        {"json": {"date": "2026-01-05", "morning_pain": 1, "exercises_done": ["cartwheel"]}},
        422,
        'exercises_done.0: "cartwheel" is not an exercise Backstride knows',
    ),
    (
        "checkin-bad-session",
        "POST",
        "/checkins",
        {"json": {"date": "2026-01-05", "morning_pain": 1, "session": {"kind": "swim"}}},
        422,
        'session.kind: "swim" is not allowed; expected one of: "walk", "run"',
    ),
    (
        "checkins-bad-range",
        "GET",
        "/checkins?since=2026-03-05&until=2026-03-01",
        {},
        422,
        "since: 2026-03-05 is after until (2026-03-01)",
    ),
    (
        "checkins-bad-since",
        "GET",
        "/checkins?since=yesterday",
        {},
        422,
        'since: "yesterday" is not allowed; expected a date written YYYY-MM-DD',
    ),
    (
        "load-weeks-zero",
        "GET",
        "/load?weeks=0",
        {},
        422,
        'weeks: "0" is not allowed; expected a whole number from 1 to 520',
    ),
    (
        "load-until-off-the-calendar",
        "GET",
        "/load?until=0001-01-01",
        {},
        422,
        'until: "0001-01-01" is not allowed; expected a date from 1900-01-01 to 2199-12-31',
    ),
    (
        "load-weeks-text",
        "GET",
        "/load?weeks=many",
        {},
        422,
        'weeks: "many" is not allowed; expected a whole number from 1 to 520',
    ),
    (
        "load-unknown-option",
        "GET",
        "/load?week=3",
        {},
        422,
        "week: unknown key in the top level; allowed keys: weeks, until",
    ),
    (
        "activities-unknown-option",
        "GET",
        "/activities?sports=run",
        {},
        422,
        "sports: unknown key in the top level; allowed keys: sport",
    ),
    ("rtr-none-yet", "GET", "/return-to-run", {}, 404, "You have no return-to-run programme"),
    (
        "rtr-no-assessment",
        "POST",
        "/return-to-run",
        {},
        409,
        "The programme starts after a safety check",
    ),
    ("upload-no-file", "POST", "/activities", {"data": {"x": "1"}}, 422, "file: missing"),
    (
        "upload-not-an-activity",
        "POST",
        "/activities",
        {"files": {"file": ("notes.txt", b"hi")}},
        422,
        "file: 'notes.txt' is not an activity file",
    ),
    (
        "upload-broken-fit",
        "POST",
        "/activities",
        {"files": {"file": ("run.fit", b"\0" * 20)}},
        422,
        "file: run.fit: ",
    ),
    ("no-such-route", "GET", "/runs", {}, 404, "GET /api/v1/runs: no such route"),
    ("wrong-method", "DELETE", "/checkins", {}, 405, "DELETE is not allowed on /api/v1/checkins"),
    (
        "cross-site-upload",
        "POST",
        "/activities",
        {"files": {"file": ("run.fit", b"x")}, "headers": {"Sec-Fetch-Site": "cross-site"}},
        403,
        "cross-site request refused",
    ),
    (
        "cross-origin-start",
        "POST",
        "/return-to-run",
        {"headers": {"Origin": "http://evil.example"}},
        403,
        "cross-site request refused",
    ),
    (
        "no-such-long-route",
        "GET",
        "/" + "x" * 500,
        {},
        404,
        "GET /api/v1/xxxxxxxx",
    ),
    (
        "json-too-large",
        "POST",
        "/assess",
        {"content": b"[" + b"0," * 600_000 + b"0]", "headers": JSON},
        413,
        "body: the request is over the limit of 1 MB",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "request_kwargs", "status", "error"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_REQUESTS],
)
async def test_error_shape(client, method, path, request_kwargs, status, error):
    response = await client.request(method, f"{API}{path}", **request_kwargs)

    body = assert_error_shape(response, status)
    assert body["error"].startswith(error), body["error"]


async def test_every_problem_is_listed_with_its_field(client):
    intake = intake_dict(age=12, pain={"nrs_now": 11, "onset": "slow"})

    body = assert_error_shape(await client.post(f"{API}/assess", json=intake), 422)

    assert body["error"].endswith("(and 2 more problems)")
    assert [e["field"] for e in body["errors"]] == ["age", "pain.nrs_now", "pain.onset"]
    assert body["errors"][1]["message"] == (
        "pain.nrs_now: 11 is not allowed; expected a whole number from 0 to 10"
    )


async def test_problems_in_the_body_and_the_query_are_all_listed(client):
    response = await client.post(
        f"{API}/assess", params={"save": "sometimes"}, json=intake_dict(age="old")
    )

    body = assert_error_shape(response, 422)
    assert {e["field"] for e in body["errors"]} == {"age", "save"}


async def test_a_page_of_the_app_itself_may_change_the_record(client):
    same_origin = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}

    response = await client.post(
        f"{API}/checkins", json={"date": "2026-01-05", "morning_pain": 1}, headers=same_origin
    )

    assert response.status_code == 201


async def test_a_long_path_is_not_echoed_whole(client):
    response = await client.get(f"{API}/{'x' * 500}")

    assert len(response.json()["error"]) < 200
