"""Importing into a record: the originals kept are the bytes decoded, and nothing stays open."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from importers.builders import gpx, gz, write_zip, zip_bytes

from backstride.importers import scan
from backstride.services import importing
from backstride.services.importing import import_sources
from backstride.services.record import open_record
from backstride.store import repo


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


def _changed_after_decoding(monkeypatch: pytest.MonkeyPatch, name: str, change) -> None:
    """Run `change` on the file called `name` after it is decoded, before its original is kept."""
    real = importing.read_sources

    def read_then_change(sources, *, workers=None):
        for outcome in real(sources, workers=workers):
            if outcome.file.endswith(name):
                change(outcome.source.path)
            yield outcome

    monkeypatch.setattr(importing, "read_sources", read_then_change)


def _stored(record) -> tuple[list, dict[str, bytes]]:
    with record.session() as session:
        activities = repo.list_activities(session=session, runner_id=record.runner.id)
        files = repo.iter_activity_files(session=session, runner_id=record.runner.id)
        return activities, {f.sha256: f.content for f in files}


def _rewrite(path: Path) -> None:
    path.write_bytes(_gpx(9))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-20])


@pytest.mark.parametrize(
    ("name", "content", "change", "error"),
    [
        ("2.gpx", _gpx(2), _rewrite, importing.CHANGED),
        ("2.gpx", _gpx(2), Path.unlink, "the file could not be read (No such file or directory)"),
        ("2.gpx.gz", gz(_gpx(2)), _truncate, "the gzip data is damaged or cut off"),
    ],
    ids=["changed", "vanished", "bad-gzip"],
)
def test_a_file_that_changes_before_its_original_is_kept_fails_alone(
    record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name, content, change, error
) -> None:
    folder = tmp_path / "watch"
    folder.mkdir()
    (folder / "1.gpx").write_bytes(_gpx(1))
    (folder / name).write_bytes(content)
    (folder / "3.gpx").write_bytes(_gpx(3))
    _changed_after_decoding(monkeypatch, name, change)
    seen = []
    summary = import_sources(record, scan([folder]), on_outcome=seen.append, workers=1)
    assert len(summary.added) == 2
    [(file, reason)] = summary.failed
    assert file.endswith(name) and reason.startswith(error)
    assert [o.status for o in seen] == ["imported", "failed", "imported"]
    activities, files = _stored(record)
    assert sorted(a.activity.start.day for a in activities) == [1, 3]
    assert all(hashlib.sha256(data).hexdigest() == digest for digest, data in files.items())
    assert len(files) == 2


def test_an_export_replaced_while_it_was_imported_fails_its_members_alone(
    record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    part = zip_bytes({"1.gpx": _gpx(1), "2.gpx": _gpx(2)})
    path = write_zip(tmp_path / "export.zip", {"parts/UploadedFiles_Part1.zip": part})

    def replace_export(zip_path: Path) -> None:
        os.replace(write_zip(tmp_path / "new.zip", {"other.gpx": _gpx(3)}), zip_path)

    _changed_after_decoding(monkeypatch, "1.gpx", replace_export)
    summary = import_sources(record, scan([path]), workers=1)
    assert summary.added == []
    assert [file.rsplit("/", 1)[-1] for file, _ in summary.failed] == ["1.gpx", "2.gpx"]
    assert all(r.startswith("the archive entry could not be read") for _, r in summary.failed)
