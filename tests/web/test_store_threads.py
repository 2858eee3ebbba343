"""The app's store threads: store work runs off the event loop, on threads the app owns."""

from __future__ import annotations

import threading

import pytest
from starlette.requests import Request

from backstride.settings import Settings
from backstride.web.app import create_app
from backstride.web.store_threads import in_store_thread, read_briefly

pytestmark = pytest.mark.anyio


def _request(app) -> Request:
    return Request({"type": "http", "app": app, "headers": [], "method": "GET", "path": "/"})


async def test_store_work_runs_on_the_apps_threads_while_it_is_started(settings: Settings):
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        worker = await in_store_thread(_request(app), threading.current_thread)
        assert await in_store_thread(_request(app), sum, [1, 2], start=3) == 6

    assert worker is not threading.current_thread()
    assert worker.name.startswith("backstride-store")
    # Stopped with the app: its threads have ended, and no work is taken any more.
    assert not worker.is_alive()
    assert not hasattr(app.state, "store_threads")
    with pytest.raises(RuntimeError, match="store threads are not started"):
        await in_store_thread(_request(app), sum, [1])


async def test_an_error_in_store_work_reaches_the_route(settings: Settings):
    app = create_app(settings)

    def fails() -> None:
        raise ValueError("the store said no")

    async with app.router.lifespan_context(app):
        with pytest.raises(ValueError, match="the store said no"):
            await in_store_thread(_request(app), fails)


async def test_a_brief_read_runs_at_once_on_sqlite_and_on_the_store_threads_elsewhere(
    settings: Settings,
):
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        reader = await read_briefly(_request(app), threading.current_thread)
        assert await read_briefly(_request(app), sum, [1, 2], start=3) == 6

    if settings.database_url.startswith("sqlite"):
        # A SQLite reader never waits for a writer: handing the read to a thread costs more.
        assert reader is threading.current_thread()
    else:
        assert reader.name.startswith("backstride-store")
