"""Progress: the diary, weekly running and stage changes put on the same weeks, and its chart."""

from __future__ import annotations

import datetime as dt
import struct

import pytest
from report_builders import STAGE_CHANGES, TODAY, build_record

from backstride.coach.training_load import load_report
from backstride.errors import BackstrideError
from backstride.reports.progress import progress_png
from backstride.services.progress import (
    build_progress,
    diary_start,
    programme_marks,
    runner_progress,
    stored_stage_marks,
)
from backstride.services.record import open_record
from backstride.store.records import CheckInRecord, ReturnToRunState

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONDAY = dt.date(2026, 3, 2)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def checkin(day: dt.date, morning: int | None, max_pain: int | None = None) -> CheckInRecord:
    moment = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    return CheckInRecord(
        date=day,
        data={"date": day.isoformat()},
        morning_pain=morning,
        session_kind="run" if max_pain is not None else None,
        max_pain=max_pain,
        pain_after=None,
        limp=None,
        new_leg_symptoms=False,
        created_at=moment,
        updated_at=moment,
    )


def empty_load(weeks: int = 2, until: dt.date = MONDAY + dt.timedelta(days=6)):
    return load_report([], tz=dt.UTC, until=until, weeks=weeks)


# Building the weeks ----------------------------------------------------------------------------


def test_weeks_average_morning_pain_and_count_sessions():
    checkins = [
        checkin(MONDAY - dt.timedelta(days=7), 4, max_pain=5),
        checkin(MONDAY - dt.timedelta(days=6), 3),
        checkin(MONDAY, 2, max_pain=3),
        checkin(MONDAY + dt.timedelta(days=1), None),
    ]
    progress = build_progress(empty_load(), checkins, [], stages=10)
    previous, current = progress.weeks
    assert previous.week_start == MONDAY - dt.timedelta(days=7)
    assert (previous.check_ins, previous.morning_pain_avg, previous.sessions) == (2, 3.5, 1)
    assert (current.check_ins, current.morning_pain_avg, current.sessions) == (2, 2.0, 1)
    assert [d.session_pain for d in progress.days] == [5, None, 3, None]
    assert not progress.is_empty


def test_days_outside_the_weeks_are_left_out():
    checkins = [
        checkin(MONDAY - dt.timedelta(days=8), 5),
        checkin(MONDAY + dt.timedelta(days=7), 5),
    ]
    progress = build_progress(empty_load(), checkins, [], stages=10)
    assert progress.days == ()
    assert progress.is_empty
    assert "backstride checkin" in progress.empty_message()


def test_a_week_without_pain_logged_has_no_average():
    progress = build_progress(empty_load(), [checkin(MONDAY, None)], [], stages=10)
    assert progress.weeks[1].morning_pain_avg is None
    assert progress.weeks[1].check_ins == 1


# Stage changes ---------------------------------------------------------------------------------


def test_a_new_programme_marks_its_start_with_its_stage():
    marks = stored_stage_marks([ReturnToRunState(started_on=MONDAY, stage=1)])
    assert [(m.day, m.change, m.stage, m.label) for m in marks] == [
        (MONDAY, "start", 1, "start: stage 1")
    ]


def test_a_move_up_marks_the_new_stage_and_leaves_the_start_stage_unknown():
    state = ReturnToRunState(
        started_on=MONDAY, stage=3, last_decision="progress", decided_on=MONDAY + dt.timedelta(9)
    )
    start, move = stored_stage_marks([state])
    assert (start.change, start.stage, start.label) == ("start", None, "programme started")
    assert (move.day, move.change, move.stage, move.label) == (
        MONDAY + dt.timedelta(9),
        "progress",
        3,
        "up to stage 3",
    )


def test_a_move_down_and_a_stop_end_with_no_stage():
    regress = ReturnToRunState(
        started_on=MONDAY, stage=2, last_decision="regress", decided_on=MONDAY + dt.timedelta(3)
    )
    stopped = ReturnToRunState(
        started_on=MONDAY + dt.timedelta(5),
        stage=2,
        status="stopped",
        last_decision="stop",
        decided_on=MONDAY + dt.timedelta(6),
    )
    marks = stored_stage_marks([regress, stopped])
    assert [(m.change, m.label) for m in marks] == [
        ("start", "programme started"),
        ("regress", "back to stage 2"),
        ("start", "programme started"),
        ("stop", "stopped at stage 2"),
    ]
    progress = build_progress(empty_load(), [], marks, stages=10)
    current = progress.weeks[1]
    assert not current.in_programme and current.stage is None


def test_a_completed_programme_is_marked():
    done = ReturnToRunState(
        started_on=MONDAY, stage=10, status="completed", last_decision="hold", decided_on=MONDAY
    )
    assert [m.change for m in stored_stage_marks([done])] == ["start", "complete"]


def test_weeks_carry_the_stage_in_force_at_their_end():
    state = ReturnToRunState(started_on=MONDAY - dt.timedelta(days=7), stage=1)
    moved = ReturnToRunState(
        started_on=MONDAY - dt.timedelta(days=7),
        stage=2,
        last_decision="progress",
        decided_on=MONDAY + dt.timedelta(days=2),
    )
    first = build_progress(empty_load(), [], stored_stage_marks([state]), stages=10)
    assert [(w.in_programme, w.stage) for w in first.weeks] == [(True, 1), (True, 1)]
    second = build_progress(empty_load(), [], stored_stage_marks([moved]), stages=10)
    assert [(w.in_programme, w.stage) for w in second.weeks] == [(True, None), (True, 2)]


def test_replayed_marks_follow_every_decision(knowledge):
    monday = dt.date(2026, 3, 2)

    def record(day, morning, session=None):
        document = {"date": day.isoformat(), "morning_pain": morning}
        if session is not None:
            document["session"] = session
        stored = checkin(day, morning)
        return CheckInRecord(**{**_fields(stored), "data": document})

    walk = {"kind": "walk", "max_pain": 2, "pain_after": 1, "limp": False, "duration_min": 30}
    diary = [
        record(monday, 2, walk),
        record(monday + dt.timedelta(days=1), 2),
        record(monday + dt.timedelta(days=2), 2, walk),
        record(monday + dt.timedelta(days=3), 2),
    ]
    state = ReturnToRunState(started_on=monday, stage=2, last_decision="progress")
    marks = programme_marks([state], diary, knowledge)
    assert [(m.day, m.change, m.stage) for m in marks] == [
        (monday, "start", 1),
        (monday + dt.timedelta(days=3), "progress", 2),
    ]


def test_unreadable_check_ins_fall_back_to_the_stored_states(knowledge):
    broken = CheckInRecord(**{**_fields(checkin(MONDAY, 2)), "data": {"date": "not a date"}})
    state = ReturnToRunState(started_on=MONDAY, stage=1)
    assert programme_marks([state], [broken], knowledge) == stored_stage_marks([state])


def test_an_ended_programme_keeps_its_stored_end(knowledge):
    stopped = ReturnToRunState(
        started_on=MONDAY, stage=1, status="stopped", last_decision="stop", decided_on=MONDAY
    )
    marks = programme_marks([stopped], [], knowledge)
    assert [m.change for m in marks] == ["start", "stop"]


def test_the_diary_is_read_from_the_earliest_programme():
    early = ReturnToRunState(started_on=MONDAY - dt.timedelta(days=40), stage=1)
    assert diary_start(MONDAY, [early]) == early.started_on
    assert diary_start(MONDAY, []) == MONDAY


def _fields(stored: CheckInRecord) -> dict:
    return {name: getattr(stored, name) for name in CheckInRecord.__slots__}


# From the record -------------------------------------------------------------------------------


def test_runner_progress_reads_the_record(database_url):
    build_record(database_url)
    with open_record(database_url) as record:
        progress = runner_progress(record, until=TODAY, weeks=8)
    assert progress.first_day == dt.date(2026, 1, 19)
    assert len(progress.weeks) == 8
    last = progress.weeks[-1]
    assert (last.week_start, last.check_ins, last.morning_pain_avg) == (dt.date(2026, 3, 9), 6, 1.0)
    assert (last.sessions, last.runs, last.stage, progress.stages) == (3, 3, 5, 10)
    assert last.distance_km == pytest.approx(16.4)
    assert progress.weeks[2].morning_pain_avg == 4.0 and not progress.weeks[2].in_programme
    assert [(m.day, m.label) for m in progress.stage_marks] == list(STAGE_CHANGES)
    assert [w.stage for w in progress.weeks[3:]] == [2, 2, 3, 4, 5]


def test_marks_of_programmes_started_before_the_weeks_shown_are_replayed(database_url):
    build_record(database_url)
    with open_record(database_url) as record:
        progress = runner_progress(record, until=TODAY, weeks=2)
    assert progress.first_day == dt.date(2026, 3, 2)
    assert [m.label for m in progress.stage_marks] == ["up to stage 4", "up to stage 5"]
    assert [w.stage for w in progress.weeks] == [4, 5]


def test_a_red_flag_stops_the_programme_on_the_chart(database_url):
    build_record(database_url, red_flag_on=dt.date(2026, 3, 10))
    with open_record(database_url) as record:
        progress = runner_progress(record, until=TODAY, weeks=8)
    last = progress.stage_marks[-1]
    stopped_on = dt.date(2026, 3, 10)
    assert (last.day, last.change, last.label) == (stopped_on, "stop", "stopped at stage 4")
    assert not progress.weeks[-1].in_programme and progress.weeks[-1].stage is None


def test_an_empty_record_has_nothing_to_draw(database_url):
    with open_record(database_url) as record:
        progress = runner_progress(record, until=TODAY, weeks=4)
    assert progress.is_empty
    with pytest.raises(BackstrideError, match="nothing to show"):
        progress_png(progress)


def test_the_chart_is_a_png_of_the_size_asked(database_url):
    build_record(database_url)
    with open_record(database_url) as record:
        progress = runner_progress(record, until=TODAY, weeks=8)
    png = progress_png(progress, dpi=100, width_in=8)
    assert png_size(png) == (800, 400)
    assert 10_000 < len(png) < 500_000
