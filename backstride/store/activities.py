"""Storing imported activities and the original files they came from.

An activity is a duplicate when the runner already has one with the same file hash and session
index, or one of the same sport starting within 60 seconds (the same run exported from two
apps, as FIT and as GPX). The first one stored is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session, undefer

from backstride.clock import utc_now
from backstride.domain import Activity
from backstride.errors import StoreError
from backstride.store._transaction import clean_text, finite_or_none, reading, writing
from backstride.store.records import ActivitiesSaved, ActivityFile, StoredActivity
from backstride.store.tables import ActivityFileRow, ActivityRow

FileFormat = Literal["fit", "gpx", "tcx", "csv", "json"]

#: Two activities of the same sport starting this close together are the same activity.
SAME_START_WINDOW = timedelta(seconds=60)

_FORMATS: dict[str, FileFormat] = {
    "fit": "fit",
    "gpx": "gpx",
    "tcx": "tcx",
    "csv": "csv",
    "json": "json",
}
# Rows per INSERT and values per IN (...): well under every database's parameter limit.
_CHUNK = 500


def save_activities(
    *,
    session: Session,
    runner_id: int,
    activities: Iterable[Activity],
    now: datetime | None = None,
) -> ActivitiesSaved:
    """Store the activities that are not duplicates, all or nothing.

    Gives back the added activities with their ids (as stored: start in UTC, unknown numbers
    None) and the number of duplicates skipped.
    """
    batch = [_checked(activity) for activity in activities]
    imported_at = now if now is not None else utc_now()
    with writing(session, "save the activities"):
        keys = _existing_keys(session, runner_id, batch)
        starts = _existing_starts(session, runner_id, batch)
        new: list[Activity] = []
        for activity in batch:
            key = (activity.sha256, activity.session_index)
            sport_starts = starts.setdefault(activity.sport, [])
            if key in keys or _starts_near(sport_starts, activity.start):
                continue
            keys.add(key)
            insort(sport_starts, activity.start)
            new.append(activity)
        ids = _insert(session, runner_id, new, imported_at)
    added = tuple(StoredActivity(id=id_, activity=act) for id_, act in zip(ids, new, strict=True))
    return ActivitiesSaved(added=added, duplicates=len(batch) - len(new))


def list_activities(
    *,
    session: Session,
    runner_id: int,
    start_from: datetime | None = None,
    start_before: datetime | None = None,
    sport: str | None = None,
) -> list[StoredActivity]:
    """The runner's activities starting in [`start_from`, `start_before`), oldest first.

    Both bounds are timezone-aware datetimes and optional; `sport` keeps one sport only.
    """
    query = sa.select(ActivityRow).where(ActivityRow.runner_id == runner_id)
    if start_from is not None:
        query = query.where(ActivityRow.start >= _aware(start_from, "start_from"))
    if start_before is not None:
        query = query.where(ActivityRow.start < _aware(start_before, "start_before"))
    if sport is not None:
        query = query.where(ActivityRow.sport == sport)
    query = query.order_by(ActivityRow.start, ActivityRow.id)
    with reading(session, "read the activities"):
        return [
            StoredActivity(id=row.id, activity=_activity(row)) for row in session.scalars(query)
        ]


def save_activity_file(
    *,
    session: Session,
    runner_id: int,
    file_name: str,
    content: bytes,
    sha256: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Keep an original activity file byte for byte; False when the runner already has it.

    Files are known by the SHA-256 of `content`; when `sha256` is given it must match.
    """
    digest = hashlib.sha256(content).hexdigest()
    if sha256 is not None and sha256.lower() != digest:
        raise StoreError(
            f"Could not keep {file_name}: its content does not match the hash given "
            "(the file changed while it was read). Import it again."
        )
    with writing(session, f"keep the original file {file_name}"):
        exists = session.scalar(
            sa.select(ActivityFileRow.id).where(
                ActivityFileRow.runner_id == runner_id, ActivityFileRow.sha256 == digest
            )
        )
        if exists is not None:
            return False
        session.add(
            ActivityFileRow(
                runner_id=runner_id,
                sha256=digest,
                file_name=clean_text(file_name),
                size_bytes=len(content),
                content=bytes(content),
                stored_at=now if now is not None else utc_now(),
            )
        )
        session.flush()
    return True


def get_activity_file(*, session: Session, runner_id: int, sha256: str) -> ActivityFile | None:
    """The original file with this SHA-256, or None."""
    with reading(session, "read an original activity file"):
        row = session.scalars(
            sa.select(ActivityFileRow)
            .options(undefer(ActivityFileRow.content))
            .where(ActivityFileRow.runner_id == runner_id, ActivityFileRow.sha256 == sha256.lower())
        ).one_or_none()
        return _file(row) if row is not None else None


def iter_activity_files(*, session: Session, runner_id: int) -> Iterator[ActivityFile]:
    """Every original file of the runner, in the order stored, a few in memory at a time."""
    query = (
        sa.select(ActivityFileRow)
        .options(undefer(ActivityFileRow.content))
        .where(ActivityFileRow.runner_id == runner_id)
        .order_by(ActivityFileRow.id)
        .execution_options(yield_per=16)
    )
    with reading(session, "read the original activity files"):
        for row in session.scalars(query):
            yield _file(row)
            session.expunge(row)


def _checked(activity: Activity) -> Activity:
    """The activity as it will be stored, or StoreError naming what is wrong with it."""
    where = activity.source_file or "an activity"
    if activity.start.tzinfo is None or activity.start.utcoffset() is None:
        raise StoreError(f"{where}: the start time has no time zone; importers give UTC times.")
    if not activity.sha256 or len(activity.sha256) > 64:
        raise StoreError(f"{where}: the file hash must be 1 to 64 characters.")
    if activity.file_format not in _FORMATS:
        raise StoreError(f"{where}: unknown file format {activity.file_format!r}.")
    if isinstance(activity.session_index, bool) or activity.session_index < 0:
        raise StoreError(f"{where}: the session index must be 0 or more.")
    return dataclasses.replace(
        activity,
        start=activity.start.astimezone(UTC),
        sport=clean_text(activity.sport),
        sub_sport=_text_or_none(activity.sub_sport),
        distance_m=finite_or_none(activity.distance_m),
        elapsed_s=finite_or_none(activity.elapsed_s),
        timer_s=finite_or_none(activity.timer_s),
        ascent_m=finite_or_none(activity.ascent_m),
        descent_m=finite_or_none(activity.descent_m),
        device=_text_or_none(activity.device),
        source_file=clean_text(activity.source_file),
    )


def _text_or_none(value: str | None) -> str | None:
    return clean_text(value) if value is not None else None


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise StoreError(f"{name} must be a timezone-aware datetime.")
    return value


def _existing_keys(
    session: Session, runner_id: int, batch: Sequence[Activity]
) -> set[tuple[str, int]]:
    hashes = sorted({activity.sha256 for activity in batch})
    keys: set[tuple[str, int]] = set()
    for i in range(0, len(hashes), _CHUNK):
        rows = session.execute(
            sa.select(ActivityRow.sha256, ActivityRow.session_index).where(
                ActivityRow.runner_id == runner_id,
                ActivityRow.sha256.in_(hashes[i : i + _CHUNK]),
            )
        )
        keys.update((sha, index) for sha, index in rows)
    return keys


def _existing_starts(
    session: Session, runner_id: int, batch: Sequence[Activity]
) -> dict[str, list[datetime]]:
    """Start times of the stored activities that could clash with the batch, per sport."""
    starts: dict[str, list[datetime]] = {}
    if not batch:
        return starts
    earliest = min(activity.start for activity in batch) - SAME_START_WINDOW
    latest = max(activity.start for activity in batch) + SAME_START_WINDOW
    rows = session.execute(
        sa.select(ActivityRow.sport, ActivityRow.start).where(
            ActivityRow.runner_id == runner_id,
            ActivityRow.start >= earliest,
            ActivityRow.start <= latest,
        )
    )
    for sport, start in rows:
        starts.setdefault(sport, []).append(start)
    for values in starts.values():
        values.sort()
    return starts


def _starts_near(sorted_starts: list[datetime], start: datetime) -> bool:
    i = bisect_left(sorted_starts, start - SAME_START_WINDOW)
    return i < len(sorted_starts) and sorted_starts[i] <= start + SAME_START_WINDOW


def _insert(
    session: Session, runner_id: int, activities: Sequence[Activity], imported_at: datetime
) -> list[int]:
    ids: list[int] = []
    statement = sa.insert(ActivityRow).returning(ActivityRow.id, sort_by_parameter_order=True)
    for i in range(0, len(activities), _CHUNK):
        values = [_row_values(runner_id, a, imported_at) for a in activities[i : i + _CHUNK]]
        ids.extend(session.scalars(statement, values))
    return ids


def _row_values(runner_id: int, activity: Activity, imported_at: datetime) -> dict[str, Any]:
    return {
        "runner_id": runner_id,
        "sha256": activity.sha256,
        "session_index": activity.session_index,
        "start": activity.start,
        "sport": activity.sport,
        "sub_sport": activity.sub_sport,
        "distance_m": activity.distance_m,
        "elapsed_s": activity.elapsed_s,
        "timer_s": activity.timer_s,
        "ascent_m": activity.ascent_m,
        "descent_m": activity.descent_m,
        "device": activity.device,
        "source_file": activity.source_file,
        "file_format": activity.file_format,
        "imported_at": imported_at,
    }


def _activity(row: ActivityRow) -> Activity:
    file_format = _FORMATS.get(row.file_format)
    if file_format is None:  # only a hand-edited database gets here
        raise StoreError(f"Activity {row.id} has an unknown file format {row.file_format!r}.")
    return Activity(
        start=row.start,
        sport=row.sport,
        sub_sport=row.sub_sport,
        distance_m=row.distance_m,
        elapsed_s=row.elapsed_s,
        timer_s=row.timer_s,
        ascent_m=row.ascent_m,
        descent_m=row.descent_m,
        device=row.device,
        source_file=row.source_file,
        sha256=row.sha256,
        file_format=file_format,
        session_index=row.session_index,
    )


def _file(row: ActivityFileRow) -> ActivityFile:
    return ActivityFile(
        sha256=row.sha256,
        file_name=row.file_name,
        content=row.content,
        stored_at=row.stored_at,
    )
