"""Forgetting deletes the runner's data from the SQLite file itself, not only from the tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from backstride.services.data import forget_everything
from backstride.services.record import open_record
from backstride.store import release_deleted_pages, repo

MARKER = "zebra-crossing-marker-8841"


def test_forgotten_notes_are_not_left_in_the_file_or_its_log(tmp_path: Path):
    database = tmp_path / "record.db"
    url = f"sqlite:///{database}"
    with open_record(url) as record, record.session() as session:
        for day in range(1, 29):
            checkin = {"date": f"2026-02-{day:02d}", "morning_pain": 2, "notes": MARKER * 20}
            repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=checkin)
        # Data kept a while has been copied from the log into the database file itself.
        release_deleted_pages(record.store.engine)
    assert MARKER.encode() in database.read_bytes()
    # Another connection stays open, as a running web server's would, so closing ours does
    # not checkpoint the log by itself.
    other = sqlite3.connect(database)
    other.execute("SELECT count(*) FROM runner").fetchone()
    try:
        with open_record(url) as record:
            forget_everything(record)
        for file in (database, database.with_name(database.name + "-wal")):
            if file.exists():
                assert MARKER.encode() not in file.read_bytes(), f"{file.name} holds the notes"
    finally:
        other.close()


def test_a_forgotten_form_video_is_not_left_in_the_file(tmp_path: Path):
    database = tmp_path / "record.db"
    url = f"sqlite:///{database}"
    video = MARKER.encode() * 4000  # a kept video, large enough for overflow pages
    with open_record(url) as record, record.session() as session:
        repo.save_form_analysis(
            session=session,
            runner_id=record.runner.id,
            file_name="run.mp4",
            document={"quality": {"usable": True}, "findings": []},
            key_frame=MARKER.encode(),
            video=video,
        )
        release_deleted_pages(record.store.engine)
    assert MARKER.encode() in database.read_bytes()
    with open_record(url) as record:
        assert forget_everything(record)["form_analyses"] == 1
    for file in (database, database.with_name(database.name + "-wal")):
        if file.exists():
            assert MARKER.encode() not in file.read_bytes(), f"{file.name} holds the video"
