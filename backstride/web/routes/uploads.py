"""/api/v1/uploads: large uploads handed to the upload queue, and their progress by job id."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["uploads"])
