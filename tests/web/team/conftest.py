"""Team mode served in-process: one app, several browsers (clients), a clock tests move.

```python
async def test_x(team):
    ana = await team.runner("ana@example.org")      # signed up and signed in
    physio = await team.clinician("physio@example.org")
    response = await ana.post("/account/invites", data=ana.form())
```
Each browser is an httpx client with its own cookies; `browser.form(**fields)` adds its CSRF
token to the fields, `browser.headers()` gives the header for JSON requests.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from backstride.settings import Settings
from backstride.web.app import create_app

PASSWORD = "correct horse battery"
BASE_URL = "https://testserver"
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


@dataclass
class Clock:
    """The time the app judges sessions and sign-in limits by; tests move it."""

    now: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Browser:
    """One browser: its cookies, and the CSRF token of the page it saw last."""

    client: httpx.AsyncClient
    csrf: str = ""
    account: dict[str, Any] = field(default_factory=dict)

    async def get(self, path: str, **options: Any) -> httpx.Response:
        response = await self.client.get(path, **options)
        found = (
            _CSRF.search(response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if found:
            self.csrf = found.group(1)
        return response

    async def post(self, path: str, **options: Any) -> httpx.Response:
        return await self.client.post(path, **options)

    async def refresh_csrf(self) -> str:
        """Load a page to learn the CSRF token of the current session."""
        await self.get("/learn")
        return self.csrf

    def form(self, **fields: Any) -> dict[str, Any]:
        return {"csrf_token": self.csrf, **fields}

    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}


@dataclass
class Team:
    """The app and a way to open more browsers on it."""

    app: FastAPI
    clock: Clock
    stack: AsyncExitStack

    async def browser(self) -> Browser:
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        await self.stack.enter_async_context(client)
        return Browser(client)

    async def sign_up(self, email: str, role: str = "runner", name: str | None = None) -> Browser:
        browser = await self.browser()
        await browser.get("/signup")
        fields = {
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "role": role,
            "name": name or email.split("@")[0].title(),
        }
        response = await browser.post("/signup", data=browser.form(**fields))
        assert response.status_code == 303, response.text
        await browser.refresh_csrf()
        browser.account = fields
        return browser

    async def runner(self, email: str, name: str | None = None) -> Browser:
        return await self.sign_up(email, "runner", name)

    async def clinician(self, email: str, name: str | None = None) -> Browser:
        return await self.sign_up(email, "clinician", name)

    async def signed_out(self) -> Browser:
        browser = await self.browser()
        await browser.get("/login")
        return browser


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def team(team_settings: Settings, clock: Clock) -> AsyncIterator[Team]:
    """Team mode's app, started, over the test database."""
    app = create_app(team_settings, clock=clock)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        yield Team(app=app, clock=clock, stack=stack)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
