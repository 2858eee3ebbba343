"""A runner's record over six weeks, for the progress chart and the physio report.

The story: assessed on Monday 2 February 2026 (the DESIGN.md sample intake), a check-in every
day but Sundays with morning pain easing from 4 to 1, a return-to-run programme started on
Monday 9 February with a session every Monday, Wednesday and Friday (a walk at stage 1, a run
from stage 2), the runs imported as activities. The highest pain of each session is in
`SESSION_PAIN`; the programme is judged with `coach.return_to_run`, as the return-to-run
service does, and its state stored. It goes: stage 2 on 12 Feb, 3 on 17 Feb, back to 2 on
20 Feb (a session at 6/10, too much that same day), 3 on 26 Feb, 4 on 3 Mar, 5 on 12 Mar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from builders import sample_intake

from backstride.coach.return_to_run import Programme, begin, review
from backstride.contracts.checkin import CheckIn
from backstride.domain import Activity
from backstride.knowledge import load_knowledge
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.store import open_store, repo
from backstride.store.records import ReturnToRunState

ASSESSED_ON = dt.date(2026, 2, 2)
STARTED_ON = dt.date(2026, 2, 9)
TODAY = dt.date(2026, 3, 14)
#: The stage changes the story's diary gives: (day decided, label).
STAGE_CHANGES = (
    (STARTED_ON, "start: stage 1"),
    (dt.date(2026, 2, 12), "up to stage 2"),
    (dt.date(2026, 2, 17), "up to stage 3"),
    (dt.date(2026, 2, 20), "back to stage 2"),
    (dt.date(2026, 2, 26), "up to stage 3"),
    (dt.date(2026, 3, 3), "up to stage 4"),
    (dt.date(2026, 3, 12), "up to stage 5"),
)
#: The highest pain of each session of the programme, in order (Mon, Wed, Fri from 9 Feb).
SESSION_PAIN = (2, 2, 3, 2, 4, 6, 2, 3, 2, 2, 3, 5, 2, 2, 2)
#: Morning pain by the Monday of its week.
MORNING_PAIN = {
    dt.date(2026, 2, 2): 4,
    dt.date(2026, 2, 9): 4,
    dt.date(2026, 2, 16): 3,
    dt.date(2026, 2, 23): 3,
    dt.date(2026, 3, 2): 2,
    dt.date(2026, 3, 9): 1,
}
PLAN_EXERCISES = ("glute_bridge", "single_leg_bridge", "dead_bug", "hip_flexor_stretch", "plank")


def checkin(day: dt.date, number: int) -> dict[str, Any]:
    """The check-in of `day`, the `number`th day of the diary, without a session."""
    return {
        "date": day.isoformat(),
        "morning_pain": MORNING_PAIN[day - dt.timedelta(days=day.weekday())],
        "morning_stiffness_min": 10,
        "exercises_done": ["dead_bug", "glute_bridge"] if number % 4 else [],
        "new_leg_symptoms": False,
        "red_flags": {"saddle_numbness": False, "leg_weakness": False},
    }


def activity(day: dt.date, km: float) -> Activity:
    start = dt.datetime.combine(day, dt.time(7, 30), tzinfo=dt.UTC)
    return Activity(
        start=start,
        sport="running",
        sub_sport="street",
        distance_m=km * 1000,
        elapsed_s=km * 420,
        timer_s=km * 400,
        ascent_m=20.0,
        descent_m=20.0,
        device="Test watch",
        source_file=f"{day.isoformat()}.fit",
        sha256=day.isoformat().replace("-", "").ljust(64, "a"),
        file_format="fit",
    )


def build_record(url: str, *, red_flag_on: dt.date | None = None, name: str | None = None) -> None:
    """Fill the database at `url` with the story; a red flag answered yes on `red_flag_on`."""
    intake = sample_intake()
    created = dt.datetime.combine(ASSESSED_ON, dt.time(8), tzinfo=dt.UTC)
    diary, runs, programme = _diary(red_flag_on)
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        if name is not None:
            runner = repo.update_runner(session=session, runner=replace(runner, name=name))
        repo.save_assessment(
            session=session,
            runner_id=runner.id,
            intake=intake_document(intake),
            output=assessment_document(assess_intake(intake)),
            created_at=created,
        )
        for document in diary:
            repo.upsert_checkin(session=session, runner_id=runner.id, checkin=document)
        repo.save_activities(session=session, runner_id=runner.id, activities=runs)
        repo.save_return_to_run(
            session=session,
            runner_id=runner.id,
            state=ReturnToRunState(
                started_on=programme.started_on,
                stage=programme.stage,
                status=programme.status,
                last_decision=programme.decision,
                why=programme.why,
                decided_on=programme.decided_on,
            ),
        )


def _diary(red_flag_on: dt.date | None) -> tuple[list[dict[str, Any]], list[Activity], Programme]:
    """The check-ins, the runs and the programme judged over them."""
    knowledge = load_knowledge()
    diary: list[dict[str, Any]] = []
    runs: list[Activity] = []
    pains = iter(SESSION_PAIN)
    day, number = ASSESSED_ON, 0
    while day <= TODAY:
        if day.weekday() != 6:
            document = checkin(day, number)
            if day == red_flag_on:
                document["red_flags"] = {"saddle_numbness": False, "leg_weakness": True}
            if day >= STARTED_ON and day.weekday() in (0, 2, 4):
                stage = _judged(diary, knowledge).stage
                document["session"] = _session(day, stage, next(pains), runs)
            diary.append(document)
            number += 1
        day += dt.timedelta(days=1)
    return diary, runs, _judged(diary, knowledge)


def _session(day: dt.date, stage: int, max_pain: int, runs: list[Activity]) -> dict[str, Any]:
    kind = "walk" if stage == 1 else "run"
    distance = 3.0 if kind == "walk" else round(2.0 + 0.8 * stage, 1)
    if kind == "run":
        runs.append(activity(day, distance))
    return {
        "kind": kind,
        "max_pain": max_pain,
        "pain_after": min(max_pain, 2),
        "limp": False,
        "distance_km": distance,
        "duration_min": 30,
    }


def _judged(diary: list[dict[str, Any]], knowledge: Any) -> Programme:
    checkins = [CheckIn.model_validate(d) for d in diary]
    return review(checkins, begin(started_on=STARTED_ON, knowledge=knowledge), knowledge)
