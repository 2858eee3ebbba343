"""A runner shares their record with a clinician, reads who looked, and ends the access."""

from __future__ import annotations

import re

import pytest
from builders import SAMPLE_INTAKE
from pinned_time import TODAY

from .conftest import Browser, Team

pytestmark = pytest.mark.anyio

API = "/api/v1"
_CODE = re.compile(r'class="invite-code">([A-Z0-9-]+)<')


async def invite_code(runner: Browser) -> str:
    await runner.get("/account")
    response = await runner.post("/account/invites", data=runner.form())
    assert response.status_code == 201, response.text
    found = _CODE.search(response.text)
    assert found, response.text
    return found.group(1)


async def link(team: Team, runner: Browser, clinician: Browser) -> int:
    code = await invite_code(runner)
    await clinician.get("/athletes")
    response = await clinician.post("/athletes/link", data=clinician.form(code=code))
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/athletes/(\d+)\?linked=1", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


async def fill_record(runner: Browser, note: str = "felt fine") -> None:
    """An assessment and a check-in, through the API, as the runner's own browser sends them."""
    assessed = await runner.post(f"{API}/assess", json=SAMPLE_INTAKE, headers=runner.headers())
    assert assessed.status_code == 200, assessed.text
    # The runner's today (UTC), which the pain diary view counts back from.
    today = TODAY.isoformat()
    checkin = {"date": today, "morning_pain": 3, "notes": note}
    saved = await runner.post(f"{API}/checkins", json=checkin, headers=runner.headers())
    assert saved.status_code in (200, 201), saved.text


async def test_a_linked_clinician_reads_the_record_and_each_view_is_logged(team: Team) -> None:
    ana = await team.runner("ana@example.org", "Ana Runner")
    physio = await team.clinician("physio@example.org", "Dr Pat")
    await fill_record(ana, "knee fine, back sore")

    runner_id = await link(team, ana, physio)

    listed = await physio.get("/athletes")
    assert "Ana Runner" in listed.text
    overview = await physio.get(f"/athletes/{runner_id}")
    assert overview.status_code == 200
    assert "Latest assessment" in overview.text
    assert "Running less" in overview.text or "Not running" in overview.text
    diary = await physio.get(f"/athletes/{runner_id}/checkins")
    assert "knee fine, back sore" in diary.text
    load = await physio.get(f"/athletes/{runner_id}/load")
    assert "Running, week by week" in load.text
    # Read-only: nothing on the clinician's pages posts to the athlete's record.
    for page in (overview, diary, load):
        assert "/today/checkin" not in page.text
        assert 'action="/api' not in page.text

    log = (await ana.get("/account")).text
    assert "physio@example.org" in log
    for words in (
        "linked to your record with an invite code",
        "viewed the overview",
        "viewed the pain diary",
        "viewed the training load",
    ):
        assert words in log, words


async def test_after_the_runner_ends_the_link_the_clinician_sees_nothing(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    physio = await team.clinician("physio@example.org")
    await fill_record(ana, "private note 4471")
    runner_id = await link(team, ana, physio)
    page = (await ana.get("/account")).text
    [link_id] = re.findall(r'action="/account/links/(\d+)/revoke"', page)

    response = await ana.post(f"/account/links/{link_id}/revoke", data=ana.form())

    assert response.status_code == 303
    for path in ("", "/checkins", "/load"):
        answer = await physio.get(f"/athletes/{runner_id}{path}")
        assert answer.status_code == 404
        assert "private note 4471" not in answer.text
        assert "ana@example.org" not in answer.text
    assert "ana@example.org" not in (await physio.get("/athletes")).text
    log = (await ana.get("/account")).text
    assert "lost access: you ended the link" in log
    assert "Nobody but you can see your record" in log


async def test_a_clinician_without_a_link_sees_nothing(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    await fill_record(ana, "private note 9912")
    linked = await team.clinician("physio@example.org")
    runner_id = await link(team, ana, linked)
    stranger = await team.clinician("coach@example.org")

    for path in ("", "/checkins", "/load"):
        answer = await stranger.get(f"/athletes/{runner_id}{path}")
        assert answer.status_code == 404
        assert "private note 9912" not in answer.text
        assert "ana@example.org" not in answer.text
    # The same answer as for an id that does not exist at all.
    missing = await stranger.get("/athletes/99999")
    assert missing.status_code == 404
    assert "No athlete has linked you yet" in (await stranger.get("/athletes")).text
    # Nothing the stranger tried was written to the runner's log.
    assert "coach@example.org" not in (await ana.get("/account")).text


async def test_an_invite_code_works_once_and_can_be_withdrawn(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    physio = await team.clinician("physio@example.org")
    coach = await team.clinician("coach@example.org")
    code = await invite_code(ana)
    await link_with(physio, code, expect=303)

    refused = await link_with(coach, code, expect=422)
    assert "does not work" in refused.text

    spare = await invite_code(ana)
    page = (await ana.get("/account")).text
    [invite_id] = re.findall(r'action="/account/invites/(\d+)/withdraw"', page)
    response = await ana.post(f"/account/invites/{invite_id}/withdraw", data=ana.form())
    assert response.status_code == 303
    await link_with(coach, spare, expect=422)


async def link_with(clinician: Browser, code: str, *, expect: int):
    await clinician.get("/athletes")
    response = await clinician.post("/athletes/link", data=clinician.form(code=code))
    assert response.status_code == expect, response.text
    return response


async def test_an_invite_code_expires_after_a_week(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    code = await invite_code(ana)
    team.clock.advance(days=7)
    physio = await team.clinician("physio@example.org")

    await link_with(physio, code, expect=422)


async def test_a_clinician_has_no_runner_pages_and_a_runner_no_clinician_pages(
    team: Team,
) -> None:
    ana = await team.runner("ana@example.org")
    physio = await team.clinician("physio@example.org")

    today = await physio.get("/today")
    assert today.status_code == 303
    assert today.headers["location"] == "/athletes"
    api = await physio.get(f"{API}/checkins")
    assert api.status_code == 403
    assert "/athletes" in api.json()["error"]
    posted = await physio.post(f"{API}/assess", json=SAMPLE_INTAKE, headers=physio.headers())
    assert posted.status_code == 403
    for path in ("/athletes", "/athletes/1", "/athletes/1/load"):
        assert (await ana.get(path)).status_code == 404, path
    invite = await physio.post("/account/invites", data=physio.form())
    assert invite.status_code == 403


async def test_a_clinician_deletes_their_account_and_the_log_remembers_them(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    physio = await team.clinician("physio@example.org")
    runner_id = await link(team, ana, physio)
    await physio.get(f"/athletes/{runner_id}")
    await physio.get("/account")

    unconfirmed = await physio.post("/account/delete", data=physio.form())
    assert unconfirmed.status_code == 422
    response = await physio.post("/account/delete", data=physio.form(confirm="yes"))

    assert response.status_code == 303
    assert (await physio.get("/athletes")).status_code == 303
    page = (await ana.get("/account")).text
    assert "physio@example.org" in page
    assert "viewed the overview" in page


async def test_a_linked_clinician_downloads_the_fhir_export_and_it_is_logged(team: Team) -> None:
    from backstride.services.fhir import read_fhir_bundle, resource_counts

    ana = await team.runner("ana@example.org", "Ana Runner")
    physio = await team.clinician("physio@example.org")
    await fill_record(ana)
    rmdq = {"date": TODAY.isoformat(), "instrument": "rmdq", "answers": [True] * 5 + [False] * 19}
    kept = await ana.post(f"{API}/outcomes", json=rmdq, headers=ana.headers())
    assert kept.status_code == 201, kept.text
    runner_id = await link(team, ana, physio)

    overview = (await physio.get(f"/athletes/{runner_id}")).text
    assert f'href="/athletes/{runner_id}/export.fhir.json"' in overview
    response = await physio.get(f"/athletes/{runner_id}/export.fhir.json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert f"fhir-athlete-{runner_id}" in response.headers["content-disposition"]
    document = response.json()
    read_fhir_bundle(document)
    assert resource_counts(document)["QuestionnaireResponse"] == 2  # RMDQ and STarT Back
    [patient] = [
        e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert patient == {"name": [{"text": "Ana Runner"}], "resourceType": "Patient"}
    log = (await ana.get("/account")).text
    assert "downloaded the FHIR export (pain diary and questionnaires)" in log


async def test_a_clinician_without_a_link_gets_404_for_another_runners_fhir_export(
    team: Team,
) -> None:
    ana = await team.runner("ana@example.org", "Ana Runner")
    await fill_record(ana, "private note 5531")
    linked = await team.clinician("physio@example.org")
    runner_id = await link(team, ana, linked)
    stranger = await team.clinician("coach@example.org")

    answer = await stranger.get(f"/athletes/{runner_id}/export.fhir.json")

    assert answer.status_code == 404
    assert "Ana Runner" not in answer.text and "private note 5531" not in answer.text
    assert "fhir+json" not in answer.headers["content-type"]
    assert (await stranger.get("/athletes/99999/export.fhir.json")).status_code == 404
    assert "coach@example.org" not in (await ana.get("/account")).text
    # The runner's own API export is theirs alone: a clinician's account has no record there.
    own = await stranger.get(f"{API}/export/fhir")
    assert own.status_code in (401, 403, 404)
    assert "Ana Runner" not in own.text
