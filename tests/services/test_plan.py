"""The week ahead for a stored runner: run days kept, the stage from the programme, the safety
net before any plan, the last run respected, and the JSON and calendar forms."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from icalendar import Calendar

from backstride.clock import utc_now
from backstride.domain import Activity
from backstride.errors import BackstrideError, InputInvalid
from backstride.services.checkin import parse_checkin
from backstride.services.checkin import save_checkin as save_checkin_now
from backstride.services.plan import (
    parse_run_days,
    plan_calendar,
    plan_document,
    run_days_text,
    save_run_days,
    stored_run_days,
    week_ahead,
)
from backstride.services.record import open_record
from backstride.store import ReturnToRunState, repo

MON = dt.date(2026, 3, 2)
UTC = dt.UTC


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def record(database_url):
    with open_record(database_url) as record:
        save_run_days(record, (0, 2, 4))
        yield record


def save_assessment(record, *, level="self_care", decision="continue", when, aggravators=()):
    intake = {"age": 40, "pain": {"aggravators": list(aggravators)}}
    output = {"triage": {"level": level}, "running": {"decision": decision}}
    with record.session() as session:
        repo.save_assessment(
            session=session,
            runner_id=record.runner.id,
            intake=intake,
            output=output,
            created_at=when,
        )


def start_programme(record, *, stage=1, status="active", when):
    state = ReturnToRunState(started_on=when.date(), stage=stage, status=status)
    with record.session() as session:
        repo.save_return_to_run(session=session, runner_id=record.runner.id, state=state, now=when)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon,wed,fri", (0, 2, 4)),
        ("Friday, monday", (0, 4)),
        ("tues thurs; SAT", (1, 3, 5)),
        ("sun,sun", (6,)),
        ("mon,tue,wed,thu,fri,sat,sun", (0, 1, 2, 3, 4, 5, 6)),
    ],
)
def test_run_days_are_read_from_plain_names(text, days):
    assert parse_run_days(text) == days
    assert parse_run_days(run_days_text(days)) == days


@pytest.mark.parametrize(("text", "word"), [("mon,funday", "funday"), ("mo", "mo"), ("1", "1")])
def test_a_word_that_is_not_a_day_is_named(text, word):
    with pytest.raises(InputInvalid, match=f"'{word}' is not a day of the week"):
        parse_run_days(text)


def test_no_day_at_all_is_refused():
    with pytest.raises(InputInvalid, match="at least one day"):
        parse_run_days(" , ")


def test_run_days_are_kept_on_the_runner(database_url):
    with open_record(database_url) as record:
        assert stored_run_days(record) is None
        with pytest.raises(InputInvalid, match="--days"):
            week_ahead(record, today=MON)
        save_run_days(record, (4, 0))
    with open_record(database_url) as record:
        assert stored_run_days(record) == (0, 4)


def test_without_a_programme_the_week_starts_with_a_brisk_walk(record):
    week = week_ahead(record, today=MON)
    assert (week.plan.stage, week.programme) == (1, "none")
    assert "no return-to-run programme" in week.why[0]
    assert [d.weekday for d in week.plan.days if d.kind == "run"] == [
        "monday",
        "wednesday",
        "friday",
    ]


def test_the_stage_comes_from_the_programme(record):
    start_programme(record, stage=4, when=at(MON - dt.timedelta(days=20)))
    week = week_ahead(record, today=MON)
    assert (week.plan.stage, week.plan.stage_id, week.programme) == (4, "rtr_stage_4", "active")


def test_a_completed_programme_keeps_the_last_stage(record):
    start_programme(record, stage=10, status="completed", when=at(MON - dt.timedelta(days=60)))
    week = week_ahead(record, today=MON)
    assert (week.plan.stage, week.programme) == (10, "completed")


def test_a_stopped_programme_gives_no_plan(record):
    start_programme(record, stage=3, status="stopped", when=at(MON - dt.timedelta(days=2)))
    with pytest.raises(BackstrideError, match="programme is stopped"):
        week_ahead(record, today=MON)


@pytest.mark.parametrize("level", ["emergency", "urgent", "see_doctor"])
def test_an_assessment_that_sends_the_runner_to_a_clinician_gives_no_plan(record, level):
    save_assessment(record, level=level, decision="stop", when=at(MON - dt.timedelta(days=1)))
    with pytest.raises(BackstrideError, match="sends you to a clinician"):
        week_ahead(record, today=MON)


def test_a_programme_started_after_that_assessment_is_followed(record):
    save_assessment(record, level="see_doctor", decision="stop", when=at(MON - dt.timedelta(9)))
    start_programme(record, stage=2, when=at(MON - dt.timedelta(days=3)))
    assert week_ahead(record, today=MON).plan.stage == 2


def test_an_assessment_saying_stop_running_makes_it_a_walking_week(record):
    start_programme(record, stage=5, when=at(MON - dt.timedelta(days=9)))
    save_assessment(record, decision="stop", when=at(MON - dt.timedelta(days=1)))
    week = week_ahead(record, today=MON)
    assert week.plan.stage == 1
    assert "rest from running" in week.why[0]


def test_an_assessment_after_the_start_is_not_forgotten_after_the_next_check_in(record):
    start_programme(record, stage=3, when=at(MON - dt.timedelta(days=9)))
    save_assessment(record, level="urgent", decision="stop", when=at(MON - dt.timedelta(days=2)))
    with pytest.raises(BackstrideError, match="sends you to a clinician"):
        week_ahead(record, today=MON)
    # An ordinary check-in judges the programme again (and saves it): the assessment still stands.
    ordinary = parse_checkin({"date": (MON - dt.timedelta(days=1)).isoformat(), "morning_pain": 1})
    save_checkin_now(record, ordinary, today=MON)
    with pytest.raises(BackstrideError, match="sends you to a clinician"):
        week_ahead(record, today=MON)


def test_a_programme_stopped_by_an_assessment_stays_stopped_after_a_clear_one(record):
    start_programme(record, stage=3, when=at(MON - dt.timedelta(days=9)))
    save_assessment(record, level="urgent", decision="stop", when=at(MON - dt.timedelta(days=5)))
    save_assessment(record, when=at(MON - dt.timedelta(days=2)))
    with pytest.raises(BackstrideError, match="stopped your return-to-run programme"):
        week_ahead(record, today=MON)


@pytest.mark.parametrize(
    "warning",
    [{"red_flags": {"saddle_numbness": True}}, {"new_leg_symptoms": True}],
    ids=["red_flag", "leg_symptoms"],
)
def test_a_warning_sign_at_a_check_in_gives_no_plan(record, warning):
    save_checkin(record, MON - dt.timedelta(days=2), **warning)
    with pytest.raises(BackstrideError, match="reports a warning sign"):
        week_ahead(record, today=MON)
    # A new assessment asks the questions again: the older check-in no longer stops the plan.
    save_assessment(record, when=utc_now() + dt.timedelta(seconds=1))
    assert week_ahead(record, today=MON).plan.days


def test_a_warning_sign_in_todays_check_in_gives_no_plan_even_after_an_assessment(record):
    # The same rule as `rtr start`: today's check-in speaks for today, whenever it was saved.
    save_checkin(record, MON, red_flags={"fever_or_unwell": True})
    save_assessment(record, when=utc_now() + dt.timedelta(seconds=1))
    with pytest.raises(BackstrideError, match="check-in of Monday 2 March 2026 reports a warning"):
        week_ahead(record, today=MON)
    assert week_ahead(record, today=MON + dt.timedelta(days=1)).plan.days


def test_a_rest_day_check_in_changes_nothing(record):
    save_checkin(record, MON - dt.timedelta(days=1), session=None)
    assert week_ahead(record, today=MON).plan.days[0].kind == "run"


def test_what_makes_the_pain_worse_is_left_out(record):
    assert "knees_to_chest" in _item_ids(week_ahead(record, today=MON))
    save_assessment(record, when=at(MON - dt.timedelta(days=1)), aggravators=["bending"])
    assert "knees_to_chest" not in _item_ids(week_ahead(record, today=MON))


def save_checkin(record, day: dt.date, **changes) -> None:
    checkin = {
        "date": day.isoformat(),
        "morning_pain": 1,
        "session": {"kind": "run", "max_pain": 2, "pain_after": 1, "limp": False},
        **changes,
    }
    with record.session() as session:
        repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)


def test_a_run_checked_in_yesterday_holds_back_todays_session(record):
    save_checkin(record, MON - dt.timedelta(days=1))
    week = week_ahead(record, today=MON)
    assert week.plan.days[0].kind != "run"
    assert week.plan.skipped_run_dates == (MON,)
    assert any("you ran the day before" in line for line in week.why)


def test_a_run_imported_from_yesterday_holds_back_todays_session(record):
    run = Activity(
        start=at(MON - dt.timedelta(days=1), hour=18),
        sport="running",
        sub_sport=None,
        distance_m=5000.0,
        elapsed_s=1800.0,
        timer_s=1800.0,
        ascent_m=None,
        descent_m=None,
        device=None,
        source_file="run.gpx",
        sha256=hashlib.sha256(b"run").hexdigest(),
        file_format="gpx",
    )
    with record.session() as session:
        repo.save_activities(session=session, runner_id=record.runner.id, activities=[run])
    assert week_ahead(record, today=MON).plan.days[0].kind != "run"
    # A week later that run no longer holds anything back.
    assert week_ahead(record, today=MON + dt.timedelta(days=7)).plan.days[0].kind == "run"


def test_the_json_document_has_every_day_and_every_dose(record):
    document = plan_document(week_ahead(record, today=MON))
    assert document["schema_version"] == 1
    assert (document["start"], document["end"]) == ("2026-03-02", "2026-03-08")
    assert document["stage"] == {
        "number": 1,
        "of": 10,
        "id": "rtr_stage_1",
        "name": "Brisk walk",
        "programme": "none",
    }
    assert document["run_days"] == ["monday", "wednesday", "friday"]
    assert len(document["days"]) == 7
    for day in document["days"]:
        assert set(day) == {"date", "weekday", "kind", "id", "title", "items"}
        for item in day["items"]:
            assert item["dose"] and item["id"] and item["steps"] and item["sources"]
    assert document["notes"][0]["id"] == "stop_when_painful"
    assert document["disclaimer"]


def test_the_calendar_has_one_all_day_event_a_day(record):
    now = dt.datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    week = week_ahead(record, today=MON)
    calendar = Calendar.from_ical(plan_calendar(week, now=now))
    events = calendar.walk("VEVENT")
    assert len(events) == 7
    assert len({str(e["UID"]) for e in events}) == 7
    for event, day in zip(events, week.plan.days, strict=True):
        assert event.decoded("DTSTART") == day.date
        assert event.decoded("DTEND") == day.date + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == f"Backstride: {day.title}"
        description = str(event["DESCRIPTION"])
        for item in day.items:
            assert item.dose in description
            assert item.steps[0] in description
    monday = str(events[0]["DESCRIPTION"])
    assert "30 minutes of brisk walking." in monday
    assert "Stop when the pain turns" in monday


def _item_ids(week) -> set[str]:
    return {item.id for day in week.plan.days for item in day.items}
