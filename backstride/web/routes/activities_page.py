"""Activities (GET /activities): upload activity files or a whole export, with progress;
the list and the training-load flags."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
