"""A migrated store, a session on it and the personal runner, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from backstride.store import Runner, Store, open_store, repo


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with open_store(database_url) as store:
        yield store


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    with store.session() as session:
        yield session


@pytest.fixture
def runner(session: Session) -> Runner:
    return repo.get_or_create_personal_runner(session=session)
