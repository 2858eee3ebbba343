"""Garmin Connect export: summarizedActivities.json, streamed with ijson.

The file is a list wrapping one object: `[{"summarizedActivitiesExport": [{...}, ...]}]`. Units,
as public parsers report them: distance and elevation in centimetres, durations in milliseconds,
times in epoch milliseconds. Summaries become activities only where the export holds no activity
file for them (see `reading.read_sources`), so uploaded FIT files win. Multisport parents are left
out: their legs are listed as activities of their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from backstride.domain import Activity
from backstride.errors import ImportFailed
from backstride.importers.sports import sport_from_name

_ITEMS = "item.summarizedActivitiesExport.item"
_MULTISPORT = frozenset({"multi_sport", "multisport"})


def _number(entry: dict[str, Any], key: str, scale: float = 1.0) -> float | None:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value) / scale


def _type_key(entry: dict[str, Any]) -> str | None:
    kind = entry.get("activityType")
    if isinstance(kind, dict):
        kind = kind.get("typeKey")
    return kind if isinstance(kind, str) else None


def summary_activity(entry: dict[str, Any], *, file: str) -> Activity | None:
    """The activity one summary describes, or None for multisport parents and empty entries."""
    type_key = _type_key(entry)
    start_ms = _number(entry, "beginTimestamp") or _number(entry, "startTimeGmt")
    if start_ms is None or (type_key or "").lower() in _MULTISPORT:
        return None
    elapsed = _number(entry, "duration", 1000)
    distance = _number(entry, "distance", 100)
    if not (elapsed or distance):
        return None
    try:
        start = datetime.fromtimestamp(start_ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    sport, sub_sport = sport_from_name(type_key)
    activity_id = entry.get("activityId")
    return Activity(
        start=start,
        sport=sport,
        sub_sport=sub_sport,
        distance_m=distance,
        elapsed_s=elapsed,
        timer_s=_number(entry, "movingDuration", 1000),
        ascent_m=_number(entry, "elevationGain", 100),
        descent_m=_number(entry, "elevationLoss", 100),
        device=None,
        source_file=f"{file}#{activity_id}",
        # No activity file exists for it here; the Garmin id is what stays the same between exports.
        sha256=hashlib.sha256(f"garmin-activity:{activity_id}".encode()).hexdigest(),
        file_format="json",
    )


def read_summaries(stream: IO[bytes], *, file: str) -> Iterator[Activity]:
    """Stream the activities of summarizedActivities.json. Raises `ImportFailed` if damaged."""
    try:
        for entry in ijson.items(stream, _ITEMS):
            if isinstance(entry, dict):
                activity = summary_activity(entry, file=file)
                if activity is not None:
                    yield activity
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFailed(f"the summaries file is damaged ({exc})") from exc
