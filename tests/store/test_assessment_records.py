"""Assessments are kept exactly as given: the intake and the output JSON."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from backstride.errors import StoreError
from backstride.store import Runner, repo

INTAKE: dict[str, Any] = {
    "age": 44,
    "sex": "female",
    "weight_kg": 70.5,
    "pain": {"regions": ["lower"], "nrs_now": 3, "improving": None, "onset": "gradual"},
    "training": {"weekly_distance_km": [20, 22.5, 24, 33]},
    "startback": [True, False, True, False, False, True, False, False, 3],
}
OUTPUT: dict[str, Any] = {
    "schema_version": 1,
    "triage": {"level": "self_care", "reasons": [], "advice": "Keep moving — gently."},
    "running": {"decision": "reduce", "rest_days": 0, "why": ["NRS now 3"]},
    "startback": None,
    "factors": [{"id": "rapid_mileage_increase", "evidence": "33 km after 24 km"}],
    "disclaimer": "Not a diagnosis.",
}
WHEN = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def test_an_assessment_round_trips_exactly(session: Session, runner: Runner) -> None:
    given_intake, given_output = copy.deepcopy(INTAKE), copy.deepcopy(OUTPUT)
    saved = repo.save_assessment(
        session=session, runner_id=runner.id, intake=INTAKE, output=OUTPUT, created_at=WHEN
    )
    (loaded,) = repo.list_assessments(session=session, runner_id=runner.id)
    assert loaded == saved
    assert loaded.intake == given_intake and loaded.output == given_output
    assert list(loaded.output) == list(given_output)  # key order too
    assert (loaded.triage_level, loaded.running_decision) == ("self_care", "reduce")
    assert loaded.created_at == WHEN


def test_assessments_are_listed_oldest_first_and_the_latest_found(
    session: Session, runner: Runner
) -> None:
    assert repo.latest_assessment(session=session, runner_id=runner.id) is None
    for days in (2, 0, 1):
        output = {**OUTPUT, "schema_version": days}
        repo.save_assessment(
            session=session,
            runner_id=runner.id,
            intake=INTAKE,
            output=output,
            created_at=WHEN + timedelta(days=days),
        )
    listed = repo.list_assessments(session=session, runner_id=runner.id)
    assert [a.output["schema_version"] for a in listed] == [0, 1, 2]
    latest = repo.latest_assessment(session=session, runner_id=runner.id)
    assert latest is not None and latest.output["schema_version"] == 2


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ({"running": {"decision": "stop"}}, "no text at triage.level"),
        ({"triage": {"level": "urgent"}}, "no text at running.decision"),
        ({**OUTPUT, "when": date(2026, 3, 1)}, "not plain JSON"),
        ({**OUTPUT, "scores": {1: 2}}, "not plain JSON"),
    ],
)
def test_a_malformed_output_is_refused_and_nothing_stored(
    session: Session, runner: Runner, output: dict[str, Any], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        repo.save_assessment(session=session, runner_id=runner.id, intake=INTAKE, output=output)
    assert repo.list_assessments(session=session, runner_id=runner.id) == []


def test_a_number_json_cannot_hold_is_kept_as_unknown(session: Session, runner: Runner) -> None:
    output = {**OUTPUT, "score": float("nan"), "ratio": float("inf")}
    saved = repo.save_assessment(session=session, runner_id=runner.id, intake=INTAKE, output=output)
    latest = repo.latest_assessment(session=session, runner_id=runner.id)
    assert latest is not None
    assert saved.output["score"] is None and latest.output["score"] is None
    assert latest.output["ratio"] is None


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(intake=st.dictionaries(st.text(), _json, max_size=6))
def test_any_json_intake_round_trips(
    session: Session, runner: Runner, intake: dict[str, Any]
) -> None:
    saved = repo.save_assessment(session=session, runner_id=runner.id, intake=intake, output=OUTPUT)
    latest = repo.latest_assessment(session=session, runner_id=runner.id)
    assert latest is not None and latest.id == saved.id
    assert latest.intake == intake
    assert list(latest.intake) == list(intake)
