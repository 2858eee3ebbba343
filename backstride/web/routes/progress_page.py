"""Progress (GET /progress): pain against weekly distance, and the return-to-run stage changes."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
