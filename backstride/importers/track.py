"""Summaries computed from track points, for formats without device totals (GPX, and TCX).

One documented way, used for every such file:

* distance: great-circle (haversine) distance between consecutive positioned points on a sphere of
  the mean Earth radius, 6 371 008.8 m, summed within each segment (a GPX `<trkseg>`, a TCX
  `<Track>`); never across the gap between two segments.
* times: start is the earliest point time; elapsed runs from the earliest to the latest point
  time; timer (moving) time is the sum of each segment's own span, so pauses between segments
  do not count.
* ascent and descent: altitude changes counted only once they exceed a 2 m band from the last
  counted altitude (hysteresis), within segments. Raw sums of altitude noise overstate climbing
  by 1.3 to 4 times against device totals (shared/research/activity-data.md, section 6). With
  2 m, Strava's GPX of the corpus ride that also exists as FIT gives 72 m up against the
  device's 79 m (raw sum: 230 m); GPS-only altitude may still be overstated.
* a segment without any timed point is left out: it cannot be placed in time (a planned route,
  or a track someone drew).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

EARTH_RADIUS_M = 6_371_008.8
CLIMB_BAND_M = 2.0


#: Times outside these years are damaged, not recorded: GPS watches did not exist before.
EARLIEST = datetime(1980, 1, 1, tzinfo=UTC).timestamp()
LATEST = datetime(2100, 1, 1, tzinfo=UTC).timestamp()


def parse_time(text: str) -> float | None:
    """An ISO 8601 time as seconds since 1970 (UTC); a time without a zone is taken as UTC.

    Unreadable times, and times before 1980 or after 2099, count as missing.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        seconds = moment.timestamp()
    except (OverflowError, ValueError):
        return None
    return seconds if EARLIEST <= seconds < LATEST else None


def parse_number(text: str) -> float | None:
    """A finite number, or None for anything else."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def to_datetime(seconds: float) -> datetime:
    """Seconds since 1970 as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(slots=True)
class TrackTotals:
    """What the points of one activity add up to."""

    first_time: float | None = None
    last_time: float | None = None
    distance_m: float = 0.0
    timer_s: float = 0.0
    ascent_m: float = 0.0
    descent_m: float = 0.0
    points: int = 0
    positioned: int = 0
    has_altitude: bool = False
    max_point_distance_m: float | None = None


class TrackBuilder:
    """Accumulates points segment by segment into `TrackTotals`."""

    __slots__ = (
        "_alt_ref",
        "_ascent",
        "_descent",
        "_distance",
        "_last_lat",
        "_last_lon",
        "_points",
        "_positioned",
        "_seg_first",
        "_seg_last",
        "totals",
    )

    def __init__(self) -> None:
        self.totals = TrackTotals()
        self._reset_segment()

    def _reset_segment(self) -> None:
        self._last_lat: float | None = None
        self._last_lon = 0.0
        self._alt_ref: float | None = None
        self._seg_first: float | None = None
        self._seg_last: float | None = None
        self._distance = 0.0
        self._ascent = 0.0
        self._descent = 0.0
        self._points = 0
        self._positioned = 0

    def add_point(
        self, lat: float | None, lon: float | None, altitude: float | None, time: float | None
    ) -> None:
        """Add one point of the current segment; any value may be missing."""
        self._points += 1
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            self._add_position(lat, lon)
        if altitude is not None:
            self._add_altitude(altitude)
        if time is not None:
            if self._seg_first is None or time < self._seg_first:
                self._seg_first = time
            if self._seg_last is None or time > self._seg_last:
                self._seg_last = time

    def _add_position(self, lat: float, lon: float) -> None:
        self._positioned += 1
        if self._last_lat is not None:
            self._distance += haversine_m(self._last_lat, self._last_lon, lat, lon)
        self._last_lat, self._last_lon = lat, lon

    def _add_altitude(self, altitude: float) -> None:
        ref = self._alt_ref
        if ref is None:
            self._alt_ref = altitude
        elif altitude - ref >= CLIMB_BAND_M:
            self._ascent += altitude - ref
            self._alt_ref = altitude
        elif ref - altitude >= CLIMB_BAND_M:
            self._descent += ref - altitude
            self._alt_ref = altitude

    def end_segment(self) -> None:
        """Close the current segment; it counts only if one of its points had a time."""
        first, last = self._seg_first, self._seg_last
        if first is not None and last is not None:
            totals = self.totals
            totals.first_time = (
                first if totals.first_time is None else min(totals.first_time, first)
            )
            totals.last_time = last if totals.last_time is None else max(totals.last_time, last)
            totals.timer_s += last - first
            totals.distance_m += self._distance
            totals.ascent_m += self._ascent
            totals.descent_m += self._descent
            totals.points += self._points
            totals.positioned += self._positioned
            totals.has_altitude = totals.has_altitude or self._alt_ref is not None
        self._reset_segment()


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
