"""The FHIR R4 export: a Bundle the library validates, that reads back with the same values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json

import pytest
from builders import sample_intake
from pinned_time import NOW, TODAY

from backstride.errors import InputInvalid
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.services.fhir import (
    LOINC_PAIN_SEVERITY,
    QUESTIONNAIRE_BASE,
    read_fhir_bundle,
    resource_counts,
    runner_bundle,
    write_fhir,
)
from backstride.services.outcomes import parse_outcome, save_outcome
from backstride.services.record import open_record
from backstride.store import repo

FIRST = TODAY - dt.timedelta(days=14)
RMDQ = [True, False, True] + [False] * 21
PSFS = [("run 5 km", 3), ("run downhill", 2), ("sit through a meeting", 6)]
STARTBACK = [True, False, True, False, False, True, False, False, 3]
PAINS = {FIRST: 5, FIRST + dt.timedelta(days=1): 4, TODAY: 2}


def ids():
    counter = itertools.count(1)
    return lambda: f"urn:uuid:00000000-0000-4000-8000-{next(counter):012d}"


@pytest.fixture
def record_url(database_url):
    with open_record(database_url) as record:
        with record.session() as session:
            repo.update_runner(
                session=session, runner=dataclasses.replace(record.runner, name="Alex Runner")
            )
            for day, pain in PAINS.items():
                checkin = {"date": day.isoformat(), "morning_pain": pain}
                if pain == 4:
                    checkin["session"] = {
                        "kind": "run",
                        "max_pain": 3,
                        "pain_after": 2,
                        "limp": False,
                    }
                repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)
            intake = sample_intake(startback=STARTBACK)
            repo.save_assessment(
                session=session,
                runner_id=record.runner.id,
                intake=intake_document(intake),
                output=assessment_document(assess_intake(intake)),
            )
        rmdq = {"date": FIRST.isoformat(), "instrument": "rmdq", "answers": RMDQ}
        psfs = {
            "date": TODAY.isoformat(),
            "instrument": "psfs",
            "activities": [{"name": n, "score": s} for n, s in PSFS],
        }
        for document in (rmdq, psfs):
            save_outcome(record, parse_outcome(document), today=TODAY)
    return database_url


def bundle_of(url, **options):
    with open_record(url) as record:
        return runner_bundle(record, now=NOW, new_id=ids(), **options)


def resources(document, kind):
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def answers_of(response):
    return {item["linkId"]: item.get("answer", [{}])[0] for item in response["item"]}


def test_the_bundle_validates_with_the_library_and_holds_each_resource(record_url):
    document = bundle_of(record_url)
    assert (document["resourceType"], document["type"]) == ("Bundle", "collection")
    assert resource_counts(document) == {
        "Patient": 1,
        "Observation": 3,
        "Questionnaire": 3,
        "QuestionnaireResponse": 3,
    }
    parsed = read_fhir_bundle(json.loads(json.dumps(document)))
    assert len(parsed.entry) == 10
    assert all(e.fullUrl.startswith("urn:uuid:") for e in parsed.entry)


def test_the_patient_holds_only_the_chosen_name(record_url):
    [patient] = resources(bundle_of(record_url), "Patient")
    assert patient == {"name": [{"text": "Alex Runner"}], "resourceType": "Patient"}


def test_a_runner_without_a_name_is_a_patient_with_no_name(database_url):
    with open_record(database_url) as record, record.session() as session:
        repo.upsert_checkin(
            session=session,
            runner_id=record.runner.id,
            checkin={"date": "2026-06-01", "morning_pain": 1},
        )
    [patient] = resources(bundle_of(database_url), "Patient")
    assert patient == {"resourceType": "Patient"}


def test_each_check_in_is_a_loinc_pain_observation(record_url):
    document = bundle_of(record_url)
    [patient_entry] = [e for e in document["entry"] if e["resource"]["resourceType"] == "Patient"]
    observations = resources(document, "Observation")
    for observation in observations:
        [code] = observation["code"]["coding"]
        assert (code["system"], code["code"]) == ("http://loinc.org", LOINC_PAIN_SEVERITY)
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["subject"]["reference"] == patient_entry["fullUrl"]
        assert observation["valueQuantity"]["code"] == "{score}"
    by_day = {o["effectiveDateTime"]: o["valueQuantity"]["value"] for o in observations}
    assert by_day == {d.isoformat(): p for d, p in PAINS.items()}
    with_run = next(o for o in observations if o["valueQuantity"]["value"] == 4)
    assert "run session: 3/10" in with_run["note"][0]["text"]


def test_the_questionnaires_carry_their_items_and_licence(record_url, knowledge):
    forms = {f["url"]: f for f in resources(bundle_of(record_url), "Questionnaire")}
    assert set(forms) == {f"{QUESTIONNAIRE_BASE}/{i}" for i in ("rmdq", "psfs", "startback")}
    rmdq = forms[f"{QUESTIONNAIRE_BASE}/rmdq"]
    statements = [i["text"] for i in rmdq["item"] if i["type"] == "boolean"]
    assert statements == knowledge.outcome_measure("rmdq").items
    assert rmdq["copyright"] == knowledge.source("roland_morris_1983").licence
    assert rmdq["status"] == "active" and rmdq["version"] == "1"
    psfs = forms[f"{QUESTIONNAIRE_BASE}/psfs"]
    assert psfs["item"][0]["repeats"] is True and psfs["item"][0]["type"] == "group"


def test_the_bundle_round_trips_with_the_same_values(record_url, tmp_path):
    with open_record(record_url) as record:
        summary = write_fhir(record, tmp_path / "export.json", now=NOW, new_id=ids())
    assert summary.counts["QuestionnaireResponse"] == 3
    parsed = read_fhir_bundle(json.loads((tmp_path / "export.json").read_text(encoding="utf-8")))
    kinds = {}
    for entry in parsed.entry:
        kinds.setdefault(entry.resource.resource_type, []).append(entry.resource)
    pains = {o.effectiveDateTime.as_json(): o.valueQuantity.value for o in kinds["Observation"]}
    assert pains == {d.isoformat(): p for d, p in PAINS.items()}
    responses = {r.questionnaire.split("/")[-1]: r for r in kinds["QuestionnaireResponse"]}
    assert set(responses) == {"rmdq|1", "psfs|1", "startback|1"}
    rmdq = {i.linkId: i.answer[0] for i in responses["rmdq|1"].item}
    assert [rmdq[str(n)].valueBoolean for n in range(1, 25)] == RMDQ
    assert rmdq["score"].valueInteger == 2
    assert responses["rmdq|1"].authored.as_json() == FIRST.isoformat()
    psfs = [i for i in responses["psfs|1"].item if i.linkId == "activity"]
    rated = [(g.item[0].answer[0].valueString, g.item[1].answer[0].valueInteger) for g in psfs]
    assert rated == PSFS
    [score] = [i for i in responses["psfs|1"].item if i.linkId == "score"]
    assert score.answer[0].valueDecimal == pytest.approx(11 / 3, abs=0.005)
    startback = {i.linkId: i.answer[0] for i in responses["startback|1"].item}
    given = [startback[str(n)].valueBoolean for n in range(1, 9)] + [startback["9"].valueInteger]
    assert given == STARTBACK
    assert (startback["total"].valueInteger, startback["risk"].valueString) == (4, "medium")


def test_every_response_refers_to_a_questionnaire_in_the_bundle(record_url):
    document = bundle_of(record_url)
    canonicals = {f"{f['url']}|{f['version']}" for f in resources(document, "Questionnaire")}
    for response in resources(document, "QuestionnaireResponse"):
        assert response["questionnaire"] in canonicals
        assert response["status"] == "completed"
        forms = {f["url"]: f for f in resources(document, "Questionnaire")}
        form = forms[response["questionnaire"].split("|")[0]]
        asked = {i["linkId"] for i in form["item"]}
        assert {i["linkId"] for i in response["item"]} <= asked


def test_nothing_in_the_bundle_names_the_runner_beyond_the_chosen_name(record_url):
    text = json.dumps(bundle_of(record_url))
    for field in ('"identifier"', '"birthDate"', '"gender"', '"address"', '"telecom"'):
        assert field not in text
    assert "personal" not in text  # the runner's key in the store


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"resourceType": "Patient"}, "expected a FHIR Bundle"),
        (
            {"resourceType": "Bundle", "type": "collection", "color": "red"},
            "not a valid FHIR R4 Bundle",
        ),
        ({"resourceType": "Bundle"}, "not a valid FHIR R4 Bundle"),
    ],
)
def test_a_bundle_that_does_not_validate_is_refused(document, message):
    with pytest.raises(InputInvalid, match=message):
        read_fhir_bundle(document)


def test_an_empty_record_is_a_patient_and_the_questionnaires(database_url):
    assert resource_counts(bundle_of(database_url)) == {"Patient": 1, "Questionnaire": 3}
