"""Activities: stored and given back unchanged, duplicates skipped however they arrive."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from backstride.domain import Activity
from backstride.errors import StoreError
from backstride.store import Runner, repo

from .store_builders import T0, activities, expected_kept, make_activity, sha

_runner_keys = itertools.count()
_hypothesis = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _fresh_runner(session: Session) -> Runner:
    """Each example gets its own runner, so examples share the database but no rows."""
    return repo.create_runner(session=session, key=f"example-{next(_runner_keys)}")


def _stored(session: Session, runner: Runner) -> list[Activity]:
    return [s.activity for s in repo.list_activities(session=session, runner_id=runner.id)]


def _by_start(kept: list[Activity]) -> list[Activity]:
    return sorted(kept, key=lambda a: a.start)  # stable: equal starts keep their order


@_hypothesis
@given(batch=st.lists(activities(), max_size=12))
def test_activities_round_trip(session: Session, batch: list[Activity]) -> None:
    runner = _fresh_runner(session)
    result = repo.save_activities(session=session, runner_id=runner.id, activities=batch)
    kept = expected_kept([], batch)
    assert [s.activity for s in result.added] == kept
    assert result.duplicates == len(batch) - len(kept)
    assert _stored(session, runner) == _by_start(kept)


@_hypothesis
@given(first=st.lists(activities(), max_size=8), second=st.lists(activities(), max_size=8))
def test_importing_again_adds_only_what_is_new(
    session: Session, first: list[Activity], second: list[Activity]
) -> None:
    runner = _fresh_runner(session)
    repo.save_activities(session=session, runner_id=runner.id, activities=first)
    kept_first = expected_kept([], first)
    result = repo.save_activities(session=session, runner_id=runner.id, activities=second)
    kept_second = expected_kept(kept_first, second)
    assert [s.activity for s in result.added] == kept_second
    again = repo.save_activities(session=session, runner_id=runner.id, activities=first + second)
    assert (again.added_count, again.duplicates) == (0, len(first) + len(second))
    assert _stored(session, runner) == _by_start(kept_first + kept_second)


def test_the_ids_given_back_are_those_listed(session: Session, runner: Runner) -> None:
    batch = [make_activity(sha256=sha(str(i)), start=T0 + timedelta(hours=i)) for i in range(3)]
    result = repo.save_activities(session=session, runner_id=runner.id, activities=batch)
    assert result.added == tuple(repo.list_activities(session=session, runner_id=runner.id))
    assert len({s.id for s in result.added}) == 3


@pytest.mark.parametrize(
    ("changes", "is_duplicate"),
    [
        ({}, True),  # the same file again
        ({"start": T0 + timedelta(hours=5)}, True),  # same file and session, whatever it says
        ({"session_index": 1, "start": T0 + timedelta(hours=1)}, False),  # next session
        ({"sha256": sha("run.gpx"), "file_format": "gpx"}, True),  # same run, other format
        ({"sha256": sha("run.gpx"), "start": T0 + timedelta(seconds=60)}, True),
        ({"sha256": sha("run.gpx"), "start": T0 - timedelta(seconds=60)}, True),
        ({"sha256": sha("run.gpx"), "start": T0 + timedelta(seconds=61)}, False),
        ({"sha256": sha("run.gpx"), "start": T0 - timedelta(seconds=61)}, False),
        ({"sha256": sha("ride.fit"), "sport": "cycling"}, False),  # other sport, same time
    ],
)
def test_duplicates(
    session: Session, runner: Runner, changes: dict[str, object], is_duplicate: bool
) -> None:
    repo.save_activities(session=session, runner_id=runner.id, activities=[make_activity()])
    other = make_activity(**changes)
    result = repo.save_activities(session=session, runner_id=runner.id, activities=[other])
    assert (result.duplicates, result.added_count) == ((1, 0) if is_duplicate else (0, 1))
    # The same rule holds within one batch.
    fresh = repo.create_runner(session=session, key="batch")
    both = repo.save_activities(
        session=session, runner_id=fresh.id, activities=[make_activity(), other]
    )
    assert both.duplicates == (1 if is_duplicate else 0)


def test_the_same_file_for_two_runners_is_stored_twice(session: Session, runner: Runner) -> None:
    other = repo.create_runner(session=session, key="athlete-2")
    for someone in (runner, other):
        result = repo.save_activities(
            session=session, runner_id=someone.id, activities=[make_activity()]
        )
        assert result.added_count == 1


def test_times_are_stored_in_utc(session: Session, runner: Runner) -> None:
    paris = timezone(timedelta(hours=1))
    local = make_activity(start=datetime(2026, 3, 1, 8, 0, tzinfo=paris))
    repo.save_activities(session=session, runner_id=runner.id, activities=[local])
    (stored,) = _stored(session, runner)
    assert stored.start == T0 and stored.start.tzinfo == UTC


def test_unknown_numbers_and_nul_characters_are_cleaned(session: Session, runner: Runner) -> None:
    odd = make_activity(distance_m=float("nan"), ascent_m=float("inf"), device="Edge\x00530")
    result = repo.save_activities(session=session, runner_id=runner.id, activities=[odd])
    (stored,) = _stored(session, runner)
    assert stored == result.added[0].activity
    assert (stored.distance_m, stored.ascent_m, stored.device) == (None, None, "Edge530")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2026, 3, 1, 7, 0)}, "no time zone"),
        ({"sha256": ""}, "file hash"),
        ({"file_format": "xlsx"}, "unknown file format"),
        ({"session_index": -1}, "session index"),
    ],
)
def test_a_bad_activity_refuses_the_whole_batch(
    session: Session, runner: Runner, changes: dict[str, object], message: str
) -> None:
    batch = [make_activity(sha256=sha("ok")), make_activity(**changes)]
    with pytest.raises(StoreError, match=message):
        repo.save_activities(session=session, runner_id=runner.id, activities=batch)
    assert _stored(session, runner) == []


def test_activities_are_listed_by_date_range_and_sport(session: Session, runner: Runner) -> None:
    days = [make_activity(sha256=sha(f"d{i}"), start=T0 + timedelta(days=i)) for i in range(5)]
    ride = make_activity(sha256=sha("ride"), sport="cycling", start=T0 + timedelta(days=2, hours=3))
    repo.save_activities(session=session, runner_id=runner.id, activities=[*days, ride])

    def listed(**filters: object) -> list[Activity]:
        found = repo.list_activities(session=session, runner_id=runner.id, **filters)  # type: ignore[arg-type]
        return [s.activity for s in found]

    window = listed(start_from=T0 + timedelta(days=1), start_before=T0 + timedelta(days=3))
    assert window == [days[1], days[2], ride]  # from is included, before is not
    assert listed(sport="running", start_from=T0 + timedelta(days=3)) == days[3:]
    assert listed(sport="cycling") == [ride]
    assert listed(start_before=T0) == []
    with pytest.raises(StoreError, match="timezone-aware"):
        listed(start_from=datetime(2026, 3, 1))


def test_large_batches_are_saved_in_chunks(session: Session, runner: Runner) -> None:
    batch = [
        dataclasses.replace(make_activity(), sha256=sha(str(i)), start=T0 + timedelta(hours=i))
        for i in range(1234)
    ]
    result = repo.save_activities(session=session, runner_id=runner.id, activities=batch)
    assert (result.added_count, result.duplicates) == (1234, 0)
    assert len(repo.list_activities(session=session, runner_id=runner.id)) == 1234
