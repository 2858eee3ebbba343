"""The runner's profile: a name for reports, and the time zone their days and weeks are in."""

from __future__ import annotations

import dataclasses
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from backstride.errors import InputInvalid
from backstride.services.plan import run_days_text
from backstride.services.record import Record
from backstride.store import Runner, repo

MAX_NAME = 80


def update_profile(
    record: Record, *, name: str | None = None, time_zone: str | None = None
) -> Runner:
    """Change the name and/or the time zone; what is not given stays as it is."""
    runner = record.runner
    if name is not None:
        runner = dataclasses.replace(runner, name=_checked_name(name))
    if time_zone is not None:
        runner = dataclasses.replace(runner, time_zone=checked_time_zone(time_zone))
    with record.session() as session:
        return repo.update_runner(session=session, runner=runner)


def checked_time_zone(name: str) -> str:
    """An IANA time zone name such as "Europe/Paris", or InputInvalid saying what to give."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = sorted(z for z in available_timezones() if name.lower() in z.lower())[:3]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputInvalid(
            f"--time-zone {name!r}: not a time zone name; give one like Europe/Paris or "
            f"America/New_York{hint}"
        ) from None
    return name


def _checked_name(name: str) -> str | None:
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME:
        raise InputInvalid(f"--name: at most {MAX_NAME} characters, please")
    return cleaned or None


def profile_document(runner: Runner) -> dict[str, Any]:
    """The profile as JSON."""
    return {
        "name": runner.name,
        "time_zone": runner.time_zone,
        "run_days": run_days_text(runner.run_days) if runner.run_days is not None else None,
        "created_at": runner.created_at.isoformat(),
    }
