"""Storing the outcome questionnaires (RMDQ, PSFS): one per date and instrument.

The document is the JSON of the outcome contract, kept as given, with its score beside it for
queries; the score is worked out by `coach.outcomes` before it is saved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from backstride.clock import utc_now
from backstride.errors import StoreError
from backstride.store._transaction import json_document, reading, writing
from backstride.store.records import OutcomeRecord
from backstride.store.tables import OutcomeRow

#: The instruments an outcome row may hold (pain comes from the check-ins, STarT Back from the
#: assessments).
INSTRUMENTS = ("rmdq", "psfs")


def upsert_outcome(
    *,
    session: Session,
    runner_id: int,
    outcome: Mapping[str, object],
    score: float,
    now: datetime | None = None,
) -> bool:
    """Store a questionnaire for its date and instrument; True when it replaced one there."""
    document = json_document(outcome, "outcome questionnaire")
    day, instrument = _key(document)
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise StoreError("Could not save the outcome questionnaire: its score is not a number.")
    moment = now if now is not None else utc_now()
    with writing(session, "save the outcome questionnaire"):
        row = session.scalars(
            sa.select(OutcomeRow).where(
                OutcomeRow.runner_id == runner_id,
                OutcomeRow.instrument == instrument,
                OutcomeRow.date == day,
            )
        ).one_or_none()
        updated = row is not None
        if row is None:
            row = OutcomeRow(
                runner_id=runner_id, date=day, instrument=instrument, created_at=moment
            )
            session.add(row)
        row.data = document
        row.score = float(score)
        row.updated_at = moment
        session.flush()
        return updated


def list_outcomes(
    *, session: Session, runner_id: int, instrument: str | None = None
) -> list[OutcomeRecord]:
    """The runner's questionnaires (of one instrument, or all), oldest first."""
    query = sa.select(OutcomeRow).where(OutcomeRow.runner_id == runner_id)
    if instrument is not None:
        query = query.where(OutcomeRow.instrument == instrument)
    with reading(session, "read the outcome questionnaires"):
        rows = session.scalars(query.order_by(OutcomeRow.date, OutcomeRow.instrument))
        return [_outcome(row) for row in rows]


def latest_outcome_dates(*, session: Session, runner_id: int) -> dict[str, date]:
    """The date of the runner's latest questionnaire of each instrument answered so far."""
    with reading(session, "read the outcome questionnaires"):
        rows = session.connection().execute(_LATEST_DATES, {"runner_id": runner_id}).all()
        return dict(rows)


# Built once: Today asks for it on every visit.
_LATEST_DATES = (
    sa.select(OutcomeRow.instrument, sa.func.max(OutcomeRow.date))
    .where(OutcomeRow.runner_id == sa.bindparam("runner_id"))
    .group_by(OutcomeRow.instrument)
)


def _key(document: Mapping[str, object]) -> tuple[date, str]:
    try:
        day = date.fromisoformat(str(document["date"]))
    except (KeyError, ValueError) as exc:
        raise StoreError(
            "Could not save the outcome questionnaire: its date is missing or not YYYY-MM-DD."
        ) from exc
    instrument = document.get("instrument")
    if instrument not in INSTRUMENTS:
        raise StoreError(
            f"Could not save the outcome questionnaire: its instrument is one of "
            f"{', '.join(INSTRUMENTS)}, not {instrument!r}."
        )
    return day, str(instrument)


def _outcome(row: OutcomeRow) -> OutcomeRecord:
    return OutcomeRecord(
        date=row.date,
        instrument=row.instrument,
        data=row.data,
        score=row.score,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
