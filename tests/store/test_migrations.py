"""The schema comes from the migrations, and the migrations agree with tables.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backstride.errors import StoreError
from backstride.store import head_revision, make_engine, open_store, schema_revision, upgrade
from backstride.store.engine import HEAD_REVISION, alembic_config
from backstride.store.tables import Base

RECORD_TABLES = {"runner", "assessment", "check_in", "return_to_run", "activity", "activity_file"}
FORM_TABLES = {"form_analysis"}
OUTCOME_TABLES = {"outcome"}
TEAM_TABLES = {
    "account",
    "account_session",
    "invite",
    "clinician_link",
    "audit_event",
    "login_failure",
}
TABLES = RECORD_TABLES | TEAM_TABLES | FORM_TABLES | OUTCOME_TABLES


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_builds_the_schema_in_an_empty_database(database_url: str) -> None:
    assert schema_revision(database_url) is None
    assert _tables(database_url) == set()

    result = upgrade(database_url)

    assert (result.before, result.after, result.changed) == (None, head_revision(), True)
    assert _tables(database_url) == TABLES
    assert not upgrade(database_url).changed


def test_tables_py_and_the_migrations_agree(database_url: str) -> None:
    """Like `alembic check`: autogenerate finds nothing to add to the migrations."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_migrations_go_down_to_nothing_and_up_again(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
    finally:
        engine.dispose()
    assert _tables(database_url) == set()
    assert upgrade(database_url).after == head_revision()


def test_open_store_migrates_on_first_use(database_url: str) -> None:
    with open_store(database_url) as store:
        assert schema_revision(store.engine) == head_revision()
    assert _tables(database_url) == TABLES


def test_open_store_can_leave_the_schema_alone(database_url: str) -> None:
    with open_store(database_url, migrate=False):
        pass
    assert schema_revision(database_url) is None


def test_a_database_from_a_newer_backstride_is_refused(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = 'from_future'"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="newer version"):
        open_store(database_url)


def test_no_alembic_ini_is_needed() -> None:
    config = alembic_config()
    assert config.config_file_name is None
    assert head_revision() == "0004"
    assert head_revision() == HEAD_REVISION


def test_first_use_from_several_processes_at_once_migrates_once(database_url: str) -> None:
    def first_use(_: int) -> str | None:
        with open_store(database_url) as store:
            return schema_revision(store.engine)

    with ThreadPoolExecutor(max_workers=4) as pool:
        revisions = list(pool.map(first_use, range(4)))
    assert revisions == [head_revision()] * 4
    assert _tables(database_url) == TABLES


def test_the_team_tables_come_and_go_with_their_revision(database_url: str) -> None:
    """0002 adds the team tables to a personal database and takes them away again."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        assert _tables(database_url) == RECORD_TABLES
        assert upgrade(database_url).before == "0001"
        assert _tables(database_url) == TABLES
        command_downgrade(engine, "0002")
        assert _tables(database_url) == RECORD_TABLES | TEAM_TABLES
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
    finally:
        engine.dispose()
    assert _tables(database_url) == RECORD_TABLES


def test_the_form_analysis_table_comes_and_goes_with_its_revision(database_url: str) -> None:
    """0003 adds the form analyses to a database of 0002 and takes them away again."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
        assert _tables(database_url) == RECORD_TABLES | TEAM_TABLES
        assert upgrade(database_url).before == "0002"
        assert _tables(database_url) == TABLES
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
    finally:
        engine.dispose()
    assert _tables(database_url) == RECORD_TABLES | TEAM_TABLES


def command_downgrade(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_the_outcome_table_comes_and_goes_with_its_revision(database_url: str) -> None:
    """0004 adds the outcome questionnaires' table after 0003 and takes it away again."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        command_downgrade(engine, "0003")
        assert _tables(database_url) == RECORD_TABLES | TEAM_TABLES | FORM_TABLES
        assert upgrade(database_url).before == "0003"
        assert _tables(database_url) == TABLES
    finally:
        engine.dispose()
