"""Connecting to the database and keeping its schema current.

SQLite is the default (a file, or memory for tests); PostgreSQL is only a different URL
(`postgresql+psycopg://user@host/db`, psycopg 3). The schema belongs to Alembic: the migrations
ship inside the package and run from code, so no alembic.ini is needed.

```python
with open_store("sqlite:////tmp/backstride.db") as store:   # migrates on first use
    with store.session() as session:
        runner = get_or_create_personal_runner(session=session)
```
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from backstride.errors import StoreError
from backstride.store._transaction import serialize_json

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: The newest migration in migrations/versions. Opening a store compares the database with it
#: using one query, so Alembic (slow to import) is loaded only when a migration must run.
#: tests/store/test_migrations.py keeps it equal to Alembic's own head.
HEAD_REVISION = "0004"

# Any constant works: it only has to be the same for every Backstride process.
_PG_MIGRATION_LOCK = 0x6261636B73747264  # "backstrd"

_SQLITE_BUSY_TIMEOUT_S = 30.0

#: Connections kept open per SQLite file: as many as a web worker has threads (AnyIO's default
#: of 40), so that under load no request waits for one. The pool's queue would keep them waiting
#: in no particular order, and a thread that just gave its connection back often takes it again
#: first; some requests then wait for seconds. Connections are opened when first needed.
_SQLITE_POOL_SIZE = 40

#: Statements that take SQLite's write lock, by how they start (upper case).
_SQLITE_WRITES = (
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "CREATE",
    "DROP",
    "ALTER",
    "BEGIN IMMEDIATE",
    "BEGIN EXCLUSIVE",
)
#: Set in a connection's `info` while it holds its process's writing turn.
_HOLDS_WRITING_TURN = "backstride_writing_turn"


class SchemaUpgrade(NamedTuple):
    """The schema revision before and after `upgrade`."""

    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Store:
    """An engine and its session factory; close it (or use `with`) to release connections."""

    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        """A new session; use it as a context manager (`with store.session() as session:`)."""
        return self.sessions()

    def single_read(self) -> Session:
        """A session for a read of one statement, which is its own snapshot: on PostgreSQL it
        runs outside a transaction, which saves the BEGIN and the COMMIT, two of its three
        round trips to the server (team mode reads the signed-in account this way on every
        request). On SQLite, where a transaction costs no round trip, it is `session()`.
        Only for reads: on PostgreSQL a write through it would be committed at once, statement
        by statement."""
        if self.engine.dialect.name == "sqlite":
            return self.sessions()
        return self.sessions(bind=self._autocommit_engine)

    @cached_property
    def _autocommit_engine(self) -> Engine:
        # The same pool: each connection is switched to autocommit while checked out.
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine for `url`: SQLite with foreign keys on (WAL for files), or PostgreSQL.

    `postgresql://` and `postgres://` URLs use psycopg 3. The folder of a SQLite file is
    created when missing. JSON columns are encoded by `serialize_json`, which stores a
    document already encoded by the store as it is.
    """
    parsed = _parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _make_sqlite_engine(parsed, echo=echo)
        return sa.create_engine(
            parsed, echo=echo, pool_pre_ping=True, json_serializer=serialize_json
        )
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"No database driver for {parsed.drivername!r} URLs ({exc}). For PostgreSQL, "
            "install it with: pip install 'backstride[postgres]' and use postgresql+psycopg://"
        ) from exc


def release_deleted_pages(engine: Engine) -> None:
    """Make deleted data unrecoverable from the SQLite file and its write-ahead log.

    `secure_delete` already zeroes deleted rows in the database file; the log still holds the
    pages as they were until a checkpoint, so copy them back and empty it. Other databases
    manage their own storage: nothing to do.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for `engine`; values read stay usable after a commit."""
    return sessionmaker(engine, expire_on_commit=False)


def open_store(url: str | URL, *, migrate: bool = True) -> Store:
    """Connect to `url` and, unless `migrate` is False, bring the schema up to date first.

    Raises `StoreError` when the database cannot be reached or was written by a newer
    Backstride.
    """
    engine = make_engine(url)
    try:
        if migrate:
            _upgrade_if_behind(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine=engine, sessions=make_sessionmaker(engine))


def upgrade(target: Engine | str | URL) -> SchemaUpgrade:
    """Run the migrations up to the latest revision (what `backstride db upgrade` does)."""
    with _engine_for(target) as engine:
        before = schema_revision(engine)
        _check_known(before, engine)
        from alembic import command

        try:
            with _migration_connection(engine) as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Could not upgrade the database schema: {_first_line(exc)}. "
                "Check that the database is reachable and writable, then run "
                "`backstride db upgrade` again."
            ) from exc
        return SchemaUpgrade(before=before, after=schema_revision(engine))


def schema_revision(target: Engine | str | URL) -> str | None:
    """The schema revision of the database, or None for an empty database."""
    with _engine_for(target) as engine:
        try:
            with engine.connect() as connection:
                return _read_revision(connection)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Could not read the database at {_safe(engine.url)}: {_first_line(exc)}. "
                "Check the URL (--db or BACKSTRIDE_DATABASE_URL) and that the server is running."
            ) from exc


def _read_revision(connection: Connection) -> str | None:
    """What Alembic records in its version table; None when the table is missing or empty."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    query = sa.text("SELECT version_num FROM alembic_version")
    rows: list[str] = list(connection.execute(query).scalars())
    if len(rows) > 1:  # pragma: no cover - only one branch of migrations exists
        raise StoreError("The database records several schema revisions; please report this.")
    return rows[0] if rows else None


def head_revision() -> str:
    """The schema revision this version of Backstride expects."""
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError("Backstride was packaged without its database migrations; reinstall it.")
    return head


def alembic_config() -> Config:
    """An Alembic configuration for the shipped migrations, built in code."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _upgrade_if_behind(engine: Engine) -> None:
    if schema_revision(engine) != HEAD_REVISION:
        upgrade(engine)


def _check_known(revision: str | None, engine: Engine) -> None:
    if revision is None:
        return
    if revision not in {rev.revision for rev in _script().walk_revisions()}:
        raise StoreError(
            f"The database at {_safe(engine.url)} has schema revision {revision!r}, which this "
            "Backstride does not know: it was written by a newer version. Upgrade Backstride."
        )


@contextmanager
def _engine_for(target: Engine | str | URL) -> Iterator[Engine]:
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(target)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that only one migrating process can hold at a time."""
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            with connection.begin():
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
                yield connection
            return
        # Rebuilding a table in SQLite drops the old one, which would cascade deletes while
        # foreign keys are on; switch them off for the migration and check them before commit.
        _sqlite_pragma(connection, "foreign_keys=OFF")
        try:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(
                        f"A migration would leave {len(broken)} rows pointing at missing rows; "
                        "nothing was changed. Please report this as a bug."
                    )
        finally:
            _sqlite_pragma(connection, "foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a PRAGMA on the driver connection, outside any transaction (where it has effect)."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _make_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in str(url.query.get("mode", ""))
    on_begin = _sqlite_on_begin(None)
    if in_memory:
        # One shared connection, so every session and thread sees the same memory database.
        engine = sa.create_engine(
            url,
            echo=echo,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            json_serializer=serialize_json,
        )
    else:
        if not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Could not create the folder {folder} for the database "
                    f"({exc.strerror or exc}); pass --db with a path you can write to."
                ) from exc
        engine = sa.create_engine(
            url,
            echo=echo,
            connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_S},
            pool_size=_SQLITE_POOL_SIZE,
            json_serializer=serialize_json,
        )
        turns = WritingTurns(timeout=_SQLITE_BUSY_TIMEOUT_S)
        sa.event.listen(engine, "before_cursor_execute", turns.before_cursor_execute)
        for given_back in ("checkin", "detach", "invalidate"):
            sa.event.listen(engine.pool, given_back, turns.give_back)
        on_begin = _sqlite_on_begin(turns)
    sa.event.listen(engine, "connect", _sqlite_on_connect(use_wal=not in_memory))
    sa.event.listen(engine, "begin", on_begin)
    return engine


class WritingTurns:
    """Writers to a SQLite file from one process take turns: one writes, the others queue here.

    SQLite lets one connection write at a time; the others wait in its busy handler, which
    sleeps and retries with growing pauses (up to 100 ms) and serves no one in order. With many
    threads writing at once (a web worker under load), an unlucky writer can keep losing for
    seconds. Here the first statement of a transaction that writes waits for the process's
    turn, a lock that wakes the next writer as soon as the last one gives its connection
    back. Nothing else changes: a thread that already holds the turn and writes through a
    second connection, or a writer that waits longer than the busy timeout, goes ahead
    without it, and SQLite's own locking decides and reports, as before. Writers in other
    processes still meet through SQLite alone.
    """

    def __init__(self, *, timeout: float) -> None:
        self._lock = threading.Lock()
        self._timeout = timeout
        self._holder: int | None = None

    def before_cursor_execute(
        self,
        connection: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if connection.info.get(_HOLDS_WRITING_TURN):
            return
        if not statement.lstrip()[:16].upper().startswith(_SQLITE_WRITES):
            return
        if self._holder == threading.get_ident():
            return
        if self._lock.acquire(timeout=self._timeout):
            self._holder = threading.get_ident()
            connection.info[_HOLDS_WRITING_TURN] = True

    def take(self, connection: Connection) -> None:
        """Take the process's writing turn for `connection` before it begins to write."""
        if connection.info.get(_HOLDS_WRITING_TURN) or self._holder == threading.get_ident():
            return
        if self._lock.acquire(timeout=self._timeout):
            self._holder = threading.get_ident()
            connection.info[_HOLDS_WRITING_TURN] = True

    def give_back(self, dbapi_connection: Any, connection_record: Any, *_: Any) -> None:
        """A connection back in the pool (committed or rolled back), detached from it or
        broken: the next writer's turn."""
        if connection_record.info.pop(_HOLDS_WRITING_TURN, False):
            self._holder = None
            self._lock.release()


def _sqlite_on_connect(*, use_wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL, so it is
        # switched off and `_sqlite_on_begin` emits BEGIN (the SQLAlchemy documentation's recipe).
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        # Health data: overwrite deleted rows with zeros instead of leaving them in free pages.
        dbapi_connection.execute("PRAGMA secure_delete=ON")
        if use_wal:
            # WAL lets readers go on while one writer writes; NORMAL sync is safe with WAL.
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    return on_connect


def _sqlite_on_begin(turns: WritingTurns | None) -> Any:
    def on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        if mode not in _WRITE_LOCK_MODES or turns is None:
            connection.exec_driver_sql(f"BEGIN {mode}".strip())
            return
        turns.take(connection)
        _begin_once_free(connection, mode, timeout=_SQLITE_BUSY_TIMEOUT_S)

    return on_begin


#: BEGIN modes that take SQLite's write lock at once.
_WRITE_LOCK_MODES = ("IMMEDIATE", "EXCLUSIVE")
#: How long a writer waits between two tries for the write lock: from the first to the longest.
_FIRST_PAUSE_S = 0.00005
_LONGEST_PAUSE_S = 0.001


def _begin_once_free(connection: Connection, mode: str, *, timeout: float) -> None:
    """BEGIN IMMEDIATE (or EXCLUSIVE) as soon as no other process holds the write lock.

    SQLite's own busy handler sleeps between its tries, longer and longer, up to 100 ms at a
    time: while another process writes steadily (the other worker of a web server), a waiting
    writer kept missing the moments the lock was free. In the web benchmark half of a worker's
    time to save went in those sleeps, and some requests waited over a second. Here the tries
    are at most a millisecond apart, for as long as the busy timeout; the lock itself is still
    SQLite's.
    """
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - a checked-out connection always has one
        connection.exec_driver_sql(f"BEGIN {mode}")
        return
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE_S
    driver.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                driver.execute(f"BEGIN {mode}")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise OperationalError(f"BEGIN {mode}", (), exc) from exc
            time.sleep(pause)
            pause = min(2 * pause, _LONGEST_PAUSE_S)
    finally:
        driver.execute(f"PRAGMA busy_timeout = {round(timeout * 1000)}")


def _parse_url(url: str | URL) -> URL:
    try:
        parsed = sa.make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"{_masked(str(url))} is not a database URL. Use sqlite:////path/to/backstride.db or "
            "postgresql+psycopg://user@host/dbname (--db or BACKSTRIDE_DATABASE_URL)."
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _safe(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _masked(text: str) -> str:
    """A string that is not a URL, shown without what could be a password: anything before
    the last "@" after the scheme (user name and password) and any query."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    rest, question, _ = rest.partition("?")
    return scheme + sep + rest + ("?***" if question else "")


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
