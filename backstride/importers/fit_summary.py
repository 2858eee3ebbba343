"""What a FIT file says about its sessions, and how that becomes `Activity` records.

Both FIT decoders (the fast walker in `fit_walk` and the fitdecode reference in `fit_reference`)
fill the same `FitSummary`, so the mapping to `Activity`, the relative-time rules and the device
names live here once, and the differential test compares like with like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fitdecode import profile as _profile

from backstride.domain import Activity
from backstride.errors import NotAnActivity, NoUsableData
from backstride.importers.sports import fit_sport

#: FIT times count seconds from 1989-12-31T00:00:00Z.
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)

#: A FIT date_time below this is "seconds since the device was switched on", not a date.
RELATIVE_TIME_LIMIT = 0x10000000

Name = str | int | None


def _enum(type_name: str) -> dict[int, str]:
    values: dict[int, str] = _profile.FIELD_TYPES[type_name].enum
    return dict(values)


# The names come from fitdecode's copy of the FIT profile so both decoders agree on them.
SPORTS = _enum("sport")
SUB_SPORTS = _enum("sub_sport")
MANUFACTURERS = _enum("manufacturer")
GARMIN_PRODUCTS = _enum("garmin_product")
FILE_TYPES = _enum("file")

#: Makers whose `product` number is a Garmin product (the FIT profile's garmin_product subfield).
GARMIN_FAMILY = frozenset({1, 13, 15, 89})


@dataclass(slots=True)
class FitSession:
    """One session message, in FIT units: times are FIT seconds (maybe relative)."""

    start_time: int | None = None
    timestamp: int | None = None
    sport: Name = None
    sub_sport: Name = None
    distance_m: float | None = None
    elapsed_s: float | None = None
    timer_s: float | None = None
    ascent_m: float | None = None
    descent_m: float | None = None


@dataclass(slots=True)
class FitDevice:
    """The recording device as a file_id or a creator device_info message names it."""

    manufacturer: Name = None
    product: Name = None
    product_name: str | None = None


@dataclass(slots=True)
class FitSummary:
    """Everything the importer needs from one FIT file (all chained parts together)."""

    file_types: list[Name] = field(default_factory=list)
    file_device: FitDevice | None = None
    creator_device: FitDevice | None = None
    sessions: list[FitSession] = field(default_factory=list)
    #: (UTC timestamp, system timestamp) pairs from timestamp_correlation messages.
    correlations: list[tuple[int, int]] = field(default_factory=list)
    #: (timestamp, local_timestamp) pairs from activity messages.
    activity_clocks: list[tuple[int, int]] = field(default_factory=list)

    def merge(self, part: FitSummary) -> None:
        """Add what a later chained part of the same file says."""
        self.file_types += part.file_types
        self.file_device = self.file_device or part.file_device
        self.creator_device = self.creator_device or part.creator_device
        self.sessions += part.sessions
        self.correlations += part.correlations
        self.activity_clocks += part.activity_clocks


def name_of(table: dict[int, str], raw: int | None) -> Name:
    """The profile name of an enum value, or the number when the profile does not know it."""
    if raw is None:
        return None
    return table.get(raw, raw)


def product_of(manufacturer: int | None, product: int | None) -> Name:
    """A Garmin product name for Garmin-family makers; other makers' numbers mean nothing here."""
    if product is None:
        return None
    if manufacturer in GARMIN_FAMILY:
        return GARMIN_PRODUCTS.get(product, product)
    return product


# ---------------------------------------------------------------------------------------------
# Summary -> activities


def _clock_offset(summary: FitSummary) -> int | None:
    """Seconds to add to a relative FIT time to make it absolute, if the file says."""
    for utc, system in summary.correlations:
        if utc >= RELATIVE_TIME_LIMIT and system < RELATIVE_TIME_LIMIT:
            return utc - system
    # An activity message pairs a relative timestamp with the local wall-clock time. The zone is
    # unknown, so the local time is taken as UTC: the date is right, the hour may be off.
    for stamp, local in summary.activity_clocks:
        if stamp < RELATIVE_TIME_LIMIT <= local:
            return local - stamp
    return None


def _start_seconds(session: FitSession) -> float | None:
    if session.start_time is not None:
        return float(session.start_time)
    if session.timestamp is not None and session.elapsed_s is not None:
        return session.timestamp - session.elapsed_s
    return None


def _has_numbers(session: FitSession) -> bool:
    return any(
        value is not None and value > 0
        for value in (session.elapsed_s, session.timer_s, session.distance_m)
    )


def _positive_or_none(value: float | None) -> float | None:
    return value if value is not None and value >= 0 else None


def to_activities(summary: FitSummary, *, file: str, sha256: str) -> list[Activity]:
    """Turn a FIT summary into one `Activity` per usable session.

    Raises `NotAnActivity` for settings, monitoring or workout files, and `NoUsableData` when no
    session has a start time and some time or distance.
    """
    if not summary.sessions:
        _raise_without_sessions(summary)
    offset = _clock_offset(summary)
    device = device_name(summary)
    activities: list[Activity] = []
    unanchored = False
    for index, session in enumerate(summary.sessions):
        start = _start_seconds(session)
        if start is None or not _has_numbers(session):
            continue
        if start < RELATIVE_TIME_LIMIT:
            if offset is None:
                unanchored = True
                continue
            start += offset
        moment = FIT_EPOCH + timedelta(seconds=start)
        activities.append(_activity(session, moment, device, file, sha256, index))
    if not activities:
        if unanchored:
            raise NoUsableData(
                "times in the file count from when the device was switched on, and nothing in "
                "the file says when that was, so the date is unknown"
            )
        raise NoUsableData("no session has a start time and some time or distance")
    return activities


def _activity(
    session: FitSession, start: datetime, device: str | None, file: str, sha256: str, index: int
) -> Activity:
    sport, sub_sport = fit_sport(session.sport, session.sub_sport)
    return Activity(
        start=start,
        sport=sport,
        sub_sport=sub_sport,
        distance_m=_positive_or_none(session.distance_m),
        elapsed_s=_positive_or_none(session.elapsed_s),
        timer_s=_positive_or_none(session.timer_s),
        ascent_m=session.ascent_m,
        descent_m=session.descent_m,
        device=device,
        source_file=file,
        sha256=sha256,
        file_format="fit",
        session_index=index,
    )


def _raise_without_sessions(summary: FitSummary) -> None:
    kinds = [kind for kind in summary.file_types if kind is not None]
    if kinds and "activity" not in kinds:
        raise NotAnActivity(f"not an activity ({_file_label(kinds[0])} file)")
    raise NoUsableData(
        "no session summary in the file (the recording may not have been saved completely)"
    )


def _file_label(kind: str | int) -> str:
    if isinstance(kind, int):
        return f"FIT file type {kind}"
    if kind.startswith("monitoring"):
        return "monitoring"
    return kind.replace("_", " ")


# ---------------------------------------------------------------------------------------------
# Device names

_MAKERS = {
    "garmin": "Garmin",
    "dynastream": "Garmin",
    "dynastream_oem": "Garmin",
    "wahoo_fitness": "Wahoo",
    "coros": "COROS",
    "suunto": "Suunto",
    "polar": "Polar",
    "sigmasport": "Sigma",
    "peaksware": "TrainingPeaks",
    "zwift": "Zwift",
    "stryd": "Stryd",
    "strava": "Strava",
    "ifor_powell": "IpBike",
    "osynce": "O-Synce",
}


def _maker(manufacturer: Name) -> str | None:
    if not isinstance(manufacturer, str) or manufacturer == "development":
        return None
    return _MAKERS.get(manufacturer, manufacturer.replace("_", " ").title())


def _garmin_model(product: str) -> str:
    """'fr935' -> 'Forerunner 935', 'edge_530' -> 'Edge 530', 'fenix6S' -> 'fenix 6S'."""
    for prefix, label in (("fr", "Forerunner"), ("edge", "Edge"), ("fenix", "fenix")):
        rest = product[len(prefix) :].lstrip("_")
        if product.startswith(prefix) and rest[:1].isdigit():
            model = rest.replace("_", " ")
            return f"{label} {model.upper() if prefix == 'fr' else model}"
    return product.replace("_", " ")


def _model(device: FitDevice) -> str | None:
    if device.product_name:
        return device.product_name.strip() or None
    if isinstance(device.product, str):
        return _garmin_model(device.product)
    return None


def device_name(summary: FitSummary) -> str | None:
    """A readable name of the recording device, such as 'Garmin Forerunner 935'."""
    devices = [d for d in (summary.file_device, summary.creator_device) if d is not None]
    maker = next((m for m in (_maker(d.manufacturer) for d in devices) if m), None)
    model = next((m for m in (_model(d) for d in devices) if m), None)
    if model and maker and not model.lower().startswith(maker.lower()):
        return f"{maker} {model}"
    return model or maker


def as_fit_seconds(value: Any) -> int | None:
    """A fitdecode date_time value (datetime, or int when relative) as FIT seconds."""
    if isinstance(value, datetime):
        return round((value - FIT_EPOCH).total_seconds())
    if isinstance(value, int):
        return value
    return None
