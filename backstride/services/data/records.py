"""Counting what the runner's record holds, and forgetting all of it.

Two ways to forget, both touching only this runner's rows (a team database holds many runners):

- `forget_everything` deletes the runner too (`backstride forget`): the next command opens a
  fresh personal runner with a new id.
- `clear_record` keeps the runner row and its id, with its profile reset. The web app serves a
  runner by id for as long as it runs (and in team mode an account points at it), so it must
  not lose the runner it serves.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from backstride.services.data.archive import COUNT_NAMES
from backstride.services.record import Record
from backstride.store import release_deleted_pages, repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: The tables that hold a runner's record, in the order of `COUNT_NAMES`. Each refers only to
#: the runner row, so they can be emptied in any order.
RECORD_TABLES = (
    "assessment",
    "check_in",
    "return_to_run",
    "activity",
    "activity_file",
    "outcome",
    "form_analysis",
)


def record_counts(record: Record) -> dict[str, int]:
    """How many assessments, check-ins, programmes, activities, outcome questionnaires and form
    analyses the record holds."""
    with record.session() as session, session.begin():
        return count_records(session, record.runner.id)


def forget_everything(record: Record) -> dict[str, int]:
    """Delete the runner and everything kept about them, in one transaction.

    Gives back how many were deleted, with the keys of `COUNT_NAMES` (and "runner").
    """
    with record.session() as session:
        deleted = repo.delete_everything_for(session=session, runner_id=record.runner.id)
    release_deleted_pages(record.store.engine)
    counts = {
        name: deleted.get(table, 0) for name, table in zip(COUNT_NAMES, RECORD_TABLES, strict=True)
    }
    return {**counts, "runner": deleted.get("runner", 0)}


def clear_record(record: Record) -> dict[str, int]:
    """Delete everything kept about the runner but the runner itself, in one transaction.

    The profile is reset (no name, no run days; the time zone stays, as days are counted in
    it). Gives back how many were deleted, with the keys of `COUNT_NAMES`.
    """
    with record.session() as session, session.begin():
        deleted = delete_records(session, record.runner.id)
        current = repo.get_runner(session=session, runner_id=record.runner.id)
        repo.update_runner(
            session=session, runner=dataclasses.replace(current, name=None, run_days=None)
        )
    release_deleted_pages(record.store.engine)
    return deleted


def delete_records(session: Session, runner_id: int) -> dict[str, int]:
    """Delete the runner's assessments, check-ins, programmes, activities and files, outcome
    questionnaires and form analyses (with their pictures and videos), in an open transaction;
    the runner row stays. The rows deleted, with the keys of `COUNT_NAMES`.
    """
    deleted = repo.delete_record_rows(session=session, runner_id=runner_id)
    return {name: deleted[table] for name, table in zip(COUNT_NAMES, RECORD_TABLES, strict=True)}


def count_records(session: Session, runner_id: int) -> dict[str, int]:
    """What the runner's record holds, with the keys of `COUNT_NAMES`, in an open session."""
    counts = {
        "assessments": len(repo.list_assessments(session=session, runner_id=runner_id)),
        "check_ins": len(repo.list_checkins(session=session, runner_id=runner_id)),
        "return_to_run": len(repo.list_return_to_run(session=session, runner_id=runner_id)),
        "activities": len(repo.list_activities(session=session, runner_id=runner_id)),
    }
    outcomes = len(repo.list_outcomes(session=session, runner_id=runner_id))
    analyses = len(repo.list_form_analyses(session=session, runner_id=runner_id))
    # Original files come with activities; they are counted (which reads them) only when
    # nothing else is there, to tell an empty record from one holding only files.
    files = 0
    if not any(counts.values()) and not outcomes and not analyses:
        files = sum(1 for _ in repo.iter_activity_files(session=session, runner_id=runner_id))
    return {**counts, "activity_files": files, "outcomes": outcomes, "form_analyses": analyses}
