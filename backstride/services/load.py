"""Training load from the runner's stored activities: the weekly table, the flags, ACWR.

The numbers come from `coach.training_load`; this module reads the activities, adds the texts
a runner reads (quoting their own weeks and runs) and the sources, and builds the load
contract of DESIGN.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backstride.coach.training_load import (
    DEFAULT_WEEKS,
    LoadFlag,
    LoadReport,
    TrainingHistory,
    WeeklyIncreaseFlag,
    load_report,
    training_history,
)
from backstride.errors import InputInvalid
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.services.record import Record
from backstride.store import repo

MAX_WEEKS = 520
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
"""Dates outside these years are typing mistakes, and would overflow the calendar arithmetic."""


def runner_zone(record: Record) -> dt.tzinfo:
    """The runner's time zone (UTC when the stored name is unknown to this system)."""
    return zone_named(record.runner.time_zone)


def zone_named(name: str) -> dt.tzinfo:
    """The time zone of that IANA name, or UTC when this system does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def runner_load(record: Record, *, weeks: int = DEFAULT_WEEKS, until: dt.date) -> LoadReport:
    """The load report over the runner's whole stored history, as of `until`."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InputInvalid(f"--weeks {weeks}: choose a number of weeks from 1 to {MAX_WEEKS}")
    if not EARLIEST_YEAR <= until.year <= LATEST_YEAR:
        raise InputInvalid(
            f"--until {until.isoformat()}: choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}"
        )
    with record.session() as session:
        stored = repo.list_activities(session=session, runner_id=record.runner.id)
    return load_report(
        (s.activity for s in stored), tz=runner_zone(record), until=until, weeks=weeks
    )


def runner_history(record: Record, *, today: dt.date, weeks: int = 4) -> TrainingHistory:
    """The intake's training fields measured from the runner's stored runs."""
    with record.session() as session:
        stored = repo.list_activities(session=session, runner_id=record.runner.id)
    return training_history(
        (s.activity for s in stored), tz=runner_zone(record), today=today, weeks=weeks
    )


def flag_text(flag: LoadFlag) -> str:
    """What a flag means for this runner, quoting their own numbers."""
    if isinstance(flag, WeeklyIncreaseFlag):
        return (
            f"{flag.distance_km:.1f} km in the week of {_day(flag.week_start)}, "
            f"{flag.increase_pct:.0f}% more than the {flag.base_distance_km:.1f} km of the week "
            f"of {_day(flag.base_week_start)} two weeks before. Rises of more than "
            f"{flag.limit_pct}% over two weeks went with more running injuries in new runners: "
            "build up more gradually."
        )
    return (
        f"A {flag.distance_km:.1f} km run on {_day(flag.date)}, {flag.increase_pct:.0f}% longer "
        f"than your longest run of the {flag.window_days} days before "
        f"({flag.previous_longest_km:.1f} km on {_day(flag.previous_longest_date)}). Single "
        f"runs more than {flag.limit_pct}% longer than that went with more injuries: lengthen "
        "your long run in small steps."
    )


def load_document(report: LoadReport, knowledge: KnowledgeBase | None = None) -> dict[str, Any]:
    """The load contract (DESIGN.md, "Load, JSON")."""
    kb = knowledge or load_knowledge()
    return {
        "until": report.until.isoformat(),
        "weeks": [
            {
                "week_start": w.week_start.isoformat(),
                "runs": w.runs,
                "distance_km": round(w.distance_km, 2),
                "duration_min": round(w.duration_min, 1),
                "descent_m": round(w.descent_m, 1),
                "longest_run_km": round(w.longest_run_km, 2),
            }
            for w in report.weeks
        ],
        "flags": [_flag_document(flag) for flag in report.flags],
        "acwr": {
            "method": report.acwr.method,
            "acute_days": report.acwr.acute_days,
            "chronic_days": report.acwr.chronic_days,
            "value": None if report.acwr.value is None else round(report.acwr.value, 2),
            "note": "Shown as context only, never as a risk score: the ratio has strong critics.",
            "sources": ["williams_2017", "lolli_2019", "impellizzeri_2020"],
        },
        "sources": [{"id": i, "citation": kb.source(i).citation} for i in _cited(report)],
    }


def _flag_document(flag: LoadFlag) -> dict[str, Any]:
    document: dict[str, Any] = {"id": flag.id}
    if isinstance(flag, WeeklyIncreaseFlag):
        document["week_start"] = flag.week_start.isoformat()
        document |= {
            "distance_km": round(flag.distance_km, 2),
            "base_week_start": flag.base_week_start.isoformat(),
            "base_distance_km": round(flag.base_distance_km, 2),
        }
    else:
        document["date"] = flag.date.isoformat()
        document |= {
            "distance_km": round(flag.distance_km, 2),
            "previous_longest_km": round(flag.previous_longest_km, 2),
            "previous_longest_date": flag.previous_longest_date.isoformat(),
        }
    document["increase_pct"] = round(flag.increase_pct, 1)
    document["text"] = flag_text(flag)
    document["sources"] = list(flag.sources)
    return document


def _cited(report: LoadReport) -> list[str]:
    cited = dict.fromkeys(s for flag in report.flags for s in flag.sources)
    cited.update(dict.fromkeys(("williams_2017", "lolli_2019", "impellizzeri_2020")))
    return list(cited)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
