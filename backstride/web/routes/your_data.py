"""Your data (GET /data): the report download, export of everything, and delete of everything."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
