"""Connecting: SQLite pragmas, PostgreSQL URLs, and plain errors for bad URLs."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from backstride.errors import StoreError
from backstride.store import engine as engine_module
from backstride.store import make_engine, open_store, repo
from backstride.store.tables import RunnerRow

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_sqlite_files_have_foreign_keys_on_and_use_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_the_folder_of_a_sqlite_file_is_created(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'new' / 'folder' / 'b.db'}"):
        assert (tmp_path / "new" / "folder" / "b.db").is_file()


def test_a_memory_database_is_shared_by_every_session() -> None:
    with open_store("sqlite://") as store:
        with store.session() as first:
            runner = repo.get_or_create_personal_runner(session=first)
        with store.session() as second:
            assert repo.get_runner(session=second, runner_id=runner.id) == runner
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_postgresql_urls_use_psycopg_3(scheme: str) -> None:
    engine = make_engine(f"{scheme}://coach:secret@db.example/team")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
    finally:
        engine.dispose()


def test_a_string_that_is_not_a_url_gives_a_plain_error() -> None:
    with pytest.raises(StoreError, match="is not a database URL"):
        make_engine("my database please")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("my-db://coach:s3cret@db.example/team", "my-db://***@db.example/team"),
        ("my db://coach:p@s3cret/x@db.example/team", "my db://***@db.example/team"),
        ("coach:s3cret@db.example/team", "***@db.example/team"),
        ("my-db://db.example/team?password=s3cret", "my-db://db.example/team?***"),
    ],
)
def test_a_string_that_is_not_a_url_is_not_echoed_with_its_password(url: str, shown: str) -> None:
    with pytest.raises(StoreError, match="is not a database URL") as caught:
        make_engine(url)
    message = str(caught.value)
    assert "s3cret" not in message
    assert message.startswith(f"{shown} is not a database URL")


def test_an_unknown_database_gives_a_plain_error() -> None:
    with pytest.raises(StoreError, match="No database driver for 'nosuchdb'"):
        make_engine("nosuchdb://somewhere/db")


def test_an_unreachable_server_gives_a_plain_error_without_the_password() -> None:
    with pytest.raises(StoreError, match="Could not read the database") as caught:
        open_store("postgresql+psycopg://coach:secret@127.0.0.1:1/team")
    message = str(caught.value)
    assert "secret" not in message
    assert "\n" not in message


def test_savepoints_work_on_sqlite(tmp_path: Path) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT; the engine works around it."""
    with open_store(f"sqlite:///{tmp_path / 'b.db'}") as store, store.session() as session:
        with session.begin():
            session.add(RunnerRow(key="kept", time_zone="UTC", created_at=NOW))
            nested = session.begin_nested()
            session.add(RunnerRow(key="undone", time_zone="UTC", created_at=NOW))
            session.flush()
            nested.rollback()
        keys = session.scalars(sa.select(RunnerRow.key)).all()
        assert keys == ["kept"]


def test_concurrent_writers_on_a_sqlite_file_wait_their_turn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    with open_store(url) as store:
        with store.session() as session:
            runners = [repo.create_runner(session=session, key=f"r{i}") for i in range(4)]

        def write_diary(runner_id: int) -> None:
            with store.session() as session:
                for day in range(1, 26):
                    repo.upsert_checkin(
                        session=session,
                        runner_id=runner_id,
                        checkin={"date": f"2026-03-{day:02d}", "morning_pain": day % 10},
                    )

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(write_diary, [r.id for r in runners]))
        with store.session() as session:
            for r in runners:
                assert len(repo.list_checkins(session=session, runner_id=r.id)) == 25


def test_a_writer_goes_ahead_as_soon_as_another_process_frees_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.db"
    with open_store(f"sqlite:///{path}") as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writing
        pauses: list[float] = []

        def pause(seconds: float) -> None:
            pauses.append(seconds)
            if len(pauses) == 3:
                other.execute("COMMIT")  # the other writer is done

        monkeypatch.setattr(engine_module.time, "sleep", pause)
        with store.session() as session:
            repo.create_runner(session=session, key="waited")
        other.close()
        with store.engine.connect() as connection:
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            keys = connection.exec_driver_sql("SELECT key FROM runner").scalars().all()

    assert keys == ["waited"]
    # Short pauses, growing, not SQLite's own sleeps of up to 100 ms.
    assert pauses == sorted(pauses) and max(pauses) <= 0.001
    assert timeout == 30_000  # SQLite's own wait again for everything else


def test_a_writer_that_waits_past_the_busy_timeout_is_told_the_database_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.db"
    with open_store(f"sqlite:///{path}") as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        monkeypatch.setattr(engine_module, "_SQLITE_BUSY_TIMEOUT_S", 0.0)
        try:
            with pytest.raises(StoreError, match="busy"), store.session() as session:
                repo.create_runner(session=session, key="refused")
        finally:
            other.close()
