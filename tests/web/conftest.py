"""The web app over a fresh database, driven in-process through httpx's ASGI transport.

`client` runs the app's lifespan (the store is opened then), as a server would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from backstride.settings import Settings
from backstride.web.app import create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Personal mode over the test database (SQLite, then PostgreSQL when one is given)."""
    return Settings(database_url=database_url, mode="personal")


@asynccontextmanager
async def serving(
    app: FastAPI, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `app`, with the app started (lifespan) for as long as it is open."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@pytest.fixture
def serve() -> Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]:
    """`async with serve(app) as client:` for a test that builds its own app."""
    return serving


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app built by `create_app(settings)`."""
    async with serving(create_app(settings)) as client:
        yield client


#: A secret key long enough for team mode; tests only.
TEAM_SECRET_KEY = "test-secret-key-for-team-mode-0123456789abcdef"


@pytest.fixture
def team_settings(database_url: str) -> Settings:
    """Team mode over the test database, with secure cookies (clients use https://)."""
    return Settings(database_url=database_url, mode="team", secret_key=TEAM_SECRET_KEY)
