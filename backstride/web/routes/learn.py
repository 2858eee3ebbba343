"""The knowledge browser (GET /learn): exercises, causes and the sources behind them."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
