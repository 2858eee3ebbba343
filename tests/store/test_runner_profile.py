"""The runner: one in personal mode, created once; every row belongs to a runner."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.orm import Session

from backstride.errors import StoreError
from backstride.store import PERSONAL_RUNNER_KEY, Runner, repo

from .store_builders import make_checkin


def test_the_personal_runner_is_created_once(session: Session) -> None:
    first = repo.get_or_create_personal_runner(session=session, time_zone="Europe/Paris")
    again = repo.get_or_create_personal_runner(session=session, time_zone="Asia/Tokyo")
    assert again == first
    assert first.key == PERSONAL_RUNNER_KEY
    assert first.time_zone == "Europe/Paris"
    assert first.run_days is None  # not asked yet
    assert first.created_at.tzinfo is not None


def test_the_profile_round_trips(session: Session, runner: Runner) -> None:
    changed = dataclasses.replace(
        runner, name="Ana", time_zone="America/Sao_Paulo", run_days=(5, 1, 3, 1)
    )
    saved = repo.update_runner(session=session, runner=changed)
    assert saved.run_days == (1, 3, 5)
    assert repo.get_runner(session=session, runner_id=runner.id) == saved
    assert (saved.name, saved.time_zone) == ("Ana", "America/Sao_Paulo")


@pytest.mark.parametrize("days", [(7,), (-1,), (True,)])
def test_run_days_are_weekday_numbers(session: Session, runner: Runner, days: tuple[int]) -> None:
    with pytest.raises(StoreError, match="0 \\(Monday\\) to 6"):
        repo.update_runner(session=session, runner=dataclasses.replace(runner, run_days=days))


def test_a_missing_runner_is_a_plain_error(session: Session) -> None:
    with pytest.raises(StoreError, match="There is no runner 999"):
        repo.get_runner(session=session, runner_id=999)


def test_a_runner_key_is_unique(session: Session, runner: Runner) -> None:
    with pytest.raises(StoreError, match="Could not create the runner 'personal'"):
        repo.create_runner(session=session, key=PERSONAL_RUNNER_KEY)


def test_runners_see_only_their_own_rows(session: Session, runner: Runner) -> None:
    other = repo.create_runner(session=session, key="athlete-2", name="Bo")
    repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin(morning_pain=1))
    repo.upsert_checkin(session=session, runner_id=other.id, checkin=make_checkin(morning_pain=6))
    mine = repo.list_checkins(session=session, runner_id=runner.id)
    theirs = repo.list_checkins(session=session, runner_id=other.id)
    assert [c.morning_pain for c in mine] == [1]
    assert [c.morning_pain for c in theirs] == [6]


def test_store_functions_leave_no_transaction_open(session: Session, runner: Runner) -> None:
    repo.list_checkins(session=session, runner_id=runner.id)
    assert not session.in_transaction()
    repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin())
    assert not session.in_transaction()
