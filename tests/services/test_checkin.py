"""Checking and keeping a check-in: one per date, nothing written on bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from builders import SAMPLE_CHECKIN

from backstride.errors import InputInvalid, StoreError
from backstride.services.assess import assess_intake, assessment_document, parse_intake
from backstride.services.checkin import (
    checkin_document,
    parse_checkin,
    read_checkin,
    red_flag_questions,
    save_checkin,
    saved_document,
)
from backstride.services.record import Record, open_record
from backstride.services.return_to_run import start_programme
from backstride.store import repo

TODAY = date(2026, 3, 10)
EXAMPLE = SAMPLE_CHECKIN


@pytest.fixture
def record(database_url: str) -> Iterator[Record]:
    with open_record(database_url) as record:
        yield record


def stored_checkins(record: Record):
    with record.session() as session:
        return repo.list_checkins(session=session, runner_id=record.runner.id)


def test_the_design_example_is_a_check_in():
    checkin = parse_checkin(json.dumps(EXAMPLE))
    assert checkin.date == date(2026, 3, 2)
    assert checkin.session is not None and checkin.session.kind == "run"
    assert checkin_document(checkin) == EXAMPLE


def test_a_rest_day_needs_only_the_date_and_the_morning():
    checkin = parse_checkin({"date": "2026-03-02", "morning_pain": 0})
    assert checkin.session is None and checkin.exercises_done == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{oops", "check-in: not valid JSON at line 1"),
        ("[]", "expected a JSON object"),
        (
            {"morning_pain": 1},
            "date: missing; required: the day of the check-in, written YYYY-MM-DD",
        ),
        (
            {"date": "2026-3-2", "morning_pain": 1},
            'date: "2026-3-2" is not allowed; expected a date',
        ),
        ({"date": "2026-02-30", "morning_pain": 1}, "expected a date written YYYY-MM-DD"),
        ({"date": 1772409600, "morning_pain": 1}, "date: 1772409600 is not allowed"),
        ({"date": "2026-03-02"}, "morning_pain: missing; required: a whole number from 0 to 10"),
        (
            {"date": "2026-03-02", "morning_pain": 11},
            "morning_pain: 11 is not allowed; expected a whole number from 0 to 10",
        ),
        ({"date": "2026-03-02", "morning_pain": "2"}, "morning_pain"),
        ({"date": "2026-03-02", "morning_pain": 1, "mood": "ok"}, "mood: unknown key"),
        (
            {"date": "2026-03-02", "morning_pain": 1, "session": {"kind": "swim"}},
            'session.kind: "swim" is not allowed; expected one of: "walk", "run"',
        ),
        (
            {"date": "2026-03-02", "morning_pain": 1, "session": {"kind": "run", "max_pain": 2}},
            "session.pain_after: missing",
        ),
        (
            {
                "date": "2026-03-02",
                "morning_pain": 1,
                "session": {"kind": "run", "max_pain": 2, "pain_after": 1, "limp": False, "km": 3},
            },
            "session.km: unknown key in session",
        ),
        (
            {"date": "2026-03-02", "morning_pain": 1, "red_flags": {"headache": True}},
            "red_flags.headache: unknown key in red_flags",
        ),
        (
            {"date": "2026-03-02", "morning_pain": 1, "red_flags": {"leg_weakness": "no"}},
            "red_flags.leg_weakness",
        ),
        (
            {"date": "2026-03-02", "morning_pain": 1, "exercises_done": ["dead_bug", "yoga"]},
            'exercises_done.1: "yoga" is not an exercise Backstride knows',
        ),
        (
            {"date": "2026-03-02", "morning_pain": 1, "morning_stiffness_min": -5},
            "morning_stiffness_min: -5 is not allowed",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_field(document, message):
    with pytest.raises(InputInvalid) as raised:
        parse_checkin(document if isinstance(document, str) else json.dumps(document))
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_reading_a_missing_file_or_a_folder_says_so(tmp_path):
    with pytest.raises(InputInvalid, match="no such file"):
        read_checkin(tmp_path / "nope.json")
    with pytest.raises(InputInvalid, match="is a folder"):
        read_checkin(tmp_path)


def test_the_short_red_flag_questions_cover_every_red_flag(knowledge):
    from backstride.contracts.intake import RED_FLAG_NAMES

    questions = red_flag_questions(knowledge)
    assert [name for name, _ in questions] == list(RED_FLAG_NAMES)
    assert all(question.endswith("?") for _, question in questions)


def test_a_check_in_is_kept_as_given(record):
    saved = save_checkin(record, parse_checkin(EXAMPLE), today=TODAY)
    assert not saved.updated and saved.triage is None and saved.programme is None
    [kept] = stored_checkins(record)
    assert kept.data == EXAMPLE
    assert (kept.morning_pain, kept.session_kind, kept.max_pain, kept.limp) == (1, "run", 3, False)


def test_a_second_check_in_for_the_same_date_replaces_the_first_and_says_so(record):
    save_checkin(record, parse_checkin(EXAMPLE), today=TODAY)
    second = parse_checkin({"date": "2026-03-02", "morning_pain": 4})
    saved = save_checkin(record, second, today=TODAY)
    assert saved.updated
    assert saved_document(saved)["updated"] is True
    [kept] = stored_checkins(record)
    assert kept.data == {
        "date": "2026-03-02",
        "morning_pain": 4,
        "exercises_done": [],
        "red_flags": {},
    }
    assert kept.session_kind is None


def test_a_check_in_dated_in_the_future_is_refused_and_nothing_is_written(record):
    tomorrow = parse_checkin({**EXAMPLE, "date": "2026-03-11"})
    with pytest.raises(InputInvalid, match="date: 2026-03-11 is in the future"):
        save_checkin(record, tomorrow, today=TODAY)
    assert stored_checkins(record) == []


def test_a_check_in_for_today_is_accepted(record):
    saved = save_checkin(record, parse_checkin({**EXAMPLE, "date": "2026-03-10"}), today=TODAY)
    assert not saved.updated


def test_a_failure_while_judging_the_programme_leaves_nothing_half_written(record):
    intake = parse_intake({"age": 35, "pain": {}})
    record.save_assessment({"age": 35, "pain": {}}, assessment_document(assess_intake(intake)))
    start_programme(record, today=date(2026, 3, 1))
    with record.session() as session:  # a stored check-in that no longer reads as one
        repo.upsert_checkin(
            session=session,
            runner_id=record.runner.id,
            checkin={"date": "2026-03-01", "morning_pain": 99},
        )
    with pytest.raises(StoreError, match="check-in of 2026-03-01 no longer reads"):
        save_checkin(record, parse_checkin(EXAMPLE), today=TODAY)
    assert [c.date for c in stored_checkins(record)] == [date(2026, 3, 1)]


def test_a_red_flag_is_triaged_even_without_a_programme(record):
    flagged = parse_checkin({**EXAMPLE, "red_flags": {"constant_night_pain": True}})
    saved = save_checkin(record, flagged, today=TODAY)
    assert saved.triage is not None and saved.triage.level == "urgent"
    document = saved_document(saved)
    assert document["triage"]["level"] == "urgent"
    assert document["triage"]["reasons"][0]["id"] == "constant_night_pain"
    assert document["return_to_run"] is None
