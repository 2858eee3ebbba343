"""`backstride checkin` from a file and answered at a terminal; nothing written on bad input."""

from __future__ import annotations

import io
import json
import sys
from datetime import timedelta

import pytest
from builders import SAMPLE_CHECKIN
from pinned_time import TODAY

from backstride.contracts.intake import RED_FLAG_NAMES
from backstride.services.checkin import red_flag_questions
from backstride.services.record import open_record
from backstride.store import repo

DAY = TODAY - timedelta(days=3)


def example(**changes):
    return {**SAMPLE_CHECKIN, "date": DAY.isoformat(), **changes}


@pytest.fixture
def checkin_file(tmp_path):
    def write(document, name="checkin.json"):
        path = tmp_path / name
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        return str(path)

    return write


def said(text: str) -> str:
    """Printed text with the terminal's line wrapping undone."""
    return " ".join(text.split())


def stored(database_url):
    with open_record(database_url) as record, record.session() as session:
        return repo.list_checkins(session=session, runner_id=record.runner.id)


def test_a_check_in_file_is_saved(run_cli, checkin_file, database_url):
    result = run_cli("checkin", "--input", checkin_file(example()), "--db", database_url)
    assert result.code == 0, result.err
    assert f"Check-in for {DAY:%A} {DAY.day} {DAY:%B %Y} saved." in said(result.out)
    [kept] = stored(database_url)
    assert kept.date == DAY and kept.data["notes"] == "felt fine"


def test_a_second_check_in_for_the_date_says_it_updates_the_first(
    run_cli, checkin_file, database_url
):
    run_cli("checkin", "--input", checkin_file(example()), "--db", database_url)
    result = run_cli(
        "checkin", "--input", checkin_file(example(morning_pain=3)), "--db", database_url
    )
    assert result.code == 0, result.err
    assert "updated: it replaces the one you saved earlier for that date" in said(result.out)
    [kept] = stored(database_url)
    assert kept.morning_pain == 3


def test_json_output(run_cli, checkin_file, database_url):
    path = checkin_file(example())
    first = json.loads(run_cli("checkin", "-i", path, "-f", "json", "--db", database_url).out)
    assert first == {
        "date": DAY.isoformat(),
        "updated": False,
        "triage": None,
        "return_to_run": None,
    }
    second = json.loads(run_cli("checkin", "-i", path, "-f", "json", "--db", database_url).out)
    assert second["updated"] is True


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "checkin.json: not valid JSON at line 1"),
        ("[1]", "expected a JSON object"),
        (example(date="yesterday"), 'date: "yesterday" is not allowed; expected a date written'),
        (example(morning_pain=12), "morning_pain: 12 is not allowed; expected a whole number"),
        (example(mood="fine"), "mood: unknown key"),
        (example(session={"kind": "swim"}), 'session.kind: "swim" is not allowed'),
        (example(red_flags={"saddle_numbness": "no"}), "red_flags.saddle_numbness"),
        (example(exercises_done=["yoga"]), 'exercises_done.0: "yoga" is not an exercise'),
        (example(date=(TODAY + timedelta(days=2)).isoformat()), "is in the future"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    run_cli, checkin_file, database_url, document, message
):
    result = run_cli("checkin", "--input", checkin_file(document), "--db", database_url)
    assert result.code == 2
    assert result.out == ""
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert stored(database_url) == []


def test_a_missing_file_is_a_plain_error(run_cli, tmp_path, database_url):
    result = run_cli("checkin", "--input", str(tmp_path / "none.json"), "--db", database_url)
    assert result.code == 2 and "no such file" in result.err


def test_without_input_and_without_a_terminal_it_names_the_flag(run_cli, database_url):
    result = run_cli("checkin", "--db", database_url)
    assert result.code == 2
    assert "pass --input FILE" in result.err
    assert stored(database_url) == []


def answer(monkeypatch, lines):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))


def test_the_day_is_asked_question_by_question(run_cli, monkeypatch, database_url):
    answers = [DAY.isoformat(), "", "2", "15"]  # date; morning pain needed, asked again; stiffness
    answers += ["run", "3", "2", "n", "3.5", "25"]  # the session
    answers += ["dead_bug, yoga", "dead_bug, glute_bridge"]  # an unknown exercise is asked again
    answers += ["n", "n", "all good"]  # no new leg symptoms; none of the warning signs; a note
    answer(monkeypatch, answers)
    result = run_cli("checkin", "--db", database_url, stdin_tty=True)
    assert result.code == 0, result.err
    assert "This one is needed" in result.out and "not known: yoga" in result.out
    [kept] = stored(database_url)
    assert kept.data["session"] == {
        "kind": "run",
        "max_pain": 3,
        "pain_after": 2,
        "limp": False,
        "distance_km": 3.5,
        "duration_min": 25.0,
    }
    assert kept.data["exercises_done"] == ["dead_bug", "glute_bridge"]
    assert kept.data["red_flags"] == dict.fromkeys(RED_FLAG_NAMES, False)
    assert (kept.morning_pain, kept.data["morning_stiffness_min"]) == (2, 15)


def test_a_rest_day_with_a_warning_sign_says_what_to_do(run_cli, monkeypatch, database_url):
    answers = ["", "1", "", ""]  # today, pain 1, no stiffness given, rest day
    answers += ["", "y"]  # no exercises; new leg symptoms
    answers += ["", "n", ""]  # Enter on a safety question is asked again; no warning signs
    answer(monkeypatch, answers)
    result = run_cli("checkin", "--db", database_url, stdin_tty=True)
    assert result.code == 0, result.err
    assert "This is a safety question and cannot be skipped" in said(result.out)
    assert "SEE A DOCTOR OR PHYSIO" in result.out
    assert "Book a GP or physiotherapist within days" in said(result.out)
    [kept] = stored(database_url)
    assert kept.date == TODAY and kept.new_leg_symptoms is True and kept.session_kind is None


def test_a_yes_to_the_warning_signs_asks_which_one_by_one(run_cli, monkeypatch, database_url):
    answers = ["", "3", "", "", "", "n"]  # today, pain 3, rest day, no exercises, legs fine
    asked = [name for name, _ in red_flag_questions()]
    answers += ["y"] + ["n"] * (len(asked) - 1) + ["y", ""]  # the last sign asked, only
    answer(monkeypatch, answers)
    result = run_cli("checkin", "--db", database_url, stdin_tty=True)
    assert result.code == 0, result.err
    assert "Which ones? Answer each." in result.out
    [kept] = stored(database_url)
    assert kept.data["red_flags"] == {**dict.fromkeys(RED_FLAG_NAMES, False), asked[-1]: True}


def test_answers_that_end_early_save_nothing(run_cli, monkeypatch, database_url):
    answer(monkeypatch, ["", "2"])
    result = run_cli("checkin", "--db", database_url, stdin_tty=True)
    assert result.code == 2
    assert "nothing was saved" in result.err and "Traceback" not in result.err
    assert stored(database_url) == []
