"""The pieces: sports, computed track numbers, Strava cells, relative FIT times, device names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backstride.errors import NotAnActivity, NoUsableData
from backstride.importers.fit_summary import (
    FIT_EPOCH,
    FitDevice,
    FitSession,
    FitSummary,
    device_name,
    to_activities,
)
from backstride.importers.gpx import read_gpx
from backstride.importers.sports import fit_sport, sport_from_name
from backstride.importers.strava import parse_date, parse_number
from backstride.importers.tcx import read_tcx
from backstride.importers.track import EARTH_RADIUS_M, TrackBuilder, haversine_m

from .builders import gpx, tcx, tcx_activity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Run", ("running", None)),
        ("Trail Run", ("running", "trail")),
        ("running", ("running", None)),
        ("treadmill_running", ("running", "treadmill")),
        ("Lauf", ("running", None)),
        ("Radfahrt", ("cycling", None)),
        ("Biking", ("cycling", None)),
        ("VirtualRide", ("cycling", "virtual_activity")),
        ("9", ("running", None)),
        ("1", ("cycling", None)),
        ("Other", ("generic", None)),
        ("jkljkl", ("generic", None)),
        (None, ("generic", None)),
    ],
)
def test_sport_names(text: str | None, expected: tuple[str, str | None]) -> None:
    assert sport_from_name(text) == expected


def test_fit_sports_drop_an_empty_sub_sport() -> None:
    assert fit_sport("running", "generic") == ("running", None)
    assert fit_sport("running", "trail") == ("running", "trail")
    assert fit_sport(200, 99) == ("sport_200", "sub_sport_99")
    assert fit_sport(None, None) == ("generic", None)


def test_haversine_of_one_degree_of_latitude() -> None:
    assert haversine_m(0, 0, 1, 0) == pytest.approx(EARTH_RADIUS_M * 3.141592653589793 / 180)


def test_no_distance_is_counted_across_the_gap_between_segments() -> None:
    first = [(0.0, 0.0, None, "2024-01-01T10:00:00Z"), (0.001, 0.0, None, "2024-01-01T10:01:00Z")]
    second = [(0.5, 0.0, None, "2024-01-01T11:00:00Z"), (0.501, 0.0, None, "2024-01-01T11:01:00Z")]
    [activity] = read_gpx(gpx([first, second]), file="a.gpx", sha256="x")
    assert activity.distance_m == pytest.approx(2 * haversine_m(0, 0, 0.001, 0))
    assert activity.elapsed_s == 3660
    assert activity.timer_s == 120  # the pause between segments is not moving time


def test_climbing_counts_changes_beyond_the_band_only() -> None:
    track = TrackBuilder()
    for altitude in (100, 101, 100, 101, 100, 104, 108, 105, 103):
        track.add_point(None, None, altitude, 0.0)
    track.end_segment()
    assert (track.totals.ascent_m, track.totals.descent_m) == (8.0, 5.0)


def test_segments_without_times_are_left_out() -> None:
    untimed = [(1.0, 1.0, None, None), (1.5, 1.0, None, None)]
    timed = [(0.0, 0.0, None, "2024-01-01T10:00:00Z"), (0.001, 0.0, None, "2024-01-01T10:01:00Z")]
    [activity] = read_gpx(gpx([untimed, timed]), file="a.gpx", sha256="x")
    assert activity.distance_m == pytest.approx(haversine_m(0, 0, 0.001, 0))


def test_a_gpx_without_times_has_no_usable_data() -> None:
    with pytest.raises(NoUsableData, match="no times"):
        read_gpx(gpx([[(0.0, 0.0, None, None), (0.1, 0.0, None, None)]]), file="a", sha256="x")


def test_a_gpx_time_without_zone_is_utc_and_the_type_gives_the_sport() -> None:
    points = [(0.0, 0.0, 5.0, "2024-01-01T10:00:00"), (0.0, 0.001, 5.0, "2024-01-01T10:00:30")]
    [activity] = read_gpx(gpx([points], sport="running"), file="a.gpx", sha256="x")
    assert activity.start == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert activity.sport == "running"


def test_tcx_keeps_trackpoints_without_position_and_uses_lap_totals() -> None:
    points = [
        (None, None, None, "2024-01-01T10:00:00Z"),
        (None, None, None, "2024-01-01T10:10:00Z"),
    ]
    data = tcx([tcx_activity("Running", [("2024-01-01T10:00:00Z", 600.0, 2000.0, points)])])
    [activity] = read_tcx(data, file="treadmill.tcx", sha256="x")
    assert (activity.sport, activity.distance_m, activity.timer_s) == ("running", 2000.0, 600.0)
    assert activity.elapsed_s == 600.0


def test_tcx_with_several_activities_gives_several() -> None:
    lap = [("2024-01-01T10:00:00Z", 60.0, 100.0, [])]
    later = [("2024-01-01T11:00:00Z", 60.0, 100.0, [])]
    data = tcx([tcx_activity("Biking", lap), tcx_activity("Running", later)])
    activities = read_tcx(data, file="two.tcx", sha256="x")
    assert [(a.sport, a.session_index) for a in activities] == [("cycling", 0), ("running", 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9,44", 9.44),
        ("18962.80078125", 18962.80078125),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("", None),
        ("abc", None),
        ("nan", None),
    ],
)
def test_strava_numbers(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Sep 12, 2018, 3:02:23 PM", "12.09.2018, 15:02:23", "2018-09-12 15:02:23"],
)
def test_strava_dates(text: str) -> None:
    assert parse_date(text) == datetime(2018, 9, 12, 15, 2, 23, tzinfo=UTC)


def test_strava_dates_that_are_not_dates() -> None:
    assert parse_date("Feb 30, 2018, 3:02:23 PM") is None
    assert parse_date("yesterday") is None


def _session(**values: object) -> FitSession:
    base: dict[str, object] = {"sport": "running", "elapsed_s": 60.0, "timer_s": 60.0}
    return FitSession(**{**base, **values})  # type: ignore[arg-type]


def test_relative_times_are_anchored_by_a_timestamp_correlation() -> None:
    absolute = 1_000_000_000
    summary = FitSummary(
        file_types=["activity"],
        sessions=[_session(start_time=5_000)],
        correlations=[(absolute + 100, 100)],
    )
    [activity] = to_activities(summary, file="a.fit", sha256="x")
    assert (activity.start - FIT_EPOCH).total_seconds() == absolute + 5_000


def test_relative_times_without_an_anchor_have_no_usable_date() -> None:
    summary = FitSummary(file_types=["activity"], sessions=[_session(start_time=5_000)])
    with pytest.raises(NoUsableData, match="switched on"):
        to_activities(summary, file="a.fit", sha256="x")


def test_sessions_without_time_or_distance_are_not_activities() -> None:
    summary = FitSummary(
        file_types=["activity"],
        sessions=[_session(start_time=1_000_000_000, elapsed_s=0.0, timer_s=None)],
    )
    with pytest.raises(NoUsableData):
        to_activities(summary, file="a.fit", sha256="x")


def test_an_activity_file_without_sessions_is_flagged_and_others_skipped() -> None:
    with pytest.raises(NoUsableData, match="no session summary"):
        to_activities(FitSummary(file_types=["activity"]), file="a.fit", sha256="x")
    with pytest.raises(NotAnActivity, match=r"not an activity \(course file\)"):
        to_activities(FitSummary(file_types=["course"]), file="a.fit", sha256="x")


@pytest.mark.parametrize(
    ("device", "expected"),
    [
        (FitDevice("garmin", "fr935"), "Garmin Forerunner 935"),
        (FitDevice("garmin", "edge_530"), "Garmin Edge 530"),
        (FitDevice("coros", 802, "COROS PACE 2"), "COROS PACE 2"),
        (FitDevice("wahoo_fitness", 28, None), "Wahoo"),
        (FitDevice("development", None, None), None),
    ],
)
def test_device_names(device: FitDevice, expected: str | None) -> None:
    assert device_name(FitSummary(file_device=device)) == expected
