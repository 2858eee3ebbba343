"""TCX reader: one `Activity` per `<Activity>` (a multisport file gives several).

Laps carry the device's totals: timer time is the sum of the laps' TotalTimeSeconds and distance
the sum of their DistanceMeters. When laps say nothing, distance falls back to the largest
trackpoint DistanceMeters, then to the positions (see `track`). Trackpoints without a position
(treadmill, pool, indoor bike) are kept. Ascent and descent are computed from AltitudeMeters the
way `track` documents; TCX has no device totals for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backstride.domain import Activity
from backstride.errors import NotAnActivity, NoUsableData
from backstride.importers import xmlsafe
from backstride.importers.sports import sport_from_name
from backstride.importers.track import TrackBuilder, parse_number, parse_time, to_datetime

_NS = (
    "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2",
    "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v1",
)
_LOCALS = [
    "Activity",
    "Id",
    "Lap",
    "TotalTimeSeconds",
    "DistanceMeters",
    "Track",
    "Trackpoint",
    "Time",
    "LatitudeDegrees",
    "LongitudeDegrees",
    "AltitudeMeters",
    "Creator",
    "Name",
    "Course",
]
(
    _ACTIVITY,
    _ID,
    _LAP,
    _TOTAL_TIME,
    _DISTANCE,
    _TRACK,
    _TRACKPOINT,
    _TIME,
    _LAT,
    _LON,
    _ALTITUDE,
    _CREATOR,
    _NAME,
    _COURSE,
) = range(len(_LOCALS))
_TAGS = {name: code for code, local in enumerate(_LOCALS) for name in xmlsafe.names(local, *_NS)}
_TEXT_FIELDS = frozenset({_ID, _TOTAL_TIME, _DISTANCE, _TIME, _LAT, _LON, _ALTITUDE, _NAME})


@dataclass(slots=True)
class _ActivityParts:
    sport_text: str | None
    id_time: float | None = None
    lap_starts: list[float] = field(default_factory=list)
    lap_ends: list[float] = field(default_factory=list)
    lap_time_s: float | None = None
    lap_distance_m: float | None = None
    device: str | None = None
    track: TrackBuilder = field(default_factory=TrackBuilder)


class _TcxHandler:
    """expat callbacks that collect laps and trackpoints per activity."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.activities: list[_ActivityParts] = []
        self.current: _ActivityParts | None = None
        self.courses = 0
        self.in_lap = self.in_point = self.in_creator = False
        self.lap_start: float | None = None
        self.lat: float | None = None
        self.lon: float | None = None
        self.alt: float | None = None
        self.time: float | None = None
        self.point_distance: float | None = None
        self.text: list[str] = []
        self.capturing = -1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        code = _TAGS.get(name)
        if code is None:
            return
        if code in _TEXT_FIELDS:
            self.capturing = code
            self.text = []
            self.parser.CharacterDataHandler = self.text.append
        elif code == _TRACKPOINT:
            self.in_point = True
            self.lat = self.lon = self.alt = self.time = self.point_distance = None
        elif code == _LAP:
            self.in_lap = True
            self.lap_start = parse_time(attrs.get("StartTime", ""))
            if self.current is not None and self.lap_start is not None:
                self.current.lap_starts.append(self.lap_start)
        elif code == _ACTIVITY:
            self.current = _ActivityParts(attrs.get("Sport"))
            self.activities.append(self.current)
        elif code == _CREATOR:
            self.in_creator = True
        elif code == _COURSE:
            self.courses += 1

    def end(self, name: str) -> None:
        code = _TAGS.get(name)
        if code is None:
            return
        if code == self.capturing:
            self.parser.CharacterDataHandler = None
            self.capturing = -1
            text = "".join(self.text)
            # Trackpoint fields are most of the file: handled here without further calls.
            if not self.in_point:
                self._field(code, text)
            elif code == _TIME:
                self.time = parse_time(text)
            elif code == _LAT:
                self.lat = parse_number(text)
            elif code == _LON:
                self.lon = parse_number(text)
            elif code == _ALTITUDE:
                self.alt = parse_number(text)
            elif code == _DISTANCE:
                self.point_distance = parse_number(text)
        elif code == _TRACKPOINT:
            self.in_point = False
            if self.current is not None:
                self._add_point(self.current)
        elif code == _TRACK:
            if self.current is not None:
                self.current.track.end_segment()
        elif code == _LAP:
            self.in_lap = False
        elif code == _CREATOR:
            self.in_creator = False
        elif code == _ACTIVITY:
            self.current = None

    def _add_point(self, parts: _ActivityParts) -> None:
        parts.track.add_point(self.lat, self.lon, self.alt, self.time)
        distance = self.point_distance
        if distance is not None and distance >= 0:
            best = parts.track.totals.max_point_distance_m
            if best is None or distance > best:
                parts.track.totals.max_point_distance_m = distance

    def _field(self, code: int, text: str) -> None:
        parts = self.current
        if parts is None:
            return
        if code == _ID:
            parts.id_time = parse_time(text)
        elif code == _NAME and self.in_creator:
            parts.device = text.strip() or None
        elif self.in_lap and code in (_TOTAL_TIME, _DISTANCE):
            self._lap_field(parts, code, parse_number(text))

    def _lap_field(self, parts: _ActivityParts, code: int, value: float | None) -> None:
        if value is None or value < 0:
            return
        if code == _TOTAL_TIME:
            parts.lap_time_s = (parts.lap_time_s or 0.0) + value
            if self.lap_start is not None:
                parts.lap_ends.append(self.lap_start + value)
        else:
            parts.lap_distance_m = (parts.lap_distance_m or 0.0) + value


def _distance(parts: _ActivityParts) -> float | None:
    totals = parts.track.totals
    if parts.lap_distance_m:
        return parts.lap_distance_m
    if totals.max_point_distance_m:
        return totals.max_point_distance_m
    if totals.positioned >= 2:
        return totals.distance_m
    return parts.lap_distance_m


def _to_activity(parts: _ActivityParts, index: int, *, file: str, sha256: str) -> Activity | None:
    totals = parts.track.totals
    starts = [t for t in (parts.id_time, *parts.lap_starts[:1], totals.first_time) if t is not None]
    ends = [t for t in (totals.last_time, *parts.lap_ends) if t is not None]
    timer = parts.lap_time_s if parts.lap_time_s is not None else totals.timer_s
    distance = _distance(parts)
    if not starts or not (timer or distance):
        return None
    start = starts[0]
    sport, sub_sport = sport_from_name(parts.sport_text)
    return Activity(
        start=to_datetime(start),
        sport=sport,
        sub_sport=sub_sport,
        distance_m=distance,
        elapsed_s=max(ends) - start if ends and max(ends) >= start else timer,
        timer_s=timer,
        ascent_m=totals.ascent_m if totals.has_altitude else None,
        descent_m=totals.descent_m if totals.has_altitude else None,
        device=parts.device,
        source_file=file,
        sha256=sha256,
        file_format="tcx",
        session_index=index,
    )


def read_tcx(data: bytes, *, file: str, sha256: str) -> list[Activity]:
    """Read every activity in a TCX file. Raises `ImportFailed` subclasses when none is usable."""
    parser = xmlsafe.make_parser()
    handler = _TcxHandler(parser)
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    xmlsafe.parse(parser, data)
    found = (
        _to_activity(parts, index, file=file, sha256=sha256)
        for index, parts in enumerate(handler.activities)
    )
    activities = [activity for activity in found if activity is not None]
    if activities:
        return activities
    if handler.courses and not handler.activities:
        raise NotAnActivity("not an activity (a course, a planned route)")
    if not handler.activities:
        raise NoUsableData("no activity in the file")
    raise NoUsableData("no activity in the file has a start time and some time or distance")
