"""Check in: read and check a day of the pain diary, keep it, and judge the programme again.

One check-in per date: a second one for the same date replaces the first, and the result says
so. Everything is checked before anything is written; the check-in and the programme's new
state are written in one transaction.

```python
checkin = parse_checkin(read_checkin(Path("today.json")), origin="today.json")
with open_record(db) as record:
    saved = save_checkin(record, checkin)
print(saved.updated, saved.programme and saved.programme.decision)
```
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backstride.coach.return_to_run import Programme, checkin_triage
from backstride.coach.triage import Triage
from backstride.contracts.checkin import CheckIn
from backstride.contracts.messages import describe_validation_error
from backstride.errors import InputInvalid
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.assess import triage_document
from backstride.services.documents import parse_json_object, read_json_file
from backstride.services.record import Record
from backstride.services.return_to_run import rejudge, runner_today, status_document
from backstride.store import repo

__all__ = [
    "CheckInSaved",
    "checkin_document",
    "exercise_names",
    "parse_checkin",
    "read_checkin",
    "red_flag_questions",
    "save_checkin",
    "saved_document",
]


@dataclass(frozen=True, slots=True)
class CheckInSaved:
    """What saving a check-in did."""

    checkin: CheckIn
    updated: bool
    """True when it replaced the check-in already stored for its date."""
    triage: Triage | None
    """The triage of its safety answers, when it reports new leg symptoms or a red flag."""
    programme: Programme | None
    """The return-to-run programme judged again, when one is active."""


_NEEDS = "'date' and 'morning_pain'"


def read_checkin(path: Path) -> dict[str, Any]:
    """Read a check-in JSON file as given (check it with `parse_checkin`)."""
    return read_json_file(path, what="a check-in", needs=_NEEDS)


def parse_checkin(
    data: str | bytes | dict[str, Any],
    *,
    origin: str = "check-in",
    knowledge: KnowledgeBase | None = None,
) -> CheckIn:
    """Check a check-in given as JSON text or a parsed object; InputInvalid names the field."""
    if isinstance(data, str | bytes):
        data = parse_json_object(data, origin=origin, needs=_NEEDS)
    try:
        checkin = CheckIn.model_validate(data)
    except ValidationError as exc:
        raise InputInvalid(_describe(exc)) from exc
    known = exercise_names(knowledge)
    for number, exercise_id in enumerate(checkin.exercises_done):
        if exercise_id not in known:
            raise InputInvalid(
                f"exercises_done.{number}: {json.dumps(exercise_id)} is not an exercise Backstride "
                "knows; use the ids `backstride kb list` shows, e.g. dead_bug"
            )
    return checkin


def checkin_document(checkin: CheckIn) -> dict[str, Any]:
    """The check-in as stored: its JSON with only the answers given."""
    return checkin.model_dump(mode="json", exclude_none=True)


def list_checkin_documents(
    record: Record, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """The runner's check-ins from `since` to `until` (both included), oldest first, as kept."""
    with record.session() as session:
        stored = repo.list_checkins(
            session=session, runner_id=record.runner.id, date_from=since, date_to=until
        )
    return [c.data for c in stored]


def exercise_names(knowledge: KnowledgeBase | None = None) -> dict[str, str]:
    """The exercises a check-in may name, by id."""
    kb = knowledge or load_knowledge()
    return {exercise.id: exercise.name for exercise in kb.exercises}


def red_flag_questions(knowledge: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """The red-flag names and their short questions, in the order the intake asks them."""
    kb = knowledge or load_knowledge()
    return [(flag.id, flag.short_question) for flag in kb.red_flags]


def save_checkin(
    record: Record,
    checkin: CheckIn,
    *,
    today: dt.date | None = None,
    knowledge: KnowledgeBase | None = None,
) -> CheckInSaved:
    """Keep the check-in for its date, then judge the active programme again and keep that."""
    kb = knowledge or load_knowledge()
    day = today or runner_today(record)
    if checkin.date > day:
        raise InputInvalid(
            f"date: {checkin.date.isoformat()} is in the future; check in for today "
            f"({day.isoformat()}) or an earlier day"
        )
    runner_id = record.runner.id
    with record.session() as session, session.begin():
        updated = repo.upsert_checkin(
            session=session, runner_id=runner_id, checkin=checkin_document(checkin)
        )
        programme = rejudge(session=session, runner_id=runner_id, knowledge=kb)
    return CheckInSaved(checkin, updated, checkin_triage(checkin, kb), programme)


def saved_document(saved: CheckInSaved, knowledge: KnowledgeBase | None = None) -> dict[str, Any]:
    """The `checkin --format json` document: what was saved and what it changed."""
    triage = saved.triage
    return {
        "date": saved.checkin.date.isoformat(),
        "updated": saved.updated,
        "triage": None if triage is None else triage_document(triage),
        "return_to_run": None
        if saved.programme is None
        else status_document(saved.programme, knowledge),
    }


def _describe(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    if first["loc"] != ("date",):
        return describe_validation_error(exc, CheckIn)
    # The shared wording would say "expected text": a date needs its format spelled out.
    more = len(errors) - 1
    extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    if first["type"] == "missing":
        return f"date: missing; required: the day of the check-in, written YYYY-MM-DD{extra}"
    got = json.dumps(first.get("input"), default=str)[:40]
    return f"date: {got} is not allowed; expected a date written YYYY-MM-DD{extra}"
