"""Nobody reads or changes another runner's record, through any route the app has.

The routes are walked from the app itself (`app.routes`), so a route added later is covered
without touching this file. One runner (Zelda) fills her record with words found nowhere else;
another runner (Bo) and a clinician she never linked (Dee) then try every page and API route,
with every id Zelda owns put into every path parameter. Nothing they get may hold her words,
and an id route that answers Zelda (or her linked clinician) must answer them 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from builders import SAMPLE_INTAKE
from fastapi.routing import iter_route_contexts
from pinned_time import TODAY

from .conftest import Browser, Team
from .test_sharing_pages import invite_code, link

pytestmark = pytest.mark.anyio

API = "/api/v1"
NAME = "Zelda Quillfeather"
EMAIL = "zelda.quillfeather@example.org"
NOTE = "marigold-otter-5521"
FILE = "quillfeather-morning.gpx"
MARKERS = (NAME, EMAIL, NOTE, "quillfeather")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass
class Cast:
    """Zelda, her linked clinician, another runner, a clinician she never linked."""

    zelda: Browser
    linked: Browser
    bo: Browser
    dee: Browser
    ids: list[str]


def _gpx() -> bytes:
    day = TODAY.isoformat()
    points = "".join(
        f'<trkpt lat="45.0" lon="{6.0 + 0.0019 * minute:.4f}"><ele>300</ele>'
        f"<time>{day}T07:{minute:02d}:00Z</time></trkpt>"
        for minute in range(30)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type>'
        f"<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


async def _cast(team: Team) -> Cast:
    zelda = await team.runner(EMAIL, NAME)
    linked = await team.clinician("linked.physio@example.org")
    headers = zelda.headers()
    assessed = await zelda.post(f"{API}/assess", json=SAMPLE_INTAKE, headers=headers)
    assert assessed.status_code == 200, assessed.text
    today = TODAY.isoformat()
    checkin = {"date": today, "morning_pain": 2, "notes": NOTE}
    assert (await zelda.post(f"{API}/checkins", json=checkin, headers=headers)).is_success
    files = {"file": (FILE, _gpx(), "application/gpx+xml")}
    uploaded = await zelda.post(f"{API}/activities", files=files, headers=headers)
    assert uploaded.is_success, uploaded.text
    runner_id = await link(team, zelda, linked)
    await invite_code(zelda)  # one code left waiting
    account = (await zelda.get("/account")).text
    ids = {str(runner_id)}
    ids |= set(re.findall(r"/account/(?:invites|links)/(\d+)/", account))
    activities = (await zelda.get(f"{API}/activities")).json()
    for activity in activities:
        ids |= {str(value) for key, value in activity.items() if key in ("id", "sha256")}
    assert len(ids) >= 3, ids  # small ids of different kinds may coincide
    bo = await team.runner("bo@example.org", "Bo Other")
    dee = await team.clinician("dee@example.org", "Dee Stranger")
    return Cast(zelda=zelda, linked=linked, bo=bo, dee=dee, ids=sorted(ids))


def _routes(team: Team) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, the API and the pages alike."""
    found = []
    for route in iter_route_contexts(team.app.routes):
        methods = route.methods or set()
        if not route.path or route.path.startswith("/static"):
            continue
        found += [(method, route.path) for method in sorted(methods) if method != "HEAD"]
    assert len(found) > 30, found
    return found


def _filled(template: str, value: str) -> str:
    return _PARAM.sub(value, template)


def _leaks(response: httpx.Response) -> list[str]:
    shown = response.content + response.headers.get("location", "").encode()
    return [marker for marker in MARKERS if marker.encode() in shown]


def _owner(cast: Cast, template: str) -> Browser:
    return cast.linked if template.startswith("/athletes") else cast.zelda


async def test_another_account_reads_nothing_of_a_runners_record(team: Team) -> None:
    cast = await _cast(team)
    checked = owned = 0
    for method, template in _routes(team):
        if method in UNSAFE:
            continue
        paths = (
            [template]
            if not _PARAM.search(template)
            else [_filled(template, value) for value in cast.ids]
        )
        for path in paths:
            owner_sees = (await _owner(cast, template).get(path)).is_success
            owned += path != template and owner_sees
            for who, browser in (("bo", cast.bo), ("dee", cast.dee)):
                response = await browser.get(path)
                assert not _leaks(response), (who, path, _leaks(response))
                if path != template and owner_sees:
                    assert response.status_code == 404, (who, path, response.status_code)
                checked += 1
    assert checked > 60
    # At least the clinician's three views of Zelda were tried with an id that works for them.
    assert owned >= 3


async def test_another_account_changes_nothing_of_a_runners_record(team: Team) -> None:
    cast = await _cast(team)
    before = await _snapshot(cast)
    for method, template in _routes(team):
        if method not in UNSAFE or not _PARAM.search(template):
            continue
        for value in cast.ids:
            path = _filled(template, value)
            for who, browser in (("bo", cast.bo), ("dee", cast.dee)):
                response = await browser.client.request(
                    method, path, data=browser.form(), headers=browser.headers()
                )
                assert not _leaks(response), (who, path)
                assert response.status_code in (403, 404, 422), (who, method, path, response)
    assert await _snapshot(cast) == before


async def _snapshot(cast: Cast) -> dict[str, object]:
    """What Zelda can see of her record and her sharing, and what her clinician sees."""
    account = (await cast.zelda.get("/account")).text
    return {
        "checkins": (await cast.zelda.get(f"{API}/checkins")).json(),
        "activities": (await cast.zelda.get(f"{API}/activities")).json(),
        "invites": re.findall(r"/account/invites/(\d+)/withdraw", account),
        "links": re.findall(r"/account/links/(\d+)/revoke", account),
        "athletes": re.findall(
            r'href="/athletes/(\d+)"', (await cast.linked.get("/athletes")).text
        ),
    }


async def test_a_runner_sees_their_own_record(team: Team) -> None:
    """The walk above would pass on an app that shows nobody anything: Zelda sees her words."""
    cast = await _cast(team)

    assert NOTE in (await cast.zelda.get(f"{API}/checkins")).text
    assert FILE in (await cast.zelda.get(f"{API}/activities")).text
    assert NAME in (await cast.zelda.get("/account")).text
    [runner_id] = re.findall(r'href="/athletes/(\d+)"', (await cast.linked.get("/athletes")).text)
    assert NOTE in (await cast.linked.get(f"/athletes/{runner_id}/checkins")).text
