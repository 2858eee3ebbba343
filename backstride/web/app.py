"""The web app: `create_app(settings)` builds it; nothing is built at import.

```python
from backstride.settings import Settings
app = create_app(Settings(database_url="sqlite:////tmp/backstride.db"))
```

`backstride serve` runs `app_from_environment` under uvicorn, one app per worker process.
The store is opened (and migrated) once per app when it starts and closed when it stops.
Besides the JSON API it serves the pages (`routes.pages`) and their stylesheet (`/static`);
`routes.today` serves Today and its check-in form.

Two modes (`settings.mode`):

- personal: one runner, no login, meant to be served on 127.0.0.1; the record is opened once.
- team: accounts for runners and clinicians (`routes.account`, `routes.athletes`), every route
  behind sign-in, access rules and CSRF checks (`web.auth`); each request gets the signed-in
  runner's record from the one store. It refuses to start without a secret key.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from backstride.clock import utc_now
from backstride.knowledge import load_knowledge
from backstride.services.accounts import check_team_settings, open_team_store
from backstride.services.form_jobs import MAX_CLIP_BYTES, FormAnalyses
from backstride.services.record import open_record
from backstride.services.resumable_uploads import MAX_EXPORT_BYTES, over_limit_message
from backstride.settings import Settings, resolve_database_url
from backstride.web.auth import TeamConfig, install_team_mode
from backstride.web.errors import install_error_handlers
from backstride.web.middleware import (
    BodyLimit,
    CatchUnexpected,
    RefuseCrossSite,
    SecurityHeaders,
)
from backstride.web.routes import (
    API_PREFIX,
    account,
    activities_page,
    api_router,
    athletes,
    form_page,
    learn,
    outcomes_page,
    pages,
    plan_page,
    progress_page,
    today,
    your_data,
)
from backstride.web.routes.form import FORM_PATH
from backstride.web.routes.resumable import RESUMABLE_PATH
from backstride.web.routes.uploads import MAX_FILES_PER_REQUEST
from backstride.web.saving import AssessmentSaver
from backstride.web.store_threads import store_threads
from backstride.web.templating import STATIC_DIR, STATIC_PATH

__all__ = [
    "MAX_EXPORT_BYTES",
    "MAX_JSON_BYTES",
    "MAX_UPLOAD_BYTES",
    "app_from_environment",
    "create_app",
]

#: The largest file sent in one request: an activity file. A 24-hour GPX recording is about
#: 40 MB. Larger files, a whole export up to MAX_EXPORT_BYTES, come as resumable uploads.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
#: The largest JSON request: an intake or a check-in is a few kilobytes.
MAX_JSON_BYTES = 1024 * 1024

UPLOAD_PATH = f"{API_PREFIX}/activities"
#: Where the parts of resumable uploads go (PATCH), each at most an export's size.
RESUMABLE_PREFIX = f"{API_PREFIX}{RESUMABLE_PATH}/"
#: Where several files (or one large export) come at once; each file still meets the upload
#: limit, which their routes check.
SEVERAL_FILES_PATHS = frozenset(
    {f"{API_PREFIX}/uploads", activities_page.UPLOAD_PAGE_PATH, your_data.RESTORE_PATH}
)
#: Where clips for form analysis come, each at most `max_clip_bytes`.
CLIP_PATHS = frozenset({f"{API_PREFIX}{FORM_PATH}", form_page.FORM_UPLOAD_PATH})
#: The most files one request may carry (as POST /api/v1/uploads takes).
MAX_FILES_PER_UPLOAD = MAX_FILES_PER_REQUEST

DESCRIPTION = (
    "Backstride's JSON API: the same contracts as the command line (DESIGN.md). Every error "
    'answers `{"ok": false, "status": ..., "error": "one line", "errors": [...]}`.'
)


def create_app(
    settings: Settings,
    *,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    max_export_bytes: int = MAX_EXPORT_BYTES,
    max_clip_bytes: int = MAX_CLIP_BYTES,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The web app for `settings`; BackstrideError when they ask for what it cannot serve.

    `max_upload_bytes` is the most a file sent in one request may have, `max_export_bytes`
    the most a resumable upload may have, `max_clip_bytes` the most a clip for form analysis
    may have. `clock` gives the time sessions and sign-in limits
    are judged by (tests pass their own).
    """
    team = settings.mode == "team"
    if team:
        check_team_settings(settings)
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
    app.state.settings = settings
    app.state.max_upload_bytes = max_upload_bytes
    app.state.max_export_bytes = max_export_bytes
    app.state.max_clip_bytes = max_clip_bytes
    install_error_handlers(app)
    if team:
        secret = (settings.secret_key or "").encode()
        config = TeamConfig(
            secret_key=secret, secure_cookies=settings.secure_cookies, clock=clock or utc_now
        )
        # Before any route is added: each route takes the app's dependencies when added.
        install_team_mode(app, config)
    app.include_router(api_router())
    app.include_router(pages.router)
    for page in (
        today,
        plan_page,
        progress_page,
        outcomes_page,
        activities_page,
        form_page,
        learn,
        your_data,
    ):
        app.include_router(page.router)
    if team:
        app.include_router(account.router)
        app.include_router(athletes.router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
    # The last added runs first: headers go on every answer, even a refused or failed one.
    app.add_middleware(
        BodyLimit, limit_for=_body_limit(max_upload_bytes, max_export_bytes, max_clip_bytes)
    )
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
        app.state.knowledge = load_knowledge()
        with ExitStack() as stack:
            if settings.mode == "team":
                store = app.state.store = stack.enter_context(open_team_store(settings))
            else:
                url = resolve_database_url(None, settings=settings)
                record = app.state.record = stack.enter_context(open_record(url))
                store = record.store
            # Shut down before the store closes: work in hand finishes first.
            threads = stack.enter_context(store_threads(store.engine.dialect.name))
            saver = AssessmentSaver(store, threads)
            app.state.store_threads, app.state.assessment_saver = threads, saver
            app.state.store_dialect = store.engine.dialect.name
            if settings.mode != "team":
                # Team mode's analyses run in the upload worker; here, on the app's own thread.
                analyses = app.state.form_analyses = FormAnalyses(app.state.knowledge)
                stack.callback(analyses.close)
            # Everything loaded at start (modules, the knowledge base, the store) lives as long
            # as the app. Frozen, the collector's full passes skip it: under load a request's
            # documents outlive the young generations and set off a full pass every two
            # hundred requests, and each of those walked every object loaded at start, about
            # 90 ms with the worker stopped (a fifth of its time, and the slowest answers).
            gc.freeze()
            try:
                yield
            finally:
                gc.unfreeze()
                await saver.close()
                for name in (
                    "store",
                    "record",
                    "store_threads",
                    "store_dialect",
                    "assessment_saver",
                    "form_analyses",
                ):
                    if hasattr(app.state, name):
                        delattr(app.state, name)

    return lifespan


def _body_limit(
    max_upload_bytes: int, max_export_bytes: int, max_clip_bytes: int
) -> Callable[[Scope], tuple[int, str]]:
    upload = (
        max_upload_bytes,
        f"file: the upload is over the limit of {_size(max_upload_bytes)}; upload one activity "
        "file at a time (gzip a large GPX or TCX file first), or a larger file as a resumable "
        f"upload ({API_PREFIX}{RESUMABLE_PATH})",
    )
    several = (
        max_upload_bytes * MAX_FILES_PER_UPLOAD,
        f"file: the upload is over the limit of {_size(max_upload_bytes * MAX_FILES_PER_UPLOAD)}"
        f" in all ({_size(max_upload_bytes)} a file); upload fewer files at a time, or a larger "
        f"file as a resumable upload ({API_PREFIX}{RESUMABLE_PATH})",
    )
    part = (
        max_export_bytes,
        over_limit_message("the upload", max_export_bytes + 1, max_export_bytes),
    )
    clip = (
        max_clip_bytes,
        f"clip: the video is over the limit of {_size(max_clip_bytes)}; film 10 to 30 seconds, "
        "or export the clip at 1080p, and upload that",
    )
    json = (MAX_JSON_BYTES, f"body: the request is over the limit of {_size(MAX_JSON_BYTES)}")

    def limit_for(scope: Scope) -> tuple[int, str]:
        if scope.get("method") == "PATCH" and str(scope.get("path")).startswith(RESUMABLE_PREFIX):
            return part
        if scope.get("method") != "POST":
            return json
        path = scope.get("path")
        if path == UPLOAD_PATH:
            return upload
        if path in CLIP_PATHS:
            return clip
        return several if path in SEVERAL_FILES_PATHS else json

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
