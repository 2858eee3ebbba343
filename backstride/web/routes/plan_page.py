"""The week's plan (GET /plan) and its calendar download (GET /plan.ics)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
