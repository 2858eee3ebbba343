"""`backstride rtr start` and `backstride rtr status`, and the offer at the end of `assess`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from builders import SAMPLE_INTAKE, intake_dict
from pinned_time import TODAY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def said(text: str) -> str:
    """Printed text with the terminal's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture
def write(tmp_path):
    def write(document, name):
        path = tmp_path / name
        path.write_text(json.dumps(document))
        return str(path)

    return write


@pytest.fixture
def assessed(run_cli, write, database_url):
    """A database holding one self-care assessment (running: reduce)."""
    result = run_cli("assess", "--input", write(SAMPLE_INTAKE, "intake.json"), "--db", database_url)
    assert result.code == 0, result.err
    return database_url


def check_in(run_cli, write, db, days_ago, morning=1, session=None, **changes):
    day = TODAY - timedelta(days=days_ago)
    document = {"date": day.isoformat(), "morning_pain": morning, "session": session, **changes}
    result = run_cli("checkin", "-i", write(document, f"{day}.json"), "--db", db)
    assert result.code == 0, result.err
    return result


WALK = {"kind": "walk", "max_pain": 2, "pain_after": 1, "limp": False, "duration_min": 30}


def status_json(run_cli, db):
    result = run_cli("rtr", "status", "--format", "json", "--db", db)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_status_without_a_programme_says_how_to_start(run_cli, database_url):
    result = run_cli("rtr", "status", "--db", database_url)
    assert result.code == 1
    assert "start one with `backstride rtr start`" in result.err
    assert "Traceback" not in result.err


def test_start_needs_an_assessment(run_cli, database_url):
    result = run_cli("rtr", "start", "--db", database_url)
    assert result.code == 1
    assert "run `backstride assess` first" in result.err


def test_start_is_refused_when_the_assessment_found_warning_signs(run_cli, write, database_url):
    document = intake_dict(red_flags={"fever_or_unwell": True})
    run_cli("assess", "--input", write(document, "intake.json"), "--db", database_url)
    result = run_cli("rtr", "start", "--db", database_url)
    assert result.code == 1
    assert "See a doctor today" in result.err
    assert run_cli("rtr", "status", "--db", database_url).code == 1


def test_start_then_status(run_cli, assessed, knowledge):
    result = run_cli("rtr", "start", "--db", assessed)
    assert result.code == 0, result.err
    assert "Your return-to-run programme has started." in result.out
    text = said(result.out)
    assert f"Return to run: stage 1 of {len(knowledge.return_to_run)}, brisk walk" in text
    assert "Last decision: START" in text
    assert "Next session: Walk briskly for 30 minutes" in text

    again = run_cli("rtr", "start", "--db", assessed)
    assert again.code == 0 and "You already have a return-to-run programme" in again.out

    document = status_json(run_cli, assessed)
    assert {"stage", "stages", "decision", "why", "next_session", "triage"} <= set(document)
    assert (document["stage"], document["decision"]) == (1, "start")
    assert document["stages"] == len(knowledge.return_to_run)
    assert document["triage"] == {
        "level": "self_care",
        "title": None,
        "advice": None,
        "reasons": [],
    }
    assert document["next_session"]["kind"] == "walk"


def test_check_ins_move_the_runner_up_and_status_explains_why(run_cli, write, assessed):
    run_cli("rtr", "start", "--db", assessed)
    # `rtr start` starts today, so the diary runs from today; sessions are judged next morning.
    first = check_in(run_cli, write, assessed, 0, session=WALK)
    assert "is judged once you log the morning of" in said(first.out)
    document = status_json(run_cli, assessed)
    assert document["waiting"] == [TODAY.isoformat()]
    assert document["decision"] == "start"


def test_a_programme_progresses_over_a_diary(run_cli, write, database_url):
    from backstride.services.record import open_record
    from backstride.services.return_to_run import start_programme

    run_cli("assess", "--input", write(SAMPLE_INTAKE, "intake.json"), "--db", database_url)
    with open_record(database_url) as record:  # as if `rtr start` had been run four days ago
        start_programme(record, today=TODAY - timedelta(days=4))

    check_in(run_cli, write, database_url, 4, session=WALK)
    check_in(run_cli, write, database_url, 3)
    check_in(run_cli, write, database_url, 2, session=WALK)
    result = check_in(run_cli, write, database_url, 1)
    assert "Last decision: PROGRESS" in result.out
    document = status_json(run_cli, database_url)
    assert (document["stage"], document["decision"]) == (2, "progress")
    assert "move up to stage 2" in document["why"][-1]
    assert document["next_session"]["kind"] == "run"
    text = said(run_cli("rtr", "status", "--db", database_url).out)
    assert "Return to run: stage 2 of" in text and "first running minutes" in text
    assert "highest pain 2/10" in text

    stopped = check_in(run_cli, write, database_url, 0, red_flags={"constant_night_pain": True})
    assert "URGENT" in stopped.out
    document = status_json(run_cli, database_url)
    assert document["decision"] == "stop" and document["status"] == "stopped"
    assert document["triage"]["level"] == "urgent" and document["next_session"] is None
    text = said(run_cli("rtr", "status", "--db", database_url).out)
    assert "STOPPED" in text and "Next session: none until a clinician has seen you" in text


def test_an_assessment_with_warning_signs_after_the_start_stops_the_programme(
    run_cli, write, assessed, knowledge
):
    run_cli("rtr", "start", "--db", assessed)
    document = intake_dict(red_flags={"leg_weakness": True})
    assert run_cli("assess", "--input", write(document, "urgent.json"), "--db", assessed).code == 0
    status = status_json(run_cli, assessed)
    assert (status["status"], status["decision"]) == ("stopped", "stop")
    assert status["triage"]["level"] == "urgent" and status["next_session"] is None
    assert [r["id"] for r in status["triage"]["reasons"]] == ["leg_weakness"]
    reason = next(f.why for f in knowledge.red_flags if f.id == "leg_weakness")
    assert reason in status["why"]
    assert any("see a doctor today" in line.lower() for line in status["why"])
    text = said(run_cli("rtr", "status", "--db", assessed).out)
    assert "STOPPED" in text and "Next session: none until a clinician has seen you" in text


def test_the_stored_programme_stops_as_soon_as_the_assessment_is_kept(run_cli, write, assessed):
    from backstride.store import open_store, repo

    run_cli("rtr", "start", "--db", assessed)
    document = intake_dict(red_flags={"saddle_numbness": True})
    run_cli("assess", "--input", write(document, "emergency.json"), "--db", assessed)
    # read the row itself, as the report, the progress chart and an export do
    with open_store(assessed) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        stored = repo.get_return_to_run(session=session, runner_id=runner.id)
    assert stored is not None and stored.status == "stopped"


def test_assess_offers_the_programme_when_running_is_reduced(run_cli, database_url):
    result = run_cli("assess", "--input", str(EXAMPLES / "intake.json"), "--db", database_url)
    assert result.code == 0, result.err
    assert "backstride rtr start" in result.err


def test_assess_does_not_offer_the_programme_above_self_care(run_cli, write, database_url):
    document = {**SAMPLE_INTAKE, "red_flags": {"saddle_numbness": True}}
    result = run_cli("assess", "--input", write(document, "intake.json"), "--db", database_url)
    assert result.code == 0
    assert "rtr start" not in result.err + result.out


def test_assess_json_output_is_left_as_it_is(run_cli, database_url):
    result = run_cli(
        "assess", "-i", str(EXAMPLES / "intake.json"), "-f", "json", "--db", database_url
    )
    assert result.code == 0 and "rtr start" not in result.err
    json.loads(result.out)
