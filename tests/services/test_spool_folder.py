"""Where uploads wait: the data folder's `upload-spool`, or BACKSTRIDE_SPOOL_DIR (shared
storage for web processes and workers on several machines)."""

from __future__ import annotations

import os

import pytest

from backstride.errors import StoreError
from backstride.services.upload_queue import _spooled, spool_folder
from backstride.settings import Settings


def test_by_default_uploads_wait_in_the_data_folder(tmp_path):
    folder = spool_folder(Settings(data_dir=tmp_path))

    assert folder == tmp_path / "upload-spool"
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_spool_dir_is_used_as_it_is(tmp_path, monkeypatch):
    shared = tmp_path / "nfs" / "backstride-uploads"
    monkeypatch.setenv("BACKSTRIDE_SPOOL_DIR", str(shared))

    assert spool_folder(Settings(data_dir=tmp_path / "own")) == shared
    assert shared.is_dir()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_a_spool_dir_that_cannot_be_written_is_said_in_one_line(tmp_path):
    shared = tmp_path / "read-only"
    shared.mkdir(mode=0o500)

    with pytest.raises(StoreError, match="BACKSTRIDE_SPOOL_DIR to a folder every web process"):
        spool_folder(Settings(spool_dir=shared))


def test_a_spool_dir_that_cannot_be_made_is_said_in_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    with pytest.raises(StoreError, match="BACKSTRIDE_SPOOL_DIR"):
        spool_folder(Settings(spool_dir=blocker / "uploads"))


def test_a_worker_finds_a_spool_file_in_its_own_mount_of_the_folder(tmp_path, monkeypatch):
    here = tmp_path / "mounted-here"
    monkeypatch.setenv("BACKSTRIDE_SPOOL_DIR", str(here))
    (spool_folder(Settings()) / "0123.zip").write_bytes(b"PK")

    # The web machine wrote the job with its own mount point of the shared folder.
    assert _spooled(tmp_path / "mounted-there" / "0123.zip") == here / "0123.zip"
    assert _spooled(tmp_path / "elsewhere" / "gone.zip") == tmp_path / "elsewhere" / "gone.zip"


def test_the_upload_queue_is_named_by_the_environment(monkeypatch):
    assert Settings().upload_queue == "backstride-uploads"
    monkeypatch.setenv("BACKSTRIDE_UPLOAD_QUEUE", "club-b-uploads")
    assert Settings().upload_queue == "club-b-uploads"
