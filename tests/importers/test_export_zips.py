"""Strava and Garmin Connect bulk exports, built in tmp_path from corpus files."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backstride.importers import ImportOutcome, read_source, read_sources, scan

from .builders import garmin_summaries, gz, write_zip, zip_bytes
from .corpus import corpus_bytes, corpus_file, needs_corpus

pytestmark = [pytest.mark.corpus, needs_corpus]

ENGLISH_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,"
    "Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,"
    "Elevation Gain,Elevation Loss"
)
GERMAN_HEADER = (
    "Aktivitäts-ID,Aktivitätsdatum,Name der Aktivität,Aktivitätsart,Aktivitätsbeschreibung,"
    "Verstrichene Zeit,Distanz,Max. Herzfrequenz,Relative Leistung,Pendeln,"
    "Hinweis zur Privatsphäre für Aktivitäten,Aktivitätsausrüstung,Dateiname,Sportlergewicht,"
    "Fahrradgewicht,Verstrichene Zeit,Bewegungszeit,Distanz,Höchstgeschw.,"
    "Durchschnittliche Geschwindigkeit,Höhenzunahme,Höhenunterschied"
)


def _row(*cells: str) -> str:
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def _english_csv() -> str:
    rows = [
        _row(
            "101",
            "May 27, 2017, 8:13:01 AM",
            "Morning Run",
            "Run",
            "",
            "1423",
            "4.81",
            "",
            "",
            "false",
            "",
            "",
            "activities/101.gpx.gz",
            "",
            "",
            "1423.0",
            "1423.0",
            "4806.8",
            "",
            "",
            "30",
            "25",
        ),
        _row(
            "102",
            "Sep 14, 2019, 3:22:05 PM",
            "Run, with a comma",
            "Run",
            "a\nmultiline note",
            "3164",
            "5.84",
            "",
            "",
            "false",
            "",
            "",
            "activities/102.fit",
            "",
            "",
            "3164.6",
            "3164.6",
            "5839.8",
            "",
            "",
            "234",
            "233",
        ),
        _row(
            "103",
            "Nov 25, 2018, 7:20:49 AM",
            "Treadmill",
            "Run",
            "",
            "823",
            "2.15",
            "",
            "",
            "false",
            "",
            "",
            "activities/103.tcx",
            "",
            "",
            "823.0",
            "816.0",
            "2153.7",
            "",
            "",
            "",
            "",
        ),
        _row(
            "104",
            "Mar 1, 2026, 7:12:00 AM",
            "Manual jog",
            "Run",
            "",
            "1800",
            "5.00",
            "",
            "",
            "false",
            "",
            "",
            "",
            "",
            "",
            "1800.0",
            "1750.0",
            "5000.0",
            "",
            "",
            "",
            "",
        ),
    ]
    return "\ufeff" + "\n".join([ENGLISH_HEADER, *rows]) + "\n"


def _german_csv() -> str:
    rows = [
        _row(
            "201",
            "27.05.2017, 08:13:01",
            "Lauf",
            "Lauf",
            "",
            "1423",
            "4,81",
            "",
            "",
            "false",
            "",
            "",
            "activities/201.gpx.gz",
            "",
            "",
            "1423,0",
            "1423,0",
            "4806,8",
            "",
            "",
            "30",
            "25",
        ),
        _row(
            "202",
            "09.12.2022, 15:24:49",
            "Handeintrag",
            "Lauf",
            "",
            "3600",
            "9,44",
            "",
            "",
            "false",
            "",
            "",
            "",
            "",
            "",
            "3600,0",
            "3500,0",
            "9440,5",
            "",
            "",
            "12,5",
            "10",
        ),
    ]
    return "\n".join([GERMAN_HEADER, *rows]) + "\n"


def _by_name(outcomes: list[ImportOutcome]) -> dict[str, ImportOutcome]:
    return {o.file.rsplit("/", 1)[-1]: o for o in outcomes}


def test_strava_export_with_english_headers(tmp_path: Path) -> None:
    gpx_bytes = corpus_bytes("gpx", "runpandas_run.gpx")  # no <type>: the CSV says "Run"
    path = write_zip(
        tmp_path / "export_12345.zip",
        {
            "activities.csv": _english_csv().encode(),
            "activities/101.gpx.gz": gz(gpx_bytes),
            "activities/102.fit": corpus_bytes("fit", "runpandas_run.fit"),
            "activities/103.tcx": corpus_bytes("tcx", "runpandas_run_garmin.tcx"),
            "media/photo.jpg": b"\xff\xd8 not an activity",
            "bikes.csv": b"Bike Name\n",
        },
    )
    outcomes = _by_name(list(read_sources(scan([path]), workers=1)))
    assert set(outcomes) == {"101.gpx.gz", "102.fit", "103.tcx", "activities.csv"}
    assert all(o.status == "imported" for o in outcomes.values())
    [run] = outcomes["101.gpx.gz"].activities
    assert (run.sport, run.file_format) == ("running", "gpx")
    assert run.sha256 == hashlib.sha256(gpx_bytes).hexdigest()  # the file inside the .gz
    [manual] = outcomes["activities.csv"].activities
    assert manual.start == datetime(2026, 3, 1, 7, 12, tzinfo=UTC)
    assert (manual.sport, manual.distance_m, manual.elapsed_s, manual.timer_s) == (
        "running",
        5000.0,
        1800.0,
        1750.0,
    )
    assert manual.file_format == "csv"
    assert manual.sha256 == hashlib.sha256(b"strava-activity:104").hexdigest()


def test_strava_export_with_german_headers_and_decimal_commas(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "export_de.zip",
        {
            "export_de/activities.csv": _german_csv().encode(),
            "export_de/activities/201.gpx.gz": gz(corpus_bytes("gpx", "runpandas_run.gpx")),
        },
    )
    outcomes = _by_name([read_source(s) for s in scan([path])])
    assert outcomes["201.gpx.gz"].activities[0].sport == "running"
    [manual] = outcomes["activities.csv"].activities
    assert manual.start == datetime(2022, 12, 9, 15, 24, 49, tzinfo=UTC)
    assert (manual.distance_m, manual.timer_s, manual.ascent_m) == (9440.5, 3500.0, 12.5)


def test_manual_entries_that_cannot_be_read_are_counted(tmp_path: Path) -> None:
    csv_text = _german_csv() + _row("203", "irgendwann", "?", "Lauf", "", "60") + "\n"
    path = write_zip(tmp_path / "export.zip", {"activities.csv": csv_text.encode()})
    [outcome] = [read_source(s) for s in scan([path])]
    assert len(outcome.activities) == 1
    assert outcome.warnings == ("1 manual entries without a readable date or any numbers left out",)


def test_an_unzipped_strava_export_folder(tmp_path: Path) -> None:
    (tmp_path / "activities").mkdir()
    (tmp_path / "activities.csv").write_text(_english_csv(), encoding="utf-8")
    (tmp_path / "activities" / "101.gpx.gz").write_bytes(
        gz(corpus_bytes("gpx", "runpandas_run.gpx"))
    )
    outcomes = _by_name([read_source(s) for s in scan([tmp_path])])
    assert outcomes["101.gpx.gz"].activities[0].sport == "running"
    assert len(outcomes["activities.csv"].activities) == 1


def _garmin_export(tmp_path: Path) -> Path:
    run = corpus_bytes("fit", "runpandas_run.fit")  # starts 2019-09-14T15:22:05Z
    uploaded = zip_bytes(
        {
            "user@example.com_4100.fit": run,
            "user@example.com_4101.fit": corpus_bytes("fit", "fitparse_Settings.fit"),
            "user@example.com_4102_WELLNESS.fit": corpus_bytes(
                "fit", "fitparse_MonitoringFile.fit"
            ),
            "notes.txt": b"not an activity",
        }
    )
    start_ms = int(datetime(2019, 9, 14, 15, 22, 7, tzinfo=UTC).timestamp() * 1000)
    summaries = garmin_summaries(
        [
            {
                "activityId": 1,
                "activityType": "running",
                "beginTimestamp": start_ms,
                "distance": 583977.0,
                "duration": 3164606.0,
            },
            {
                "activityId": 2,
                "activityType": {"typeKey": "treadmill_running"},
                "beginTimestamp": start_ms + 86_400_000,
                "distance": 500000.0,
                "duration": 1800000.0,
                "movingDuration": 1750000.0,
                "elevationGain": 1200.0,
            },
            {
                "activityId": 3,
                "activityType": "multi_sport",
                "beginTimestamp": start_ms,
                "duration": 3164606.0,
            },
        ]
    )
    return write_zip(
        tmp_path / "garmin_export.zip",
        {
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": uploaded,
            "DI_CONNECT/DI-Connect-Fitness/user_0_summarizedActivities.json": summaries,
            "DI_CONNECT/DI-Connect-Wellness/sleepData.json": b"[]",
        },
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_garmin_export_with_nested_zips_and_summaries(tmp_path: Path, workers: int) -> None:
    path = _garmin_export(tmp_path)
    outcomes = _by_name(list(read_sources(scan([path]), workers=workers)))
    assert outcomes["user@example.com_4100.fit"].status == "imported"
    assert outcomes["user@example.com_4101.fit"].reason == "not an activity (settings file)"
    assert outcomes["user@example.com_4102_WELLNESS.fit"].reason == (
        "not an activity (monitoring file)"
    )
    summaries = outcomes["user_0_summarizedActivities.json"]
    # The run's summary matches its FIT file; the multisport parent is left out.
    [treadmill] = summaries.activities
    assert (treadmill.sport, treadmill.sub_sport) == ("running", "treadmill")
    assert (treadmill.distance_m, treadmill.elapsed_s, treadmill.timer_s) == (
        5000.0,
        1800.0,
        1750.0,
    )
    assert treadmill.ascent_m == 12.0
    assert summaries.warnings


def test_garmin_summaries_read_alone_come_back_whole(tmp_path: Path) -> None:
    path = _garmin_export(tmp_path)
    [source] = [s for s in scan([path]) if s.kind == "garmin_summaries"]
    assert len(read_source(source).activities) == 2


def test_nested_zip_members_are_not_extracted(tmp_path: Path) -> None:
    path = _garmin_export(tmp_path)
    list(read_sources(scan([path]), workers=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garmin_export.zip"]


def test_a_corpus_fit_inside_an_export_hashes_like_the_file(tmp_path: Path) -> None:
    data = corpus_file("fit", "sweatpy_4801048867.fit").read_bytes()
    path = write_zip(tmp_path / "export.zip", {"activities/1.fit.gz": gz(data)})
    [outcome] = [read_source(s) for s in scan([path])]
    assert outcome.activities[0].sha256 == hashlib.sha256(data).hexdigest()
