"""`backstride plan`: run days asked once and kept, text, JSON and a calendar file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from icalendar import Calendar
from pinned_time import TODAY

from backstride.services.record import open_record
from backstride.store import ReturnToRunState, repo


@pytest.fixture
def db(database_url):
    return database_url


def test_days_are_given_once_then_kept(run_cli, db):
    first = run_cli("plan", "--days", "mon,wed,fri", "--db", db)
    assert first.code == 0, first.err
    assert "your run days are now mon,wed,fri" in first.err
    assert "The week ahead" in first.out
    assert "Brisk walk" in first.out
    assert "Mobility, every day" in first.out
    again = run_cli("plan", "--db", db)
    assert again.code == 0, again.err
    assert "run days are now" not in again.err
    assert again.out.count("Stage 1: Brisk walk") == 3


def test_without_days_and_without_a_terminal_it_names_the_flag(run_cli, db):
    result = run_cli("plan", "--db", db)
    assert result.code == 2
    assert "--days" in result.err
    assert "Traceback" not in result.err
    assert result.out == ""


def test_on_a_terminal_it_asks_until_the_answer_is_days(run_cli, db, monkeypatch):
    answers = iter(["someday", "tue, thu"])
    monkeypatch.setattr("typer.prompt", lambda *args, **kwargs: next(answers))
    result = run_cli("plan", "--db", db, "--format", "json", stdin_tty=True)
    assert result.code == 0, result.err
    assert "'someday' is not a day of the week" in result.err
    assert json.loads(result.out)["run_days"] == ["tuesday", "thursday"]
    with open_record(db) as record:
        assert record.runner.run_days == (1, 3)


def test_a_bad_day_is_named(run_cli, db):
    result = run_cli("plan", "--days", "mon,someday", "--db", db)
    assert result.code == 2
    assert "'someday' is not a day of the week" in result.err


def test_json_lists_seven_days_with_doses(run_cli, db):
    result = run_cli("plan", "--days", "sat", "--format", "json", "--db", db)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["start"] == TODAY.isoformat()
    assert len(document["days"]) == 7
    kinds = [day["kind"] for day in document["days"]]
    assert kinds.count("run") == 1
    assert {"strength", "cross_training"} <= set(kinds)
    saturday = next(day for day in document["days"] if day["weekday"] == "saturday")
    assert saturday["kind"] == "run"
    assert all(item["dose"] for day in document["days"] for item in day["items"])


def test_ics_file_imports_as_seven_events(run_cli, db, tmp_path):
    out = tmp_path / "week.ics"
    result = run_cli(
        "plan", "--days", "mon,wed,fri", "--format", "ics", "--out", str(out), "--db", db
    )
    assert result.code == 0, result.err
    assert result.out == ""
    assert str(out) in result.err
    calendar = Calendar.from_ical(out.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 7
    today = TODAY
    assert [e.decoded("DTSTART") for e in events] == [today + dt.timedelta(i) for i in range(7)]
    runs = [e for e in events if "Stage 1: Brisk walk" in str(e["SUMMARY"])]
    assert len(runs) == 3
    assert "30 minutes of brisk walking." in str(runs[0]["DESCRIPTION"])
    assert not list(tmp_path.glob(".week.ics.*")), "no temporary file left behind"


def test_ics_without_out_goes_to_standard_output(run_cli, db):
    result = run_cli("plan", "--days", "mon", "--format", "ics", "--db", db)
    assert result.code == 0, result.err
    assert result.out.startswith("BEGIN:VCALENDAR")
    assert len(Calendar.from_ical(result.out).walk("VEVENT")) == 7


def test_text_can_go_to_a_file(run_cli, db, tmp_path):
    out = tmp_path / "week.txt"
    result = run_cli("plan", "--days", "mon", "--out", str(out), "--db", db)
    assert result.code == 0, result.err
    assert result.out == ""
    assert "The week ahead" in out.read_text(encoding="utf-8")


def test_an_out_file_in_a_missing_folder_is_a_plain_error(run_cli, db, tmp_path):
    out = tmp_path / "missing" / "week.ics"
    result = run_cli("plan", "--days", "mon", "--format", "ics", "--out", str(out), "--db", db)
    assert result.code == 2
    assert "--out" in result.err and "could not write the file" in result.err
    assert "Traceback" not in result.err


def test_a_stopped_programme_is_explained_not_planned(run_cli, db):
    with open_record(db) as record, record.session() as session:
        state = ReturnToRunState(started_on=TODAY, stage=2, status="stopped")
        repo.save_return_to_run(session=session, runner_id=record.runner.id, state=state)
    result = run_cli("plan", "--days", "mon", "--db", db)
    assert result.code == 1
    assert "programme is stopped" in result.err
    assert "GP or physiotherapist" in result.err
    assert result.out == ""
