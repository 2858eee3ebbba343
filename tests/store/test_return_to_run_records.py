"""The return-to-run state: one programme at a time, the latest is current."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from backstride.errors import StoreError
from backstride.store import ReturnToRunState, Runner, repo

STARTED = date(2026, 3, 2)


def test_there_is_no_programme_at_first(session: Session, runner: Runner) -> None:
    assert repo.get_return_to_run(session=session, runner_id=runner.id) is None


def test_a_programme_is_saved_then_updated(session: Session, runner: Runner) -> None:
    new = ReturnToRunState(started_on=STARTED, stage=1, last_decision="start", why=("entry",))
    saved = repo.save_return_to_run(session=session, runner_id=runner.id, state=new)
    assert saved.id is not None and saved.updated_at is not None
    assert saved.created_at == saved.updated_at
    assert dataclasses.replace(saved, id=None, updated_at=None, created_at=None) == new

    moved = dataclasses.replace(
        saved, stage=2, last_decision="progress", why=("two safe sessions",), decided_on=STARTED
    )
    updated = repo.save_return_to_run(session=session, runner_id=runner.id, state=moved)
    assert updated.id == saved.id
    current = repo.get_return_to_run(session=session, runner_id=runner.id)
    assert current == updated
    assert (current.stage, current.why, current.decided_on) == (2, ("two safe sessions",), STARTED)


def test_an_update_keeps_when_the_programme_was_created(session: Session, runner: Runner) -> None:
    created = datetime(2026, 3, 2, 7, tzinfo=UTC)
    new = ReturnToRunState(started_on=STARTED, stage=1)
    saved = repo.save_return_to_run(session=session, runner_id=runner.id, state=new, now=created)
    later = created + timedelta(days=3)
    moved = dataclasses.replace(saved, stage=2, created_at=later)
    updated = repo.save_return_to_run(session=session, runner_id=runner.id, state=moved, now=later)
    assert (updated.created_at, updated.updated_at) == (created, later)
    current = repo.get_return_to_run(session=session, runner_id=runner.id)
    assert current is not None and current.created_at == created


def test_the_latest_programme_is_current(session: Session, runner: Runner) -> None:
    first = repo.save_return_to_run(
        session=session,
        runner_id=runner.id,
        state=ReturnToRunState(started_on=STARTED, stage=3, status="stopped", last_decision="stop"),
    )
    second = repo.save_return_to_run(
        session=session,
        runner_id=runner.id,
        state=ReturnToRunState(started_on=date(2026, 4, 1), stage=1),
    )
    assert repo.get_return_to_run(session=session, runner_id=runner.id) == second
    assert repo.list_return_to_run(session=session, runner_id=runner.id) == [first, second]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (ReturnToRunState(started_on=STARTED, stage=0), "whole number from 1"),
        (ReturnToRunState(started_on=STARTED, stage=1, status="paused"), "status is one of"),  # type: ignore[arg-type]
        (ReturnToRunState(started_on=STARTED, stage=1, id=12345), "no return-to-run programme"),
    ],
)
def test_a_bad_state_is_refused(
    session: Session, runner: Runner, state: ReturnToRunState, message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        repo.save_return_to_run(session=session, runner_id=runner.id, state=state)
    assert repo.list_return_to_run(session=session, runner_id=runner.id) == []


def test_another_runners_programme_cannot_be_updated(session: Session, runner: Runner) -> None:
    other = repo.create_runner(session=session, key="athlete-2")
    theirs = repo.save_return_to_run(
        session=session, runner_id=other.id, state=ReturnToRunState(started_on=STARTED, stage=4)
    )
    with pytest.raises(StoreError, match="no return-to-run programme"):
        repo.save_return_to_run(
            session=session, runner_id=runner.id, state=dataclasses.replace(theirs, stage=1)
        )
    assert repo.get_return_to_run(session=session, runner_id=other.id) == theirs
