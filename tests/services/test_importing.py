"""Importing into a record: the originals kept are the bytes decoded, and nothing stays open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from importers.builders import gpx, write_zip

from backstride.importers import scan
from backstride.services.importing import import_sources
from backstride.services.record import open_record


def _gpx(day: int) -> bytes:
    """A short walk on `day` of January 2024 (each day's is a different activity)."""
    return gpx(
        [
            [
                (0.0, 0.0, 1.0, f"2024-01-{day:02d}T10:00:00Z"),
                (0.0, 0.001, 1.0, f"2024-01-{day:02d}T10:00:30Z"),
            ]
        ]
    )


@pytest.fixture
def record(tmp_path: Path):
    with open_record(f"sqlite:///{tmp_path / 'r.db'}") as record:
        yield record


def _open_paths() -> set[str]:
    folder = Path("/proc/self/fd")
    paths = set()
    for fd in os.listdir(folder):
        try:
            paths.add(os.readlink(folder / fd))
        except OSError:
            continue
    return paths


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_no_export_zip_stays_open_after_an_import(record, tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "export.zip",
        {"activities/1.gpx": _gpx(1), "activities/2.gpx": _gpx(2)},
    )
    summary = import_sources(record, scan([path]), workers=1)
    assert len(summary.added) == 2
    assert str(path) not in _open_paths()
