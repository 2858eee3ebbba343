"""`backstride outcomes`: add from a file or at a terminal, show the timeline; bad input exits 2
naming the field, and nothing is written."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys

import pytest
from pinned_time import TODAY

from backstride.services.record import open_record
from backstride.store import repo

FIRST = TODAY - dt.timedelta(days=14)


def rmdq(day: dt.date, yes: int) -> dict:
    answers = [True] * yes + [False] * (24 - yes)
    return {"date": day.isoformat(), "instrument": "rmdq", "answers": answers}


@pytest.fixture
def outcome_file(tmp_path):
    def write(document, name="outcome.json"):
        path = tmp_path / name
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        return str(path)

    return write


def said(text: str) -> str:
    return " ".join(text.split())


def stored(url):
    with open_record(url) as record, record.session() as session:
        return repo.list_outcomes(session=session, runner_id=record.runner.id)


def answer(monkeypatch, lines: list[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))


def test_a_file_is_kept_and_the_change_shown(run_cli, outcome_file, database_url):
    first = run_cli("outcomes", "add", "-i", outcome_file(rmdq(FIRST, 12)), "--db", database_url)
    assert first.code == 0, first.err
    assert "Score 12 (12 of 24 statements)" in said(first.out)
    assert "One score so far" in said(first.out)
    later = run_cli("outcomes", "add", "-i", outcome_file(rmdq(TODAY, 7)), "--db", database_url)
    assert "Better: from 12 to 7, 5 points, 42% of the first score" in said(later.out)
    assert len(stored(database_url)) == 2


def test_the_timeline_as_text_and_json(run_cli, outcome_file, database_url):
    for document in (rmdq(FIRST, 12), rmdq(TODAY, 9)):
        run_cli("outcomes", "add", "-i", outcome_file(document), "--db", database_url)
    text = run_cli("outcomes", "--db", database_url)
    assert text.code == 0, text.err
    out = said(text.out)
    assert "Roland-Morris Disability Questionnaire (RMDQ), 0-24, lower is better" in out
    assert f"{FIRST.day} {FIRST:%b} 12, {TODAY.day} {TODAY:%b} 9" in out
    assert "No clear change yet: from 12 to 9, 3 points, 25% of the first score" in out
    document = json.loads(run_cli("outcomes", "--format", "json", "--db", database_url).out)
    rmdq_doc = document["measures"][0]
    assert (rmdq_doc["verdict"], rmdq_doc["reaches_mic"]) == ("no_clear_change", False)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {**rmdq(FIRST, 1), "answers": [False] * 20},
            "answers: 20 answers given; expected exactly 24",
        ),
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
                "activities": [{"name": "", "score": 3}],
            },
            "activities.0.name: empty",
        ),
        ({**rmdq(FIRST, 1), "instrument": "oswestry"}, 'instrument: "oswestry" is not allowed'),
        ({**rmdq(TODAY + dt.timedelta(days=1), 1)}, "is in the future"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(
    run_cli, outcome_file, database_url, document, message
):
    result = run_cli("outcomes", "add", "-i", outcome_file(document), "--db", database_url)
    assert result.code == 2
    assert message in said(result.err)
    assert "Traceback" not in result.err
    assert stored(database_url) == []


def test_an_unknown_questionnaire_to_ask_is_refused(run_cli, database_url):
    result = run_cli("outcomes", "add", "odi", "--db", database_url, stdin_tty=True)
    assert result.code == 2 and "choose rmdq or psfs" in said(result.err)


def test_asking_needs_a_terminal(run_cli, database_url):
    result = run_cli("outcomes", "add", "rmdq", "--db", database_url)
    assert result.code == 2 and "pass --input FILE" in said(result.err)


def test_the_rmdq_asked_at_a_terminal(run_cli, monkeypatch, database_url):
    answer(monkeypatch, ["y", "maybe", "y", ""] + ["n"] * 10 + [""] * 11)
    result = run_cli("outcomes", "add", "rmdq", "--db", database_url, stdin_tty=True)
    assert result.code == 0, result.err
    assert "Enter means no" in said(result.out)
    [kept] = stored(database_url)
    assert kept.date == TODAY and kept.score == 2.0
    assert kept.data["answers"][:3] == [True, True, False]


def test_the_psfs_asked_at_a_terminal_offers_the_activities_rated_before(
    run_cli, monkeypatch, database_url
):
    answer(monkeypatch, ["", "run 5 km", "run 5 km", "sit through a meeting", "", "12", "3", "6"])
    first = run_cli(
        "outcomes", "add", "psfs", "--date", FIRST.isoformat(), "--db", database_url, stdin_tty=True
    )
    assert first.code == 0, first.err
    out = said(first.out)
    assert "Name at least one activity" in out and "You named that one already" in out
    assert "A whole number from 0 to 10" in out
    answer(monkeypatch, ["", "", "6", "8"])  # the same two activities, none added, rated again
    second = run_cli("outcomes", "add", "psfs", "--db", database_url, stdin_tty=True)
    assert second.code == 0, second.err
    assert "Last time you rated: run 5 km, sit through a meeting" in said(second.out)
    assert "Better: from 4.5 to 7, 2.5 points" in said(second.out)
    first_row, second_row = stored(database_url)
    assert first_row.date == FIRST
    assert [a["name"] for a in second_row.data["activities"]] == [
        "run 5 km",
        "sit through a meeting",
    ]


def test_answers_that_end_early_save_nothing(run_cli, monkeypatch, database_url):
    answer(monkeypatch, ["y", "n"])
    result = run_cli("outcomes", "add", "rmdq", "--db", database_url, stdin_tty=True)
    assert result.code == 2 and "nothing was saved" in result.err
    assert stored(database_url) == []


def test_an_empty_record_says_what_to_answer(run_cli, database_url):
    result = run_cli("outcomes", "--db", database_url)
    assert result.code == 0
    assert "backstride outcomes add rmdq" in said(result.out)


def test_the_outcome_schema(run_cli):
    schema = json.loads(run_cli("schema", "outcome").out)
    assert {"RmdqAnswers", "PsfsRatings"} <= set(schema["$defs"])
