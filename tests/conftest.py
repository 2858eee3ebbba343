"""Fixtures shared by every test package. Builders live in tests/builders.py."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from pinned_time import NOW
from upload_queue_support import private_queue, require_redis

from backstride.clock import use_clock
from backstride.knowledge import KnowledgeBase, load_knowledge

# Property tests judge behaviour, never speed: no deadline and no too-slow health check, so a
# busy machine cannot fail them. In CI (CI set) each test draws the same examples every run,
# so a run fails only for a change in the code; elsewhere new examples are tried each time.
settings.register_profile("backstride", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("backstride-ci", settings.get_profile("backstride"), derandomize=True)
settings.load_profile("backstride-ci" if os.environ.get("CI") else "backstride")


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep every test's records away from the real user's data folder and database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        patch.delenv("BACKSTRIDE_DATABASE_URL", raising=False)
        patch.delenv("BACKSTRIDE_MODE", raising=False)
        yield


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    """Every test runs on the same day, whatever the date: Backstride's clock starts at NOW and
    ticks with the real one, so moments saved one after another keep their order."""
    started = time.monotonic()
    with use_clock(lambda: NOW + timedelta(seconds=time.monotonic() - started)):
        yield


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The shipped knowledge base, loaded once."""
    return load_knowledge()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, then a fresh PostgreSQL schema.

    The PostgreSQL run needs BACKSTRIDE_TEST_POSTGRES_URL and is skipped without it.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'backstride.db'}"
        return
    server = os.environ.get("BACKSTRIDE_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("set BACKSTRIDE_TEST_POSTGRES_URL to run the PostgreSQL tests")
    yield from _fresh_postgres_schema(server)


def _fresh_postgres_schema(server: str) -> Iterator[str]:
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server, poolclass=sa.pool.NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def queue() -> Iterator[str]:
    """An upload queue of the test's own on the test Redis, removed from Redis afterwards."""
    require_redis()
    with private_queue() as name:
        yield name
