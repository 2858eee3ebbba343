"""The moment every test runs at (tests/conftest.py sets Backstride's clock to it).

A Wednesday at noon in UTC, months after the dates the tests' records are built on, so that
nothing a test checks depends on the day it happens to run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
TODAY: date = NOW.date()
