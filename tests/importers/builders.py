"""Small activity files and export zips built in tests."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

Point = tuple[float | None, float | None, float | None, str | None]  # lat, lon, ele, time

GPX_NS = "http://www.topografix.com/GPX/1/1"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def gpx(
    segments: Sequence[Sequence[Point]], *, sport: str | None = None, creator: str = "test"
) -> bytes:
    """A GPX 1.1 document with one track holding `segments`."""
    parts = [f'<?xml version="1.0"?><gpx version="1.1" creator="{creator}" xmlns="{GPX_NS}"><trk>']
    if sport:
        parts.append(f"<type>{sport}</type>")
    for segment in segments:
        parts.append("<trkseg>")
        for lat, lon, ele, time in segment:
            attrs = "".join(f' {k}="{v}"' for k, v in (("lat", lat), ("lon", lon)) if v is not None)
            parts.append(f"<trkpt{attrs}>")
            if ele is not None:
                parts.append(f"<ele>{ele}</ele>")
            if time is not None:
                parts.append(f"<time>{time}</time>")
            parts.append("</trkpt>")
        parts.append("</trkseg>")
    parts.append("</trk></gpx>")
    return "".join(parts).encode()


def tcx_activity(sport: str, laps: Iterable[tuple[str, float, float, Sequence[Point]]]) -> str:
    """One TCX `<Activity>`: laps of (start time, seconds, metres, trackpoints)."""
    body = [f'<Activity Sport="{sport}"><Id>{next(iter(laps))[0] if laps else ""}</Id>']
    for start, seconds, metres, points in laps:
        body.append(f'<Lap StartTime="{start}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>')
        body.append(f"<DistanceMeters>{metres}</DistanceMeters><Track>")
        for lat, lon, ele, time in points:
            body.append("<Trackpoint>")
            if time is not None:
                body.append(f"<Time>{time}</Time>")
            if lat is not None and lon is not None:
                body.append(
                    f"<Position><LatitudeDegrees>{lat}</LatitudeDegrees>"
                    f"<LongitudeDegrees>{lon}</LongitudeDegrees></Position>"
                )
            if ele is not None:
                body.append(f"<AltitudeMeters>{ele}</AltitudeMeters>")
            body.append("</Trackpoint>")
        body.append("</Track></Lap>")
    body.append("</Activity>")
    return "".join(body)


def tcx(activities: Iterable[str]) -> bytes:
    """A TCX document holding the given `<Activity>` elements."""
    inner = "".join(activities)
    return (
        f'<?xml version="1.0"?><TrainingCenterDatabase xmlns="{TCX_NS}">'
        f"<Activities>{inner}</Activities></TrainingCenterDatabase>"
    ).encode()


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """Write a zip archive to `path`."""
    path.write_bytes(zip_bytes(members))
    return path


def gz(data: bytes) -> bytes:
    """Gzip `data` the way exports store .gz activity files."""
    return gzip.compress(data, mtime=0)


def garmin_summaries(entries: list[dict[str, object]]) -> bytes:
    """A summarizedActivities.json document."""
    return json.dumps([{"summarizedActivitiesExport": entries}]).encode()
