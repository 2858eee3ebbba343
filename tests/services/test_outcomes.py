"""Outcome questionnaires: checked before they are kept, scored, and put on one timeline with
pain from the check-ins and STarT Back from the assessments."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import sample_intake
from pinned_time import TODAY

from backstride.errors import InputInvalid
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.services.outcomes import (
    outcomes_document,
    parse_outcome,
    runner_outcomes,
    save_outcome,
)
from backstride.services.record import open_record
from backstride.store import repo

FIRST = TODAY - dt.timedelta(days=28)


def rmdq(day: dt.date, yes: int) -> dict:
    return {
        "date": day.isoformat(),
        "instrument": "rmdq",
        "answers": [True] * yes + [False] * (24 - yes),
    }


def psfs(day: dt.date, *ratings: tuple[str, int]) -> dict:
    return {
        "date": day.isoformat(),
        "instrument": "psfs",
        "activities": [{"name": name, "score": score} for name, score in ratings],
    }


def kept(url: str):
    with open_record(url) as record, record.session() as session:
        return repo.list_outcomes(session=session, runner_id=record.runner.id)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {**rmdq(FIRST, 3), "answers": [True] * 23},
            "answers: 23 answers given; expected exactly 24",
        ),
        ({**rmdq(FIRST, 3), "answers": [True] * 25}, "answers: 25 answers given"),
        (
            {**rmdq(FIRST, 3), "answers": ["yes"] * 24},
            'answers.0: "yes" is not allowed; expected true (yes) or false (no)',
        ),
        (
            psfs(FIRST, ("run 5 km", 11)),
            "activities.0.score: 11 is not allowed; expected a whole number from 0 to 10",
        ),
        (psfs(FIRST, ("run 5 km", 4), ("   ", 3)), "activities.1.name: empty; name the activity"),
        (psfs(FIRST), "activities: expected 1 to 5 activities"),
        (psfs(FIRST, *[(f"task {n}", 5) for n in range(6)]), "activities: expected 1 to 5"),
        (psfs(FIRST, ("Run 5 km", 4), ("run 5 km", 5)), "'run 5 km' is named twice"),
        (
            {"date": "2026-03-02", "instrument": "odi", "answers": []},
            'instrument: "odi" is not allowed',
        ),
        ({"date": "2026-03-02", "answers": []}, "instrument: missing"),
        ({**rmdq(FIRST, 3), "mood": "fine"}, "mood: unknown key"),
        ({**rmdq(FIRST, 3), "date": "2 March"}, 'date: "2 March" is not allowed; expected a date'),
        ({**rmdq(FIRST, 3), "date": 1772409600}, "date: 1772409600 is not allowed"),
    ],
)
def test_bad_input_names_the_field(document, message):
    with pytest.raises(InputInvalid) as caught:
        parse_outcome(document)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_json_text_names_where_it_broke():
    with pytest.raises(InputInvalid, match="not valid JSON at line 1"):
        parse_outcome('{"date": ', origin="rmdq.json")


def test_a_questionnaire_is_kept_with_its_score_and_replaced_on_the_same_date(database_url):
    with open_record(database_url) as record:
        first = save_outcome(record, parse_outcome(rmdq(FIRST, 12)), today=TODAY)
        again = save_outcome(record, parse_outcome(rmdq(FIRST, 10)), today=TODAY)
        other = save_outcome(record, parse_outcome(psfs(FIRST, ("run 5 km", 3))), today=TODAY)
    assert (first.updated, again.updated, other.updated) == (False, True, False)
    assert (float(first.score.value), float(again.score.value)) == (12.0, 10.0)
    [psfs_row, rmdq_row] = kept(database_url)
    assert (rmdq_row.score, rmdq_row.data["answers"].count(True)) == (10.0, 10)
    assert psfs_row.data["activities"] == [{"name": "run 5 km", "score": 3}]


def test_a_questionnaire_for_a_day_to_come_is_refused_and_nothing_kept(database_url):
    tomorrow = TODAY + dt.timedelta(days=1)
    with open_record(database_url) as record, pytest.raises(InputInvalid, match="in the future"):
        save_outcome(record, parse_outcome(rmdq(tomorrow, 1)), today=TODAY)
    assert kept(database_url) == []


def test_activity_names_are_kept_trimmed(database_url):
    with open_record(database_url) as record:
        save_outcome(record, parse_outcome(psfs(FIRST, ("  run 5 km ", 3))), today=TODAY)
    assert kept(database_url)[0].data["activities"][0]["name"] == "run 5 km"


@pytest.fixture
def story(database_url):
    """Four weeks: RMDQ 12 then 6, PSFS 3 then 4, pain 5 then 3, STarT Back twice."""
    with open_record(database_url) as record:
        save_outcome(record, parse_outcome(rmdq(FIRST, 12)), today=TODAY)
        save_outcome(record, parse_outcome(rmdq(TODAY, 6)), today=TODAY)
        save_outcome(record, parse_outcome(psfs(FIRST, ("run 5 km", 2), ("sit", 4))), today=TODAY)
        save_outcome(record, parse_outcome(psfs(TODAY, ("run 5 km", 3), ("sit", 5))), today=TODAY)
        with record.session() as session:
            for day, pain in ((FIRST, 5), (FIRST + dt.timedelta(days=7), 4), (TODAY, 3)):
                checkin = {"date": day.isoformat(), "morning_pain": pain}
                repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)
            for moment, answers in (
                (FIRST, [True, True, True, True, True, True, True, True, 4]),
                (TODAY, [False, False, True, False, False, False, False, False, 1]),
            ):
                intake = sample_intake(startback=answers)
                repo.save_assessment(
                    session=session,
                    runner_id=record.runner.id,
                    intake=intake_document(intake),
                    output=assessment_document(assess_intake(intake)),
                    created_at=dt.datetime.combine(moment, dt.time(9), tzinfo=dt.UTC),
                )
    return database_url


def test_every_measure_has_its_timeline_and_verdict(story):
    with open_record(story) as record:
        report = runner_outcomes(record)
    verdicts = {m.measure.id: (m.change.verdict if m.change else None) for m in report.measures}
    assert verdicts == {
        "rmdq": "improved",  # 12 -> 6
        "psfs": "no_clear_change",  # 3 -> 4
        "pain_nrs": "improved",  # 5 -> 3
        "startback": "no_threshold",
    }
    pain = report.measure("pain_nrs")
    assert [float(s.value) for s in pain.scores] == [5.0, 4.0, 3.0]


def test_the_document_follows_the_contract(story):
    with open_record(story) as record:
        document = outcomes_document(runner_outcomes(record))
    assert document["schema_version"] == 1
    measures = {m["instrument"]: m for m in document["measures"]}
    assert list(measures) == ["rmdq", "psfs", "pain_nrs", "startback"]
    rmdq_doc = measures["rmdq"]
    assert rmdq_doc["baseline"]["score"] == 12 and rmdq_doc["latest"]["score"] == 6
    assert (rmdq_doc["change"], rmdq_doc["improvement"], rmdq_doc["percent"]) == (-6, 6, 50.0)
    assert rmdq_doc["mic"]["points"] == 5 and rmdq_doc["mic"]["percent"] == 30
    assert rmdq_doc["mic"]["sources"] == ["ostelo_2008"] and rmdq_doc["reaches_mic"] is True
    assert measures["psfs"]["same_activities"] is True
    assert measures["psfs"]["verdict_text"].startswith("No clear change yet")
    assert measures["startback"]["mic"] is None and measures["startback"]["reaches_mic"] is None
    assert measures["startback"]["timeline"][0]["detail"].startswith("high risk")
    cited = {s["id"] for s in document["sources"]}
    assert {"roland_morris_1983", "stratford_1995", "ostelo_2008", "keele_startback"} <= cited


def test_an_empty_record_says_what_to_answer(database_url):
    with open_record(database_url) as record:
        report = runner_outcomes(record)
    assert report.is_empty
    document = outcomes_document(report)
    assert {m["verdict"] for m in document["measures"]} == {"not_enough_data"}
