"""The web app: `create_app(settings)` builds it; nothing is built at import.

```python
from backstride.settings import Settings
app = create_app(Settings(database_url="sqlite:////tmp/backstride.db"))
```

`backstride serve` runs `app_from_environment` under uvicorn, one app per worker process.
The store is opened (and migrated) once per app when it starts, for the personal runner, and
closed when it stops. Besides the JSON API it serves the pages (`routes.pages`) and their
stylesheet (`/static`); `routes.today` serves Today and its check-in form. Personal mode only
for now: one runner, no login, so it is meant to be served on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from backstride.errors import BackstrideError
from backstride.knowledge import load_knowledge
from backstride.services.record import open_record
from backstride.settings import Settings, resolve_database_url
from backstride.web.errors import install_error_handlers
from backstride.web.middleware import (
    BodyLimit,
    CatchUnexpected,
    RefuseCrossSite,
    SecurityHeaders,
)
from backstride.web.routes import (
    API_PREFIX,
    activities_page,
    api_router,
    learn,
    pages,
    plan_page,
    progress_page,
    today,
    your_data,
)
from backstride.web.templating import STATIC_DIR, STATIC_PATH

__all__ = ["MAX_JSON_BYTES", "MAX_UPLOAD_BYTES", "app_from_environment", "create_app"]

#: The largest upload: one activity file. A 24-hour GPX recording is about 40 MB.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
#: The largest JSON request: an intake or a check-in is a few kilobytes.
MAX_JSON_BYTES = 1024 * 1024

UPLOAD_PATH = f"{API_PREFIX}/activities"

DESCRIPTION = (
    "Backstride's JSON API: the same contracts as the command line (DESIGN.md). Every error "
    'answers `{"ok": false, "status": ..., "error": "one line", "errors": [...]}`.'
)


def create_app(settings: Settings, *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """The web app for `settings`; BackstrideError when they ask for what it cannot serve."""
    if settings.mode == "team":
        raise BackstrideError(
            "team mode is not available yet: the web app serves one runner (personal mode) for "
            "now; unset BACKSTRIDE_MODE or set it to personal"
        )
    app = FastAPI(
        title="Backstride",
        version=_version(),
        description=DESCRIPTION,
        lifespan=_lifespan(settings),
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The interactive docs load scripts from a CDN, which the CSP (rightly) refuses.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(api_router())
    app.include_router(pages.router)
    for page in (today, plan_page, progress_page, activities_page, learn, your_data):
        app.include_router(page.router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
    # The last added runs first: headers go on every answer, even a refused or failed one.
    app.add_middleware(BodyLimit, limit_for=_body_limit(max_upload_bytes))
    app.add_middleware(RefuseCrossSite)
    app.add_middleware(CatchUnexpected)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_environment() -> FastAPI:
    """The app configured by BACKSTRIDE_* variables (the factory `backstride serve` runs)."""
    return create_app(Settings())


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = resolve_database_url(None, settings=settings)
        with open_record(url) as record:
            app.state.record = record
            app.state.knowledge = load_knowledge()
            try:
                yield
            finally:
                del app.state.record

    return lifespan


def _body_limit(max_upload_bytes: int) -> Callable[[Scope], tuple[int, str]]:
    upload = (
        max_upload_bytes,
        f"file: the upload is over the limit of {_size(max_upload_bytes)}; upload one activity "
        "file at a time (gzip a large GPX or TCX file first)",
    )
    json = (MAX_JSON_BYTES, f"body: the request is over the limit of {_size(MAX_JSON_BYTES)}")

    def limit_for(scope: Scope) -> tuple[int, str]:
        is_upload = scope.get("method") == "POST" and scope.get("path") == UPLOAD_PATH
        return upload if is_upload else json

    return limit_for


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB" if size >= 1024 else f"{size} bytes"


def _version() -> str:
    try:
        return version("backstride")
    except PackageNotFoundError:
        return "0+unknown"
