"""Alembic's entry point for Backstride's migrations.

`backstride.store.engine.upgrade` passes an open connection in `config.attributes`. Developers
can also use the alembic command with the alembic.ini next to this file, for example to draft
a new revision from tables.py:

    BACKSTRIDE_DATABASE_URL=sqlite:////tmp/dev.db \\
        alembic -c backstride/store/migrations/alembic.ini revision --autogenerate \\
        --rev-id 0002 -m "what changes"
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from backstride.store.engine import make_engine
from backstride.store.tables import Base, UtcDateTime

config = context.config
if config.config_file_name is not None:  # the alembic command, run with alembic.ini
    fileConfig(config.config_file_name, disable_existing_loggers=False)
target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Drafted revisions spell out the stored type, so they do not depend on tables.py.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters most things by copying the table; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("BACKSTRIDE_DATABASE_URL")
    if not url:
        raise SystemExit("Set BACKSTRIDE_DATABASE_URL to the database to migrate.")
    return url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as fresh:
            _run(fresh)
            fresh.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
