"""The JSON API's good paths: each endpoint answers the command line's contract."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import SAMPLE_INTAKE, intake_dict
from pinned_time import TODAY

from backstride.web.routes import API_PREFIX as API

pytestmark = pytest.mark.anyio


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


async def test_assess_answers_the_assessment_contract_and_keeps_it(client):
    response = await client.post(f"{API}/assess", json=SAMPLE_INTAKE)

    assert response.status_code == 200
    document = response.json()
    assert document["schema_version"] == 1
    assert document["triage"]["level"] == "self_care"
    assert document["running"]["decision"] in ("stop", "reduce", "continue")
    assert document["startback"]["total"] == 4
    assert {"exercises", "self_care", "warm_up", "cool_down", "form_cues"} <= set(document["plan"])
    assert document["disclaimer"]
    assert document["saved"] is True
    # Kept like the command line keeps it: the programme can start from it.
    started = await client.post(f"{API}/return-to-run")
    assert started.status_code == 201


async def test_assess_without_saving_keeps_nothing(client):
    response = await client.post(f"{API}/assess", params={"save": "false"}, json=SAMPLE_INTAKE)

    assert response.status_code == 200
    assert response.json()["saved"] is False
    refused = await client.post(f"{API}/return-to-run")
    assert refused.status_code == 409
    assert "assess" in refused.json()["error"]


async def test_an_emergency_intake_says_stop(client):
    intake = intake_dict(red_flags={"saddle_numbness": True})

    document = (await client.post(f"{API}/assess", json=intake)).json()

    assert document["triage"]["level"] == "emergency"
    assert document["running"]["decision"] == "stop"


async def test_checkin_is_created_then_updated_and_listed(client):
    day = days_ago(1)
    first = await client.post(f"{API}/checkins", json={"date": day, "morning_pain": 3})
    again = await client.post(
        f"{API}/checkins",
        json={"date": day, "morning_pain": 2, "exercises_done": ["dead_bug"]},
    )
    other = await client.post(f"{API}/checkins", json={"date": days_ago(3), "morning_pain": 4})

    assert first.status_code == 201
    assert first.json() == {"date": day, "updated": False, "triage": None, "return_to_run": None}
    assert again.status_code == 200
    assert again.json()["updated"] is True
    assert other.status_code == 201
    listed = (await client.get(f"{API}/checkins")).json()
    assert [c["date"] for c in listed] == [days_ago(3), day]
    assert listed[1]["morning_pain"] == 2
    assert listed[1]["exercises_done"] == ["dead_bug"]
    recent = (await client.get(f"{API}/checkins", params={"since": days_ago(2)})).json()
    assert [c["date"] for c in recent] == [day]


async def test_a_checkin_with_a_red_flag_answers_its_triage(client):
    checkin = {"date": days_ago(0), "morning_pain": 2, "red_flags": {"saddle_numbness": True}}

    document = (await client.post(f"{API}/checkins", json=checkin)).json()

    assert document["triage"]["level"] == "emergency"


async def test_return_to_run_starts_after_a_safe_assessment_and_shows_its_status(client):
    missing = await client.get(f"{API}/return-to-run")
    assert missing.status_code == 404
    assert "no return-to-run programme" in missing.json()["error"]

    await client.post(f"{API}/assess", json=SAMPLE_INTAKE)
    started = await client.post(f"{API}/return-to-run")
    again = await client.post(f"{API}/return-to-run")
    status = await client.get(f"{API}/return-to-run")

    assert started.status_code == 201
    assert again.status_code == 200
    assert status.status_code == 200
    document = status.json()
    assert document["stage"] == 1
    assert document["stages"] >= 8
    assert document["decision"] == "start"
    assert document["triage"]["level"] == "self_care"
    assert document["next_session"]["kind"] == "walk"


async def test_a_checkin_during_the_programme_answers_its_new_status(client):
    await client.post(f"{API}/assess", json=SAMPLE_INTAKE)
    await client.post(f"{API}/return-to-run")
    today = days_ago(0)
    session = {"kind": "walk", "max_pain": 2, "pain_after": 1, "limp": False}

    response = await client.post(
        f"{API}/checkins", json={"date": today, "morning_pain": 1, "session": session}
    )

    assert response.status_code == 201
    programme = response.json()["return_to_run"]
    assert programme["stage"] == 1
    assert programme["waiting"] == [today]


async def test_activities_and_load_of_an_empty_record(client):
    activities = await client.get(f"{API}/activities")
    load = await client.get(f"{API}/load", params={"weeks": 3, "until": "2026-03-04"})

    assert activities.status_code == 200
    assert activities.json() == []
    assert load.status_code == 200
    document = load.json()
    assert document["until"] == "2026-03-04"
    weeks = [w["week_start"] for w in document["weeks"]]
    assert weeks == ["2026-02-16", "2026-02-23", "2026-03-02"]
    assert document["flags"] == []
    assert document["acwr"]["method"] == "ewma"


async def test_load_defaults_to_twelve_weeks_up_to_today(client):
    document = (await client.get(f"{API}/load")).json()

    assert len(document["weeks"]) == 12
    assert document["until"] == TODAY.isoformat()


async def test_the_fhir_export_is_a_bundle_to_save(client):
    await client.post(f"{API}/checkins", json={"date": days_ago(1), "morning_pain": 3})
    await client.post(f"{API}/assess", json=SAMPLE_INTAKE)

    response = await client.get(f"{API}/export/fhir")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="backstride-fhir-{TODAY.isoformat()}.json"'
    )
    from backstride.services.fhir import read_fhir_bundle, resource_counts

    document = response.json()
    read_fhir_bundle(document)
    assert resource_counts(document) == {
        "Patient": 1,
        "Observation": 1,
        "Questionnaire": 3,
        "QuestionnaireResponse": 1,  # the assessment's STarT Back answers
    }
