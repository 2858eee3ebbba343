"""Strava bulk export: the activities.csv index (English, German or pre-2019 headers).

The CSV gives the sport of each uploaded file (used when the file itself does not say) and the
manual entries, which have no file and become activities from their row. Columns are found by
name, never by count (Strava adds columns), and names repeat: the first "Distance" is in the
athlete's display unit, the second in metres; both "Elapsed Time" columns are seconds. Dates have
no zone and are taken as UTC. Numbers may use a decimal comma.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from backstride.domain import Activity
from backstride.errors import ImportFailed
from backstride.importers.sports import Sport, sport_from_name

# Column aliases, lower-case, in order of preference.
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("activity id", "aktivitäts-id", "id"),
    "date": ("activity date", "aktivitätsdatum", "date"),
    "type": ("activity type", "aktivitätsart", "type"),
    "elapsed": ("elapsed time", "verstrichene zeit", "elapsed_time"),
    "moving": ("moving time", "bewegungszeit", "moving_time"),
    "distance": ("distance", "distanz"),
    "gain": ("elevation gain", "höhenzunahme", "elevation_gain"),
    "loss": ("elevation loss", "höhenunterschied", "elevation_loss"),
    "filename": ("filename", "dateiname"),
}

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_ENGLISH_DATE = re.compile(
    r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s*([AaPp][Mm])?"
)
_NUMERIC_FORMATS = ("%d.%m.%Y, %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True, slots=True)
class StravaRow:
    """One row of activities.csv, with the numbers the importer uses."""

    activity_id: str
    start: datetime | None
    sport: Sport
    filename: str | None
    distance_m: float | None
    elapsed_s: float | None
    moving_s: float | None
    ascent_m: float | None
    descent_m: float | None


def parse_date(text: str) -> datetime | None:
    """A Strava export date ("Sep 12, 2018, 3:02:23 PM", "09.12.2022, 15:24:49"), as UTC."""
    text = text.strip()
    match = _ENGLISH_DATE.fullmatch(text)
    if match:
        return _english_date(match)
    for pattern in _NUMERIC_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _english_date(match: re.Match[str]) -> datetime | None:
    month_name, day, year, hour, minute, second, half = match.groups()
    month = _MONTHS.get(month_name.lower())
    hour_24 = int(hour)
    if half:
        hour_24 = hour_24 % 12 + (12 if half.lower() == "pm" else 0)
    if month is None:
        return None
    try:
        return datetime(int(year), month, int(day), hour_24, int(minute), int(second), tzinfo=UTC)
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """A number written with a decimal point or a decimal comma; None when empty or not one."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        # The separator written last is the decimal one; the other groups thousands.
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _columns(header: list[str]) -> tuple[dict[str, list[int]], bool]:
    """Column positions of every field, each list in file order; and whether the old layout."""
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    found: dict[str, list[int]] = {}
    for key, aliases in _ALIASES.items():
        for alias in aliases:
            positions = [i for i, name in enumerate(names) if name == alias]
            if positions:
                found[key] = positions
                break
    old_layout = "elapsed_time" in names
    return found, old_layout


def _cell(row: list[str], positions: list[int] | None, occurrence: int = 0) -> str:
    if not positions:
        return ""
    index = positions[min(occurrence, len(positions) - 1)]
    return row[index] if index < len(row) else ""


def _first_number(row: list[str], positions: list[int] | None) -> float | None:
    for occurrence in range(len(positions or ())):
        value = parse_number(_cell(row, positions, occurrence))
        if value is not None:
            return value
    return None


def _distance_m(row: list[str], positions: list[int] | None, old_layout: bool) -> float | None:
    if not positions:
        return None
    if len(positions) > 1:
        metres = parse_number(_cell(row, positions, len(positions) - 1))
        if metres is not None:
            return metres
    value = parse_number(_cell(row, positions, 0))
    if value is None:
        return None
    # Old exports wrote metres; newer ones write the display unit first, taken as kilometres.
    return value if old_layout else value * 1000


def read_rows(stream: IO[bytes]) -> Iterator[StravaRow]:
    """Stream the rows of activities.csv. Raises `ImportFailed` when it is not that file."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    try:
        yield from _parse(reader)
    finally:
        # The caller owns `stream`: hand it back rather than let the wrapper close it.
        text.detach()


def _parse(reader: Iterator[list[str]]) -> Iterator[StravaRow]:
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFailed("activities.csv is empty")
        columns, old_layout = _columns(header)
        if "id" not in columns or "date" not in columns:
            raise ImportFailed(
                "activities.csv has no activity id or date column (unknown language or layout)"
            )
        for row in reader:
            if row:
                yield _row(row, columns, old_layout)
    except csv.Error as exc:
        raise ImportFailed(f"activities.csv is damaged ({exc})") from exc


def _row(row: list[str], columns: dict[str, list[int]], old_layout: bool) -> StravaRow:
    filename = _cell(row, columns.get("filename")).strip()
    return StravaRow(
        activity_id=_cell(row, columns["id"]).strip(),
        start=parse_date(_cell(row, columns["date"])),
        sport=sport_from_name(_cell(row, columns.get("type"))),
        filename=filename or None,
        distance_m=_distance_m(row, columns.get("distance"), old_layout),
        elapsed_s=_first_number(row, columns.get("elapsed")),
        moving_s=_first_number(row, columns.get("moving")),
        ascent_m=_first_number(row, columns.get("gain")),
        descent_m=_first_number(row, columns.get("loss")),
    )


def manual_activity(row: StravaRow, *, file: str) -> Activity | None:
    """The activity of a manual entry (a row without a file), or None when it has no numbers."""
    has_numbers = any(v for v in (row.elapsed_s, row.moving_s, row.distance_m))
    if row.start is None or not has_numbers:
        return None
    return Activity(
        start=row.start,
        sport=row.sport[0],
        sub_sport=row.sport[1],
        distance_m=row.distance_m,
        elapsed_s=row.elapsed_s,
        timer_s=row.moving_s if row.moving_s is not None else row.elapsed_s,
        ascent_m=row.ascent_m,
        descent_m=row.descent_m,
        device=None,
        source_file=f"{file}#{row.activity_id}",
        # No file bytes exist for a manual entry; its Strava id is what stays the same between
        # two exports, so that is what the hash identifies.
        sha256=hashlib.sha256(f"strava-activity:{row.activity_id}".encode()).hexdigest(),
        file_format="csv",
    )
