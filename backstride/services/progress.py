"""Progress you can see: the pain diary, weekly running and return-to-run stages, week by week.

Reads the runner's check-ins and programmes from the store and their runs through
`services.load`, and builds the `reports.progress.Progress` that the chart and the weekly
table show.

Stage changes: the store keeps each programme's start and its latest decision only, so every
programme is replayed from its start over the stored check-ins with `coach.return_to_run`, as
the return-to-run service does after each check-in; each step that moved the stage is a mark.
When the stored check-ins cannot be replayed (one no longer reads as a check-in), the marks come
from the stored states alone (`stored_stage_marks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from statistics import fmean

from backstride.coach.return_to_run import Programme, begin, review
from backstride.coach.training_load import LoadReport, week_start
from backstride.errors import StoreError
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.reports.progress import (
    PainDay,
    Progress,
    ProgressWeek,
    StageChange,
    StageMark,
)
from backstride.services.load import runner_load
from backstride.services.record import Record
from backstride.services.return_to_run import stored_checkins
from backstride.store import repo
from backstride.store.records import CheckInRecord, ReturnToRunState

#: How many weeks `backstride progress` shows when not told.
DEFAULT_PROGRESS_WEEKS = 8

__all__ = [
    "DEFAULT_PROGRESS_WEEKS",
    "build_progress",
    "diary_start",
    "programme_marks",
    "runner_progress",
    "stored_stage_marks",
]


def runner_progress(
    record: Record,
    *,
    until: dt.date,
    weeks: int = DEFAULT_PROGRESS_WEEKS,
    knowledge: KnowledgeBase | None = None,
) -> Progress:
    """The runner's progress over the `weeks` ISO weeks ending with the week of `until`."""
    kb = knowledge or load_knowledge()
    load = runner_load(record, weeks=weeks, until=until)
    with record.session() as session:
        programmes = repo.list_return_to_run(session=session, runner_id=record.runner.id)
        checkins = repo.list_checkins(
            session=session,
            runner_id=record.runner.id,
            date_from=diary_start(load.weeks[0].week_start, programmes),
            date_to=until,
        )
    marks = programme_marks(programmes, checkins, kb)
    return build_progress(load, checkins, marks, stages=len(kb.return_to_run))


def diary_start(first_day: dt.date, programmes: Sequence[ReturnToRunState]) -> dt.date:
    """The first check-in date needed: the weeks shown, and every programme from its start."""
    return min([first_day, *(p.started_on for p in programmes)])


def build_progress(
    load: LoadReport,
    checkins: Iterable[CheckInRecord],
    marks: Sequence[StageMark],
    *,
    stages: int,
) -> Progress:
    """Put the diary, the weekly load and the stage changes on the weeks of `load`. Pure."""
    first_day = load.weeks[0].week_start
    days = tuple(
        PainDay(
            day=c.date,
            morning_pain=c.morning_pain,
            session_pain=c.max_pain,
            session_kind=c.session_kind,
        )
        for c in checkins
        if first_day <= c.date <= load.until
    )
    marks = sorted(marks, key=lambda m: m.day)
    weeks = tuple(_week(w.week_start, w.runs, w.distance_km, days, marks) for w in load.weeks)
    shown = tuple(m for m in marks if first_day <= m.day <= load.until)
    return Progress(
        first_day=first_day,
        until=load.until,
        days=days,
        weeks=weeks,
        stage_marks=shown,
        stages=stages,
    )


def programme_marks(
    programmes: Sequence[ReturnToRunState],
    checkins: Sequence[CheckInRecord],
    knowledge: KnowledgeBase,
) -> list[StageMark]:
    """Every stage change of every programme, replayed over the diary; oldest first.

    A programme takes the check-ins up to the start of the next one. An ended programme whose
    replay does not end (a check-in was corrected since) keeps the end the store records.
    """
    try:
        diary = stored_checkins(checkins)
    except StoreError:
        return stored_stage_marks(programmes)
    marks: list[StageMark] = []
    for number, stored in enumerate(programmes):
        following = programmes[number + 1].started_on if number + 1 < len(programmes) else None
        own = [c for c in diary if following is None or c.date < following]
        replayed = review(own, begin(started_on=stored.started_on, knowledge=knowledge), knowledge)
        marks += _replayed_marks(replayed)
        if stored.status != "active" and replayed.status == "active":
            marks += [m for m in stored_stage_marks([stored]) if m.ends_programme]
    return sorted(marks, key=lambda m: m.day)


def _replayed_marks(programme: Programme) -> list[StageMark]:
    marks = [StageMark(programme.started_on, "start", 1, "start: stage 1")]
    for step in programme.steps:
        after = step.stage_after
        if step.decision == "stop":
            marks.append(StageMark(step.decided_on, "stop", None, f"stopped at stage {after}"))
        elif step.decision == "progress" and after == step.stage_before:
            marks.append(StageMark(step.decided_on, "complete", None, "programme completed"))
        elif after > step.stage_before:
            marks.append(StageMark(step.decided_on, "progress", after, f"up to stage {after}"))
        elif after < step.stage_before:
            marks.append(StageMark(step.decided_on, "regress", after, f"back to stage {after}"))
    return marks


def _week(
    monday: dt.date,
    runs: int,
    distance_km: float,
    days: Sequence[PainDay],
    marks: Sequence[StageMark],
) -> ProgressWeek:
    in_week = [d for d in days if week_start(d.day) == monday]
    morning = [d.morning_pain for d in in_week if d.morning_pain is not None]
    latest = _latest_mark(monday + dt.timedelta(days=6), marks)
    in_programme = latest is not None and not latest.ends_programme
    return ProgressWeek(
        week_start=monday,
        check_ins=len(in_week),
        morning_pain_avg=fmean(morning) if morning else None,
        sessions=sum(1 for d in in_week if d.session_kind is not None),
        runs=runs,
        distance_km=distance_km,
        in_programme=in_programme,
        stage=latest.stage if latest is not None and in_programme else None,
    )


def _latest_mark(day: dt.date, marks: Sequence[StageMark]) -> StageMark | None:
    """The latest mark up to the end of `day` (marks are sorted by day)."""
    latest: StageMark | None = None
    for mark in marks:
        if mark.day > day:
            break
        latest = mark
    return latest


def stored_stage_marks(programmes: Sequence[ReturnToRunState]) -> list[StageMark]:
    """The stage changes the stored programme states show alone, oldest first.

    A programme's start carries its stage only when no later decision changed it (the store
    keeps the latest decision alone); a move up or down carries the stage it led to; a stop or
    a completion ends the programme (no stage from then on).
    """
    marks: list[StageMark] = []
    for programme in programmes:
        decision, decided_on = programme.last_decision, programme.decided_on
        start_known = decision in (None, "start") or decided_on is None
        start_stage = programme.stage if start_known else None
        label = f"start: stage {start_stage}" if start_stage else "programme started"
        marks.append(StageMark(programme.started_on, "start", start_stage, label))
        if decided_on is not None and decision in ("progress", "regress"):
            change: StageChange = "progress" if decision == "progress" else "regress"
            arrow = "up to" if change == "progress" else "back to"
            label = f"{arrow} stage {programme.stage}"
            marks.append(StageMark(decided_on, change, programme.stage, label))
        end = decided_on or programme.started_on
        if programme.status == "stopped":
            marks.append(StageMark(end, "stop", None, f"stopped at stage {programme.stage}"))
        elif programme.status == "completed":
            marks.append(StageMark(end, "complete", None, "programme completed"))
    return sorted(marks, key=lambda m: m.day)
