"""Check-ins: one per date; a second for the same date replaces the first and says so."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from backstride.errors import StoreError
from backstride.store import Runner, repo

from .store_builders import make_checkin


def test_a_checkin_round_trips_with_its_key_columns(session: Session, runner: Runner) -> None:
    checkin = make_checkin("2026-03-02")
    assert repo.upsert_checkin(session=session, runner_id=runner.id, checkin=checkin) is False
    (stored,) = repo.list_checkins(session=session, runner_id=runner.id)
    assert stored.data == checkin
    assert stored.date == date(2026, 3, 2)
    assert (stored.morning_pain, stored.session_kind, stored.max_pain) == (1, "run", 3)
    assert (stored.pain_after, stored.limp, stored.new_leg_symptoms) == (2, False, False)


def test_a_second_checkin_for_the_same_date_updates_it(session: Session, runner: Runner) -> None:
    repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin())
    first = repo.get_checkin(session=session, runner_id=runner.id, on=date(2026, 3, 2))
    again = make_checkin(morning_pain=4, notes="sore after all")
    assert repo.upsert_checkin(session=session, runner_id=runner.id, checkin=again) is True
    (stored,) = repo.list_checkins(session=session, runner_id=runner.id)
    assert stored.data == again
    assert stored.morning_pain == 4
    assert first is not None and stored.created_at == first.created_at


def test_a_rest_day_has_no_session_columns(session: Session, runner: Runner) -> None:
    rest_day = {"date": "2026-03-03", "morning_pain": 0}
    repo.upsert_checkin(session=session, runner_id=runner.id, checkin=rest_day)
    stored = repo.get_checkin(session=session, runner_id=runner.id, on=date(2026, 3, 3))
    assert stored is not None and stored.data == rest_day
    assert (stored.session_kind, stored.max_pain, stored.pain_after, stored.limp) == (None,) * 4
    assert stored.new_leg_symptoms is None


def test_checkins_are_listed_by_date_within_an_inclusive_range(
    session: Session, runner: Runner
) -> None:
    for day in ("2026-03-05", "2026-03-01", "2026-03-03", "2026-03-04"):
        repo.upsert_checkin(session=session, runner_id=runner.id, checkin=make_checkin(day))
    listed = repo.list_checkins(
        session=session, runner_id=runner.id, date_from=date(2026, 3, 3), date_to=date(2026, 3, 4)
    )
    assert [c.date.day for c in listed] == [3, 4]
    every = repo.list_checkins(session=session, runner_id=runner.id)
    assert [c.date.day for c in every] == [1, 3, 4, 5]
    assert repo.get_checkin(session=session, runner_id=runner.id, on=date(2026, 3, 2)) is None


@pytest.mark.parametrize(
    ("checkin", "message"),
    [
        ({"morning_pain": 1}, "date is missing"),
        ({"date": "02/03/2026"}, "not YYYY-MM-DD"),
        (make_checkin(morning_pain="3"), "morning_pain must be int"),
        (make_checkin(morning_pain=True), "morning_pain must be int"),
        (make_checkin(session={"kind": "run", "limp": "no"}), "session.limp must be bool"),
        (make_checkin(session="run"), "`session` must be an object"),
        (make_checkin(date=date(2026, 3, 2)), "not plain JSON"),
    ],
)
def test_a_malformed_checkin_is_refused_and_nothing_written(
    session: Session, runner: Runner, checkin: dict[str, Any], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        repo.upsert_checkin(session=session, runner_id=runner.id, checkin=checkin)
    assert repo.list_checkins(session=session, runner_id=runner.id) == []
