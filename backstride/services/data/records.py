"""Counting what the runner's record holds, and forgetting all of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backstride.services.data.archive import COUNT_NAMES
from backstride.services.record import Record
from backstride.store import release_deleted_pages, repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def record_counts(record: Record) -> dict[str, int]:
    """How many assessments, check-ins, programmes and activities the record holds."""
    with record.session() as session, session.begin():
        return count_records(session, record.runner.id)


def forget_everything(record: Record) -> dict[str, int]:
    """Delete the runner and everything kept about them, in one transaction.

    Gives back how many were deleted, with the keys of `COUNT_NAMES` (and "runner").
    """
    with record.session() as session:
        deleted = repo.delete_everything_for(session=session, runner_id=record.runner.id)
    release_deleted_pages(record.store.engine)
    tables = ("assessment", "check_in", "return_to_run", "activity", "activity_file")
    counts = {name: deleted.get(table, 0) for name, table in zip(COUNT_NAMES, tables, strict=True)}
    return {**counts, "runner": deleted.get("runner", 0)}


def count_records(session: Session, runner_id: int) -> dict[str, int]:
    """What the runner's record holds, with the keys of `COUNT_NAMES`, in an open session."""
    counts = {
        "assessments": len(repo.list_assessments(session=session, runner_id=runner_id)),
        "check_ins": len(repo.list_checkins(session=session, runner_id=runner_id)),
        "return_to_run": len(repo.list_return_to_run(session=session, runner_id=runner_id)),
        "activities": len(repo.list_activities(session=session, runner_id=runner_id)),
    }
    # Original files come with activities; they are counted (which reads them) only when
    # nothing else is there, to tell an empty record from one holding only files.
    files = 0
    if not any(counts.values()):
        files = sum(1 for _ in repo.iter_activity_files(session=session, runner_id=runner_id))
    return {**counts, "activity_files": files}
