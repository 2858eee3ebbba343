"""Hostile input is refused: zip bombs, entries escaping the archive, entity expansion, size."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from backstride.errors import FileRefused
from backstride.importers import archive as archive_module
from backstride.importers import read_data, read_source, read_sources, reading, scan, sources
from backstride.importers.gpx import read_gpx
from backstride.importers.tcx import read_tcx

from .builders import GPX_NS, gpx, gz, write_zip

_POINTS = [[(0.0, 0.0, 1.0, "2024-01-01T10:00:00Z"), (0.0, 0.001, 1.0, "2024-01-01T10:01:00Z")]]

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gpx xmlns="{GPX_NS}"><trk><name>&lol9;</name></trk></gpx>""".encode()

EXTERNAL_ENTITY = f"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx xmlns="{GPX_NS}"><trk><name>&secret;</name></trk></gpx>""".encode()


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused(document: bytes) -> None:
    with pytest.raises(FileRefused, match="refused"):
        read_gpx(document, file="laughs.gpx", sha256="x")
    with pytest.raises(FileRefused):
        read_tcx(document.replace(b"gpx", b"TrainingCenterDatabase"), file="x.tcx", sha256="x")
    outcome = read_data("laughs.gpx", document)
    assert outcome.status == "failed"
    assert outcome.reason is not None and "entit" in outcome.reason


def test_a_zip_bomb_member_is_refused_and_the_rest_imported(tmp_path: Path) -> None:
    bomb = bytes(5 * 1024 * 1024)  # 5 MB of zeros deflate to about 5 KB
    noise = os.urandom(3 * 1024 * 1024)  # keeps the archive as a whole at a sane ratio
    path = write_zip(
        tmp_path / "export.zip",
        {"activities/bomb.fit": bomb, "noise.bin": noise, "activities/run.gpx": gpx(_POINTS)},
    )
    outcomes = {o.file.rsplit("/", 1)[-1]: o for o in read_sources(scan([path]))}
    assert outcomes["bomb.fit"].status == "failed"
    assert "zip bomb" in (outcomes["bomb.fit"].reason or "")
    assert outcomes["run.gpx"].status == "imported"


def test_an_archive_expanding_past_a_sane_ratio_is_refused(tmp_path: Path) -> None:
    members = {f"activities/{i}.fit": bytes(1024 * 1024) for i in range(4)}
    path = write_zip(tmp_path / "bomb.zip", members)
    [source] = list(scan([path]))
    outcome = read_source(source)
    assert outcome.status == "failed"
    assert "like a zip bomb; refused" in (outcome.reason or "")


def test_a_gzip_bomb_is_refused() -> None:
    outcome = read_data("bomb.fit.gz", gz(bytes(20 * 1024 * 1024)))
    assert outcome.status == "failed"
    assert "gzip bomb" in (outcome.reason or "")


@pytest.mark.parametrize(
    "member", ["../../escape.fit", "/etc/escape.gpx", "C:/escape.tcx", "a/../../b.fit", "..\\x.fit"]
)
def test_entries_escaping_the_archive_are_refused(tmp_path: Path, member: str) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(member), gpx(_POINTS))
        archive.writestr("fine.gpx", gpx(_POINTS))
    outcomes = [read_source(s) for s in scan([path])]
    assert [o.status for o in outcomes] == ["failed", "imported"]
    assert "points outside the archive; refused" in (outcomes[0].reason or "")


def test_files_over_the_size_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (sources, reading, archive_module):
        monkeypatch.setattr(module, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.gpx"
    big.write_bytes(gpx(_POINTS) + b" " * 2000)
    zipped = write_zip(tmp_path / "big.zip", {"activities/big.gpx": big.read_bytes()})
    for path in (big, zipped):
        [outcome] = [read_source(s) for s in scan([path])]
        assert outcome.status == "failed"
        assert "limit; refused" in (outcome.reason or ""), outcome
    assert "limit; refused" in (read_data("big.gpx", big.read_bytes()).reason or "")


def test_a_damaged_zip_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    [outcome] = [read_source(s) for s in scan([path])]
    assert outcome.status == "failed"
    assert "not a readable zip archive" in (outcome.reason or "")
