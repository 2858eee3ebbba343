"""Scanning paths and reading sources: order, problems, parallel decoding, uploads."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import threading
import zipfile
from pathlib import Path

import pytest

from backstride.errors import ImportFailed
from backstride.importers import (
    ArchiveReader,
    classify,
    load_data,
    read_data,
    read_source,
    read_sources,
    reading,
    scan,
)

from .builders import garmin_summaries, gpx, gz, write_zip, zip_bytes
from .corpus import CORPUS, needs_corpus


def _gpx(minute: int) -> bytes:
    return gpx(
        [
            [
                (0.0, 0.0, 1.0, f"2024-01-01T10:{minute:02d}:00Z"),
                (0.0, 0.001, 1.0, f"2024-01-01T10:{minute:02d}:30Z"),
            ]
        ]
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("run.fit", ("fit", False)),
        ("RUN.FIT", ("fit", False)),
        ("run.fit.gz", ("fit", True)),
        ("ride.gpx.gz", ("gpx", True)),
        ("swim.tcx", ("tcx", False)),
        ("notes.txt", None),
        ("run.gz", None),
    ],
)
def test_classify(name: str, expected: tuple[str, bool] | None) -> None:
    assert classify(name) == expected


def test_folders_are_walked_in_a_stable_order_and_other_files_passed_over(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "2.gpx").write_bytes(_gpx(2))
    (tmp_path / "a" / "1.gpx.gz").write_bytes(gz(_gpx(1)))
    (tmp_path / "a" / "notes.txt").write_text("hello")
    (tmp_path / ".hidden.gpx").write_bytes(_gpx(3))
    names = [Path(s.name).name for s in scan([tmp_path])]
    assert names == ["1.gpx.gz", "2.gpx"]


def test_sources_are_named_from_the_path_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = tmp_path / "runs"
    (runs / "2024").mkdir(parents=True)
    (runs / "2024" / "1.gpx").write_bytes(_gpx(1))
    (runs / "2.gpx").write_bytes(_gpx(2))
    part = zip_bytes({"3.gpx": _gpx(3)})
    write_zip(runs / "export.zip", {"activities/4.gpx": _gpx(4), "parts/u.zip": part})
    assert [s.name for s in scan([runs])] == [
        "runs/2.gpx",
        "runs/export.zip/activities/4.gpx",
        "runs/export.zip/parts/u.zip/3.gpx",
        "runs/2024/1.gpx",
    ]
    assert [s.name for s in scan([runs / "export.zip", runs / "2.gpx"])] == [
        "export.zip/activities/4.gpx",
        "export.zip/parts/u.zip/3.gpx",
        "2.gpx",
    ]
    monkeypatch.chdir(runs / "2024")
    assert [s.name for s in scan(["."])] == ["1.gpx"]
    assert [s.name for s in scan([".."])][-1] == "2024/1.gpx"
    [outcome] = [read_source(s) for s in scan([runs / "2024"])]
    assert outcome.activities[0].source_file == "2024/1.gpx"


def test_a_path_in_the_home_folder_may_start_with_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "1.gpx").write_bytes(_gpx(1))
    [source] = scan(["~/runs"])
    assert (source.name, source.problem) == ("runs/1.gpx", None)


def test_missing_and_unsupported_paths_come_out_as_problems(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    missing, unsupported = scan([tmp_path / "nope.fit", notes])
    assert missing.problem == "no such file or folder"
    assert (
        unsupported.problem is not None and "'.txt' is not a supported file" in unsupported.problem
    )
    outcome = read_source(unsupported)
    assert (outcome.status, outcome.reason) == ("failed", unsupported.problem)
    assert str(outcome).startswith("notes.txt: failed: ")


def test_one_bad_file_never_stops_the_others(tmp_path: Path) -> None:
    (tmp_path / "1.gpx").write_bytes(_gpx(1))
    (tmp_path / "2.gpx").write_bytes(b"<gpx><trk>")
    (tmp_path / "3.fit").write_bytes(b"\x0e\x10garbage")
    (tmp_path / "4.gpx").write_bytes(_gpx(4))
    statuses = [o.status for o in read_sources(scan([tmp_path]), workers=1)]
    assert statuses == ["imported", "failed", "failed", "imported"]


def test_parallel_reading_keeps_the_input_order(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"{i:02d}.gpx").write_bytes(_gpx(i) if i % 5 else b"broken")
    sources = list(scan([tmp_path]))
    in_process = list(read_sources(sources, workers=1))
    on_two = list(read_sources(sources, workers=2))
    assert on_two == in_process
    assert [o.file for o in on_two] == [s.name for s in sources]


def _pools_started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The workers of each process pool started from now on."""
    started: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(max_workers: int, **options: object) -> concurrent.futures.ProcessPoolExecutor:
        started.append(max_workers)
        return real(max_workers, **options)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    return started


def test_by_default_a_few_small_files_are_read_without_a_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(12):
        (tmp_path / f"{i:02d}.gpx").write_bytes(_gpx(i))
    started = _pools_started(monkeypatch)
    outcomes = list(read_sources(scan([tmp_path])))
    assert [o.status for o in outcomes] == ["imported"] * 12
    assert started == []


def test_by_default_enough_work_is_shared_by_every_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(12):
        (tmp_path / f"{i:02d}.gpx").write_bytes(_gpx(i) if i % 5 else b"broken")
    sources = list(scan([tmp_path]))
    started = _pools_started(monkeypatch)
    # As if these 12 small files took a second to read.
    monkeypatch.setattr(reading, "_POOL_FROM_S", reading._reading_seconds(sources) / 2)
    assert list(read_sources(sources)) == list(read_sources(sources, workers=1))
    cores = os.cpu_count() or 1
    assert started == ([cores] if cores > 1 else [])


@needs_corpus
@pytest.mark.corpus
def test_the_whole_corpus_reads_the_same_in_parallel() -> None:
    sources = list(scan([CORPUS]))
    assert len(sources) == sum(1 for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".tsv")
    assert list(read_sources(sources, workers=2)) == [read_source(s) for s in sources]


def test_uploaded_bytes_are_read_by_name() -> None:
    outcome = read_data("morning.gpx.gz", gz(_gpx(0)))
    assert outcome.status == "imported"
    assert outcome.activities[0].source_file == "morning.gpx.gz"
    assert read_data("morning.docx", b"x").status == "failed"


def test_load_data_gives_the_bytes_the_hash_is_of(tmp_path: Path) -> None:

    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.gpx.gz", gz(_gpx(1)))
        archive.writestr("b.gpx", _gpx(2))
    outer = tmp_path / "export.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(inner, "parts/UploadedFiles_0-_Part1.zip")
        archive.writestr("c.gpx", _gpx(3))
    with ArchiveReader() as archives:
        for source in scan([outer]):
            [activity] = read_source(source).activities
            assert hashlib.sha256(load_data(source, archives)).hexdigest() == activity.sha256
        with pytest.raises(ImportFailed):
            load_data(next(iter(scan([tmp_path / "missing.fit"]))), archives)


def test_a_threaded_caller_gets_workers_from_a_fork_server(tmp_path: Path) -> None:

    for i in range(10):
        (tmp_path / f"{i:02d}.gpx").write_bytes(_gpx(i))
    sources = list(scan([tmp_path]))
    release = threading.Event()
    busy = threading.Thread(target=release.wait)
    busy.start()
    try:
        outcomes = list(read_sources(sources, workers=2))
    finally:
        release.set()
        busy.join()
    assert [o.status for o in outcomes] == ["imported"] * 10


def test_a_member_compressed_in_a_way_zipfile_cannot_read_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a/1.gpx", _gpx(1))
        archive.writestr("a/2.gpx", _gpx(2))
    data = bytearray(path.read_bytes())
    # Mark the first member Deflate64 (method 9), which Python's zipfile does not read.
    data[8:10] = (9).to_bytes(2, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 10 : central + 12] = (9).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    outcomes = list(read_sources(scan([path]), workers=1))
    assert [o.status for o in outcomes] == ["failed", "imported"]
    assert (outcomes[0].reason or "").startswith("the archive entry could not be read")


def _damaged(path: Path, member: str) -> Path:
    """Flip a byte in the middle of a stored member, so reading it fails its CRC check."""
    data = bytearray(path.read_bytes())
    start = data.index(member.encode()) + len(member) + 100
    data[start] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _stored_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.write_bytes(zip_bytes(members, compression=zipfile.ZIP_STORED))
    return path


def test_a_damaged_strava_index_fails_alone(tmp_path: Path) -> None:
    rows = "".join(f'{i},"May 27, 2017, 8:13:01 AM",Run {i},Run,100,1.0,\n' for i in range(20))
    csv = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename\n"
    path = _stored_zip(
        tmp_path / "export.zip",
        {"activities.csv": (csv + rows).encode(), "activities/1.gpx": _gpx(1)},
    )
    outcomes = list(read_sources(scan([_damaged(path, "activities.csv")]), workers=1))
    assert [(o.file, o.status) for o in outcomes] == [
        ("export.zip/activities/1.gpx", "imported"),
        ("export.zip/activities.csv", "failed"),
    ]
    assert (outcomes[1].reason or "").startswith("the archive entry could not be read")


def test_damaged_garmin_summaries_fail_alone(tmp_path: Path) -> None:
    entries = [{"activityId": i, "activityType": "running", "beginTimestamp": i} for i in range(20)]
    path = _stored_zip(
        tmp_path / "export.zip",
        {"a/1.gpx": _gpx(1), "f/user_summarizedActivities.json": garmin_summaries(entries)},
    )
    outcomes = list(read_sources(scan([_damaged(path, "summarizedActivities.json")]), workers=1))
    assert [o.status for o in outcomes] == ["imported", "failed"]
    assert (outcomes[1].reason or "").startswith("the archive entry could not be read")


def test_files_in_a_folder_that_cannot_be_read_fail_alone(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "activities.csv").symlink_to(tmp_path / "gone.csv")
    (tmp_path / "a" / "1.gpx").write_bytes(_gpx(1))
    (tmp_path / "a" / "2.fit").symlink_to(tmp_path / "gone.fit")
    (tmp_path / "a" / "3.zip").symlink_to(tmp_path / "gone.zip")
    (tmp_path / "a" / "x_summarizedActivities.json").symlink_to(tmp_path / "gone.json")
    outcomes = list(read_sources(scan([tmp_path / "a"]), workers=1))
    assert [(o.file, o.status) for o in outcomes] == [
        ("a/activities.csv", "failed"),
        ("a/1.gpx", "imported"),
        ("a/2.fit", "failed"),
        ("a/3.zip", "failed"),
        ("a/x_summarizedActivities.json", "failed"),
    ]
    assert all(
        o.reason == "the file could not be read (No such file or directory)"
        for o in outcomes
        if o.status == "failed"
    )
