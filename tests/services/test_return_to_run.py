"""The return-to-run programme in the runner's record, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from builders import intake_dict

from backstride.errors import BackstrideError
from backstride.services.assess import assess_intake, assessment_document, parse_intake
from backstride.services.checkin import parse_checkin, save_checkin
from backstride.services.record import Record, open_record
from backstride.services.return_to_run import (
    offers_return_to_run,
    programme_status,
    recent_record,
    start_programme,
    status_document,
    warning_sign_since_assessment,
)
from backstride.store import repo

START = date(2026, 3, 2)


@pytest.fixture
def record(database_url: str) -> Iterator[Record]:
    with open_record(database_url) as record:
        yield record


def assess(record: Record, *, at: datetime | None = None, **changes: Any) -> None:
    """Keep an assessment of a minimal intake (self-care unless `changes` say otherwise)."""
    intake = parse_intake(intake_dict(**changes))
    document = assessment_document(assess_intake(intake))
    with record.session() as session:
        repo.save_assessment(
            session=session,
            runner_id=record.runner.id,
            intake=intake.model_dump(mode="json", exclude_none=True),
            output=document,
            created_at=at,
        )


def check_in(record: Record, day: date, morning: int = 1, session=None, **changes: Any):
    document = {"date": day.isoformat(), "morning_pain": morning, "session": session, **changes}
    checkin = parse_checkin(document)
    return save_checkin(record, checkin, today=day + timedelta(days=30))


def walk(max_pain: int = 2, **changes: Any) -> dict[str, Any]:
    return {"kind": "walk", "max_pain": max_pain, "pain_after": 1, "limp": False, **changes}


def stored(record: Record):
    with record.session() as session:
        return repo.list_return_to_run(session=session, runner_id=record.runner.id)


# Starting ------------------------------------------------------------------------------------


def test_the_programme_needs_an_assessment_first(record):
    with pytest.raises(BackstrideError, match="run `backstride assess` first"):
        start_programme(record, today=START)
    assert stored(record) == []


def test_an_assessment_with_warning_signs_refuses_the_programme(record):
    assess(record, red_flags={"leg_numbness_or_tingling": True})
    with pytest.raises(BackstrideError, match="once a clinician has seen you"):
        start_programme(record, today=START)
    assert stored(record) == []


def test_start_at_stage_1_and_keep_it(record, knowledge):
    assess(record)
    started = start_programme(record, today=START)
    assert not started.already_active
    programme = started.programme
    assert (programme.stage, programme.decision, programme.started_on) == (1, "start", START)
    [saved] = stored(record)
    assert (saved.stage, saved.status, saved.last_decision) == (1, "active", "start")
    assert saved.why == programme.why and saved.started_on == START


def test_starting_twice_keeps_the_running_programme(record):
    assess(record)
    start_programme(record, today=START)
    again = start_programme(record, today=START + timedelta(days=3))
    assert again.already_active and again.programme.started_on == START
    assert len(stored(record)) == 1


def test_a_warning_sign_checked_in_after_the_assessment_refuses_the_start(record):
    assess(record, at=datetime(2026, 3, 1, 8, tzinfo=UTC))
    check_in(record, START - timedelta(days=1), new_leg_symptoms=True)
    with pytest.raises(BackstrideError, match="check-in of 2026-03-01 reports a warning sign"):
        start_programme(record, today=START)
    assert stored(record) == []


def test_a_new_assessment_clears_an_earlier_check_in(record):
    check_in(record, START - timedelta(days=1), red_flags={"fever_or_unwell": True})
    assess(record)
    assert start_programme(record, today=START).programme.status == "active"


def test_a_warning_sign_in_todays_check_in_refuses_the_start_even_after_an_assessment(record):
    check_in(record, START, red_flags={"fever_or_unwell": True})
    assess(record)
    with pytest.raises(BackstrideError, match="today's check-in"):
        start_programme(record, today=START)


def test_the_start_and_the_plan_share_one_rule_for_warning_signs_since_the_assessment(
    record, knowledge
):
    check_in(record, START - timedelta(days=2), red_flags={"fever_or_unwell": True})
    check_in(record, START, new_leg_symptoms=True)
    with record.session() as session:
        checkins = repo.list_checkins(session=session, runner_id=record.runner.id)
    kb = knowledge
    found = warning_sign_since_assessment(checkins, None, today=START, knowledge=kb)
    assert found is not None and found[0].date == START - timedelta(days=2)
    assess(record)  # asks again: only today's check-in still counts, whenever it was saved
    with record.session() as session:
        assessment = repo.latest_assessment(session=session, runner_id=record.runner.id)
    found = warning_sign_since_assessment(checkins, assessment, today=START, knowledge=kb)
    assert found is not None and found[0].date == START and found[1].level == "see_doctor"
    later = START + timedelta(days=1)
    assert warning_sign_since_assessment(checkins, assessment, today=later, knowledge=kb) is None


# Judging again on each check-in ------------------------------------------------------------


def test_each_check_in_judges_the_programme_again_and_stores_it(record):
    assess(record)
    start_programme(record, today=START)
    check_in(record, START, session=walk(duration_min=30))
    saved = check_in(record, START + timedelta(days=1))
    assert saved.programme is not None and saved.programme.decision == "hold"
    check_in(record, START + timedelta(days=2), session=walk())
    check_in(record, START + timedelta(days=3))
    [programme] = stored(record)
    assert (programme.stage, programme.last_decision) == (2, "progress")
    assert programme.decided_on == START + timedelta(days=3)
    assert programme_status(record).stage == 2


def test_a_late_morning_is_judged_in_its_place(record):
    assess(record)
    start_programme(record, today=START)
    check_in(record, START, session=walk())  # too much once its (worse) next morning is known
    for offset, session in ((2, walk()), (3, None), (4, walk()), (5, None)):
        check_in(record, START + timedelta(days=offset), session=session)
    assert programme_status(record).stage == 2
    check_in(record, START + timedelta(days=1), morning=3)
    status = programme_status(record)
    assert status.stage == 2  # stepped back from 1 to 1, then up after two safe walks
    assert [s.decision for s in status.steps] == ["regress", "hold", "progress"]


def test_a_red_flag_stops_the_programme_and_says_whom_to_see(record):
    assess(record)
    start_programme(record, today=START)
    saved = check_in(record, START, red_flags={"saddle_numbness": True})
    assert saved.triage is not None and saved.triage.level == "emergency"
    assert saved.programme is not None and saved.programme.status == "stopped"
    [programme] = stored(record)
    assert (programme.status, programme.last_decision) == ("stopped", "stop")
    document = status_document(programme_status(record))
    assert document["decision"] == "stop" and document["next_session"] is None
    assert document["triage"]["level"] == "emergency"
    assert any("emergency department" in line for line in document["why"])


def test_a_stopped_programme_is_not_judged_again(record):
    assess(record)
    start_programme(record, today=START)
    check_in(record, START, new_leg_symptoms=True)
    later = check_in(record, START + timedelta(days=1))
    assert later.programme is None
    assert stored(record)[0].status == "stopped"


def test_after_a_stop_a_new_assessment_starts_a_new_programme(record):
    assess(record, at=datetime(2026, 3, 1, tzinfo=UTC))
    start_programme(record, today=START)
    check_in(record, START, new_leg_symptoms=True)
    with pytest.raises(BackstrideError):
        start_programme(record, today=START + timedelta(days=5))
    assess(record)
    restarted = start_programme(record, today=START + timedelta(days=5))
    assert not restarted.already_active
    assert [p.status for p in stored(record)] == ["stopped", "active"]


def test_a_corrected_check_in_leaves_an_ended_programme_as_it_ended(record):
    assess(record)
    start_programme(record, today=START)
    check_in(record, START, red_flags={"fever_or_unwell": True})
    check_in(record, START, red_flags={"fever_or_unwell": False})
    status = programme_status(record)
    assert (status.status, status.decision, status.next_session) == ("stopped", "stop", None)
    assert "fever" in " ".join(status.why).lower()


# An assessment after the start ----------------------------------------------------------------


def test_an_assessment_above_self_care_after_the_start_stops_the_programme(record, knowledge):
    assess(record)
    start_programme(record, today=START)
    check_in(record, START, session=walk())
    check_in(record, START + timedelta(days=1))
    assess(record, red_flags={"leg_weakness": True})  # saved after the programme started
    status = programme_status(record)
    assert (status.status, status.decision, status.triage_level) == ("stopped", "stop", "urgent")
    assert status.next_session is None and status.waiting == ()
    assert [s.decision for s in status.steps] == ["hold", "stop"]
    reason = next(f.why for f in knowledge.red_flags if f.id == "leg_weakness")
    assert "found warning signs" in status.why[0] and reason in status.why
    assert any("see a doctor today" in line.lower() for line in status.why)
    document = status_document(status)
    assert document["triage"]["level"] == "urgent" and document["next_session"] is None
    # The next check-in keeps the programme stopped, and stores it so.
    saved = check_in(record, START + timedelta(days=2), session=walk())
    assert saved.programme is not None and saved.programme.status == "stopped"
    [programme] = stored(record)
    assert (programme.status, programme.last_decision) == ("stopped", "stop")
    assert check_in(record, START + timedelta(days=3)).programme is None


def test_a_self_care_assessment_after_the_start_leaves_the_programme_running(record):
    assess(record)
    start_programme(record, today=START)
    assess(record)
    assert programme_status(record).status == "active"


def test_a_stop_by_assessment_stands_after_a_clear_assessment_until_a_new_start(record):
    assess(record)
    start_programme(record, today=START)
    assess(record, red_flags={"fever_or_unwell": True})
    assess(record)  # seen and cleared: the stopped programme still changes no more
    assert programme_status(record).status == "stopped"
    restarted = start_programme(record, today=START + timedelta(days=5))
    assert not restarted.already_active and restarted.programme.status == "active"
    assert [p.status for p in stored(record)] == ["stopped", "active"]


def test_a_start_while_an_assessment_still_sends_the_runner_to_a_clinician_is_refused(record):
    assess(record)
    start_programme(record, today=START)
    assess(record, red_flags={"fever_or_unwell": True})
    with pytest.raises(BackstrideError, match="once a clinician has seen you"):
        start_programme(record, today=START + timedelta(days=5))
    assert [p.status for p in stored(record)] == ["active"]  # nothing written
    assert programme_status(record).status == "stopped"


# Status ----------------------------------------------------------------------------------------


def test_the_recent_record_is_the_latest_assessment_the_recent_check_ins_and_the_programme(
    record,
):
    empty = recent_record(record, since=START)
    assert (empty.latest, empty.checkins, empty.programme_active) == (None, [], False)

    assess(record, at=datetime(2026, 3, 1, tzinfo=UTC))
    start_programme(record, today=START)
    for day in range(3):
        check_in(record, START + timedelta(days=day))
    recent = recent_record(record, since=START + timedelta(days=1))

    assert recent.latest == record.latest_assessment()
    assert recent.checkins == record.checkins_since(START + timedelta(days=1))
    assert [c.date for c in recent.checkins] == [START + timedelta(days=d) for d in (1, 2)]
    assert recent.programme_active
    check_in(record, START + timedelta(days=3), new_leg_symptoms=True)
    assert not recent_record(record, since=START).programme_active


def test_status_without_a_programme_says_how_to_start(record):
    with pytest.raises(BackstrideError, match="backstride rtr start"):
        programme_status(record)


def test_status_document_follows_the_contract(record, knowledge):
    assess(record)
    start_programme(record, today=START)
    check_in(record, START, session=walk())
    document = status_document(programme_status(record))
    assert {"stage", "stages", "decision", "why", "next_session", "triage"} <= set(document)
    assert (document["stage"], document["stages"]) == (1, len(knowledge.return_to_run))
    assert document["decision"] == "start" and document["why"]
    assert document["triage"]["level"] == "self_care"
    assert document["next_session"]["text"] == knowledge.return_to_run[0].session
    assert document["next_session"]["kind"] == "walk"
    assert document["waiting"] == [START.isoformat()]


@pytest.mark.parametrize(
    ("level", "decision", "offered"),
    [
        ("self_care", "stop", True),
        ("self_care", "reduce", True),
        ("self_care", "continue", False),
        ("see_doctor", "stop", False),
        ("emergency", "stop", False),
    ],
)
def test_an_assessment_offers_the_programme_when_running_stops_or_is_reduced(
    level, decision, offered
):
    document = {"triage": {"level": level}, "running": {"decision": decision}}
    assert offers_return_to_run(document) is offered
