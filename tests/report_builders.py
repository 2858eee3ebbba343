"""A runner's record over six weeks, for the progress chart and the physio report.

The story: assessed on Monday 2 February 2026 (the DESIGN.md sample intake), a return-to-run
programme started on 9 February, a check-in every day but Sundays with morning pain easing from
4 to 1, walk-run sessions every other day, and the runs imported as activities. The programme
moved up to stage 4 on 9 March.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from builders import sample_intake

from backstride.domain import Activity
from backstride.services.assess import assess_intake, assessment_document, intake_document
from backstride.store import open_store, repo
from backstride.store.records import ReturnToRunState

ASSESSED_ON = dt.date(2026, 2, 2)
STARTED_ON = dt.date(2026, 2, 9)
PROGRESSED_ON = dt.date(2026, 3, 9)
TODAY = dt.date(2026, 3, 14)
PLAN_EXERCISES = ("glute_bridge", "single_leg_bridge", "dead_bug", "hip_flexor_stretch", "plank")


def checkin(day: dt.date, number: int, **changes: Any) -> dict[str, Any]:
    """The check-in of `day`, the `number`th day of the diary."""
    morning = max(1, 4 - number // 10)
    document: dict[str, Any] = {
        "date": day.isoformat(),
        "morning_pain": morning,
        "morning_stiffness_min": 10,
        "exercises_done": ["dead_bug", "glute_bridge"] if number % 4 else [],
        "new_leg_symptoms": False,
        "red_flags": {"saddle_numbness": False, "leg_weakness": False},
    }
    if number % 2 == 0:
        document["session"] = {
            "kind": "run" if day >= STARTED_ON else "walk",
            "max_pain": 2 + number % 3 + (1 if number < 12 else 0),
            "pain_after": 2,
            "limp": False,
            "distance_km": 3.0 + number / 10,
            "duration_min": 30,
        }
    return document | changes


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
    result = assess_intake(sample_intake())
    output = assessment_document(result)
    created = dt.datetime.combine(ASSESSED_ON, dt.time(8), tzinfo=dt.UTC)
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        if name is not None:
            runner = repo.update_runner(session=session, runner=replace(runner, name=name))
        repo.save_assessment(
            session=session,
            runner_id=runner.id,
            intake=intake_document(sample_intake()),
            output=output,
            created_at=created,
        )
        _diary(session, runner.id, red_flag_on)
        state = repo.save_return_to_run(
            session=session,
            runner_id=runner.id,
            state=ReturnToRunState(
                started_on=STARTED_ON, stage=1, last_decision="start", decided_on=STARTED_ON
            ),
        )
        repo.save_return_to_run(
            session=session,
            runner_id=runner.id,
            state=replace(
                state,
                stage=4,
                last_decision="progress",
                decided_on=PROGRESSED_ON,
                why=("Two safe sessions at stage 3: highest pain 2/10, next morning no worse.",),
            ),
        )


def _diary(session: Any, runner_id: int, red_flag_on: dt.date | None) -> None:
    day, number, runs = ASSESSED_ON, 0, []
    while day <= TODAY:
        if day.weekday() != 6:
            document = checkin(day, number)
            if day == red_flag_on:
                document["red_flags"] = {"saddle_numbness": False, "leg_weakness": True}
            repo.upsert_checkin(session=session, runner_id=runner_id, checkin=document)
            if "session" in document and document["session"]["kind"] == "run":
                runs.append(activity(day, document["session"]["distance_km"]))
            number += 1
        day += dt.timedelta(days=1)
    repo.save_activities(session=session, runner_id=runner_id, activities=runs)
