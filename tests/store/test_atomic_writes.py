"""A write that fails in the middle leaves nothing half-written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

import backstride.store.activities as activities_module
import backstride.store.repo as repo_module
from backstride.errors import StoreError
from backstride.store import ReturnToRunState, Runner, Store, repo

from .store_builders import T0, make_activity, make_checkin, sha

FIVE = [make_activity(sha256=sha(str(i)), start=T0 + timedelta(days=i)) for i in range(5)]


def _count_activities(store: Store, runner: Runner) -> int:
    """Counted through a new session, so only committed rows are seen."""
    with store.session() as fresh:
        return len(repo.list_activities(session=fresh, runner_id=runner.id))


@pytest.fixture
def one_row_per_insert(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every row to the database on its own, so rows 1 and 2 are written before row 3."""
    monkeypatch.setattr(activities_module, "_CHUNK", 1)


@pytest.mark.usefixtures("one_row_per_insert")
def test_a_constraint_violation_on_the_third_of_five_rows_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, store: Store, session: Session, runner: Runner
) -> None:
    repo.save_activities(session=session, runner_id=runner.id, activities=[FIVE[2]])
    # Blind the duplicate check, as a concurrent import would: the database's unique
    # constraint then refuses row 3 after rows 1 and 2 went in.
    monkeypatch.setattr(activities_module, "_existing_keys", lambda *args: set())
    monkeypatch.setattr(activities_module, "_existing_starts", lambda *args: {})

    with pytest.raises(StoreError, match="Could not save the activities") as caught:
        repo.save_activities(session=session, runner_id=runner.id, activities=FIVE)

    assert "\n" not in str(caught.value)
    assert _count_activities(store, runner) == 1


@pytest.mark.usefixtures("one_row_per_insert")
def test_an_exception_in_the_middle_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, store: Store, session: Session, runner: Runner
) -> None:
    real = activities_module._row_values
    calls: list[int] = []

    def failing_on_third(*args: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(*args)

    monkeypatch.setattr(activities_module, "_row_values", failing_on_third)
    with pytest.raises(RuntimeError, match="power cut"):
        repo.save_activities(session=session, runner_id=runner.id, activities=FIVE)
    assert _count_activities(store, runner) == 0
    assert not session.in_transaction()

    monkeypatch.setattr(activities_module, "_row_values", real)
    result = repo.save_activities(session=session, runner_id=runner.id, activities=FIVE)
    assert result.added_count == 5  # running it again finishes the job


def test_rows_for_a_missing_runner_are_refused_by_the_database(
    store: Store, session: Session
) -> None:
    with pytest.raises(StoreError, match="breaks one of its rules"):
        repo.save_activities(session=session, runner_id=999, activities=FIVE)
    with pytest.raises(StoreError, match="Could not save the check-in"):
        repo.upsert_checkin(session=session, runner_id=999, checkin=make_checkin())


def test_forget_failing_half_way_deletes_nothing(
    monkeypatch: pytest.MonkeyPatch, store: Store, session: Session, runner: Runner
) -> None:
    repo.save_activities(session=session, runner_id=runner.id, activities=FIVE)
    repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin())
    real = repo_module._delete
    calls: list[int] = []

    def failing_on_third(*args: Any) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk unplugged")
        return real(*args)

    monkeypatch.setattr(repo_module, "_delete", failing_on_third)
    with pytest.raises(RuntimeError):
        repo.delete_everything_for(session=session, runner_id=runner.id)
    assert _count_activities(store, runner) == 5
    with store.session() as fresh:
        assert len(repo.list_checkins(session=fresh, runner_id=runner.id)) == 1


def test_a_callers_transaction_makes_several_writes_one(
    store: Store, session: Session, runner: Runner
) -> None:
    with pytest.raises(StoreError), session.begin():
        repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin())
        repo.save_return_to_run(
            session=session,
            runner_id=runner.id,
            state=ReturnToRunState(started_on=date(2026, 3, 2), stage=0),
        )
    with store.session() as fresh:
        assert repo.list_checkins(session=fresh, runner_id=runner.id) == []


def test_a_failed_write_inside_a_callers_transaction_undoes_only_itself(
    store: Store, session: Session, runner: Runner
) -> None:
    with session.begin():
        repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin())
        with pytest.raises(StoreError):
            repo.save_activities(session=session, runner_id=999, activities=FIVE)
        # On PostgreSQL the transaction is still usable: the savepoint took the error.
        repo.save_activities(session=session, runner_id=runner.id, activities=FIVE[:1])
    with store.session() as fresh:
        assert len(repo.list_checkins(session=fresh, runner_id=runner.id)) == 1
        assert len(repo.list_activities(session=fresh, runner_id=runner.id)) == 1
