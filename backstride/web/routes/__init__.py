"""The JSON API under /api/v1: one router per resource, the contracts of DESIGN.md."""

from __future__ import annotations

from fastapi import APIRouter

from backstride.web.routes import (
    activities,
    assess,
    checkins,
    export,
    form,
    load,
    outcomes,
    resumable,
    return_to_run,
    uploads,
)

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    """Every API route, under `API_PREFIX`."""
    router = APIRouter(prefix=API_PREFIX)
    for module in (
        assess,
        checkins,
        return_to_run,
        outcomes,
        activities,
        load,
        uploads,
        resumable,
        form,
        export,
    ):
        router.include_router(module.router)
    return router
