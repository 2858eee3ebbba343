"""Progress: the diary, weekly running and stage changes put on the same weeks, and its chart."""

from __future__ import annotations

import datetime as dt
import struct

import pytest
from report_builders import PROGRESSED_ON, STARTED_ON, TODAY, build_record

from backstride.coach.training_load import load_report
from backstride.errors import BackstrideError
from backstride.reports.progress import progress_png
from backstride.services.progress import build_progress, runner_progress, stage_marks
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
    checkins = [checkin(MONDAY - dt.timedelta(days=8), 5), checkin(MONDAY + dt.timedelta(days=7), 5)]
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
    marks = stage_marks([ReturnToRunState(started_on=MONDAY, stage=1)])
    assert [(m.day, m.change, m.stage, m.label) for m in marks] == [
        (MONDAY, "start", 1, "start: stage 1")
    ]


def test_a_move_up_marks_the_new_stage_and_leaves_the_start_stage_unknown():
    state = ReturnToRunState(
        started_on=MONDAY, stage=3, last_decision="progress", decided_on=MONDAY + dt.timedelta(9)
    )
    start, move = stage_marks([state])
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
    marks = stage_marks([regress, stopped])
    assert [(m.change, m.label) for m in marks] == [
        ("start", "programme started"),
        ("regress", "back to stage 2"),
        ("start", "programme started"),
        ("stop", "stopped at stage 2"),
    ]
    progress = build_progress(empty_load(), [], [regress, stopped], stages=10)
    current = progress.weeks[1]
    assert not current.in_programme and current.stage is None


def test_a_completed_programme_is_marked():
    done = ReturnToRunState(
        started_on=MONDAY, stage=10, status="completed", last_decision="hold", decided_on=MONDAY
    )
    assert [m.change for m in stage_marks([done])] == ["start", "complete"]


def test_weeks_carry_the_stage_in_force_at_their_end():
    state = ReturnToRunState(started_on=MONDAY - dt.timedelta(days=7), stage=1)
    moved = ReturnToRunState(
        started_on=MONDAY - dt.timedelta(days=7),
        stage=2,
        last_decision="progress",
        decided_on=MONDAY + dt.timedelta(days=2),
    )
    first = build_progress(empty_load(), [], [state], stages=10)
    assert [(w.in_programme, w.stage) for w in first.weeks] == [(True, 1), (True, 1)]
    second = build_progress(empty_load(), [], [moved], stages=10)
    assert [(w.in_programme, w.stage) for w in second.weeks] == [(True, None), (True, 2)]


# From the record -------------------------------------------------------------------------------


def test_runner_progress_reads_the_record(database_url):
    build_record(database_url)
    with open_record(database_url) as record:
        progress = runner_progress(record, until=TODAY, weeks=8)
    assert progress.first_day == dt.date(2026, 1, 19)
    assert len(progress.weeks) == 8
    last = progress.weeks[-1]
    assert (last.week_start, last.check_ins, last.morning_pain_avg) == (PROGRESSED_ON, 6, 1.0)
    assert last.stage == 4 and progress.stages == 10
    assert last.runs == 3 and last.distance_km == pytest.approx(18.6)
    assert [m.day for m in progress.stage_marks] == [STARTED_ON, PROGRESSED_ON]
    assert progress.weeks[2].morning_pain_avg == 4.0


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
