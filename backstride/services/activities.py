"""The runner's activities as stored, and their JSON form (the import contract's entries)."""

from __future__ import annotations

from typing import Any

from backstride.services.record import Record
from backstride.store import StoredActivity, repo


def list_runner_activities(record: Record, *, sport: str | None = None) -> list[StoredActivity]:
    """Every activity of the runner, oldest first; one sport only when `sport` is given."""
    with record.session() as session:
        return repo.list_activities(
            session=session, runner_id=record.runner.id, sport=sport.lower() if sport else None
        )


def activity_document(stored: StoredActivity) -> dict[str, Any]:
    """One activity as in the import summary contract."""
    activity = stored.activity
    return {
        "id": stored.id,
        "file": activity.source_file,
        "sha256": activity.sha256,
        "sport": activity.sport,
        "sub_sport": activity.sub_sport,
        "start": activity.start.isoformat().replace("+00:00", "Z"),
        "distance_m": _rounded(activity.distance_m),
        "elapsed_s": _rounded(activity.elapsed_s),
        "timer_s": _rounded(activity.timer_s),
        "ascent_m": _rounded(activity.ascent_m),
        "descent_m": _rounded(activity.descent_m),
        "device": activity.device,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
