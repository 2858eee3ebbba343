"""GPX 1.0 and 1.1 reader: one `Activity` per file, from its timed track segments.

The numbers are computed from the points the one documented way described in `track`. The sport
comes from the first track `<type>` (Strava writes its own numbers there); the device is the
file's `creator`, the app or device that wrote it.
"""

from __future__ import annotations

from typing import Any

from backstride.domain import Activity
from backstride.errors import NotAnActivity, NoUsableData
from backstride.importers import xmlsafe
from backstride.importers.sports import sport_from_name
from backstride.importers.track import TrackBuilder, parse_number, parse_time, to_datetime

_NS = ("http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/0")

_GPX, _TRK, _TRKSEG, _TRKPT, _ELE, _TIME, _TYPE, _RTEPT, _WPT = range(9)
_TAGS: dict[str, int] = {}
for _code, _local in enumerate(
    ("gpx", "trk", "trkseg", "trkpt", "ele", "time", "type", "rtept", "wpt")
):
    for _name in xmlsafe.names(_local, *_NS):
        _TAGS[_name] = _code

# Route planners export a planned route as a track with made-up times.
_ROUTE_PLANNERS = ("gpsies",)


class _GpxHandler:
    """expat callbacks that feed track points to a `TrackBuilder`."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.track = TrackBuilder()
        self.creator: str | None = None
        self.sport_text: str | None = None
        self.track_points = 0
        self.route_points = 0
        self.waypoints = 0
        self.in_track = False
        self.in_segment = False
        self.lat: float | None = None
        self.lon: float | None = None
        self.ele: float | None = None
        self.time: float | None = None
        self.text: list[str] = []
        self.capturing = -1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        code = _TAGS.get(name)
        if code is None:
            return
        if code == _TRKPT:
            self.lat = parse_number(attrs.get("lat", ""))
            self.lon = parse_number(attrs.get("lon", ""))
            self.ele = self.time = None
        elif code in (_ELE, _TIME) or (code == _TYPE and self.in_track and not self.in_segment):
            self._capture(code)
        elif code == _TRKSEG:
            self.in_segment = True
        elif code == _TRK:
            self.in_track = True
        elif code == _RTEPT:
            self.route_points += 1
        elif code == _WPT:
            self.waypoints += 1
        elif code == _GPX:
            self.creator = attrs.get("creator")

    def _capture(self, code: int) -> None:
        self.capturing = code
        self.text = []
        self.parser.CharacterDataHandler = self.text.append

    def end(self, name: str) -> None:
        code = _TAGS.get(name)
        if code is None:
            return
        if code == self.capturing:
            self._captured(code, "".join(self.text))
        elif code == _TRKPT and self.in_segment:
            self.track_points += 1
            self.track.add_point(self.lat, self.lon, self.ele, self.time)
        elif code == _TRKSEG:
            self.track.end_segment()
            self.in_segment = False
        elif code == _TRK:
            self.in_track = False

    def _captured(self, code: int, text: str) -> None:
        self.parser.CharacterDataHandler = None
        self.capturing = -1
        if code == _ELE:
            self.ele = parse_number(text)
        elif code == _TIME:
            self.time = parse_time(text)
        elif self.sport_text is None and text.strip():
            self.sport_text = text.strip()


def _device(creator: str | None) -> str | None:
    if not creator:
        return None
    # "Movescount - http://www.movescount.com" -> "Movescount"
    name = creator.split(" - http", 1)[0].split(" http", 1)[0].strip()
    return name or None


def read_gpx(data: bytes, *, file: str, sha256: str) -> list[Activity]:
    """Read a GPX file into one activity. Raises `ImportFailed` subclasses when it cannot."""
    parser = xmlsafe.make_parser()
    handler = _GpxHandler(parser)
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    xmlsafe.parse(parser, data)
    if handler.creator and handler.creator.lower().startswith(_ROUTE_PLANNERS):
        raise NotAnActivity(f"not an activity (a route planned with {_device(handler.creator)})")
    totals = handler.track.totals
    if totals.first_time is None or totals.last_time is None:
        raise _no_track(handler)
    sport, sub_sport = sport_from_name(handler.sport_text)
    return [
        Activity(
            start=to_datetime(totals.first_time),
            sport=sport,
            sub_sport=sub_sport,
            distance_m=totals.distance_m if totals.positioned >= 2 else None,
            elapsed_s=totals.last_time - totals.first_time,
            timer_s=totals.timer_s,
            ascent_m=totals.ascent_m if totals.has_altitude else None,
            descent_m=totals.descent_m if totals.has_altitude else None,
            device=_device(handler.creator),
            source_file=file,
            sha256=sha256,
            file_format="gpx",
        )
    ]


def _no_track(handler: _GpxHandler) -> Exception:
    if handler.route_points:
        return NotAnActivity("not an activity (a planned route, not a recorded track)")
    if handler.track_points:
        return NoUsableData("the track points have no times, so when it happened is unknown")
    if handler.waypoints:
        return NotAnActivity("not an activity (waypoints only, no recorded track)")
    return NoUsableData("no track points in the file")
