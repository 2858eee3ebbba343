"""Training load: weekly running totals, the two load flags, and EWMA ACWR as context.

Pure: the activities, the runner's time zone and the day the answer is "as of" (`until`, or
`today`) all come in as arguments; nothing here reads a clock, a file or a database.

Definitions (the load contract in DESIGN.md, made exact):

- A *run* is an activity whose `sport` is `"running"`, whatever its sub-sport (street, trail,
  track, treadmill). Every number below is about runs only; other sports are ignored.
- A run belongs to the *local date* of its start in the runner's time zone, and to the ISO week
  (Monday to Sunday) holding that date. Weeks are named by their Monday (`week_start`).
- Everything is *as of* `until`: runs on local dates after `until` are left out, so the week of
  `until` holds that week so far. Flags and ACWR use the whole history up to `until`.
- Missing numbers (None, NaN, infinite): an unknown distance or descent counts as 0 (the run
  still counts as a run); duration is timer (moving) time, else elapsed time, else 0.
- `weekly_increase_over_30pct` (Nielsen et al. 2014): the week W starting on Monday M fires when
  its running distance is more than 30% above that of week W-2, the week starting on M - 14 days,
  and W-2 had running distance above 0. Week W-1 plays no part. Compared exactly on the stored
  numbers: 26 km after 20 km (exactly 30%) does not fire, 26.02 km (30.1%) does.
- `single_run_spike` (Frandsen et al. 2025): a run fires when its distance is more than 10% above
  the longest run that started in the 30 days before it: in `[start - 30 days, start)`, measured
  in absolute time (720 hours), so an earlier run the same day counts, a run exactly 30 days
  earlier counts, and a run with the same start does not. That longest run must be above 0 km.
- ACWR (Williams et al. 2017): exponentially weighted moving averages of daily running distance
  in km, `ewma_today = lam * km_today + (1 - lam) * ewma_yesterday` with `lam = 2 / (N + 1)`,
  N = 7 (acute) and 28 (chronic). Both start at 0 on the day before the first run and run every
  day (rest days load 0) through `until`. The value is acute / chronic on `until`, None when
  the chronic average is 0 (no running distance yet). It is context, never a risk score: its
  critics (Lolli et al. 2019, Impellizzeri et al. 2020/2021) show the ratio adds little beyond
  the acute load itself.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from backstride.domain import Activity

RUNNING = "running"
#: The number of weeks a load report shows when the caller does not say.
DEFAULT_WEEKS = 12
WEEKLY_INCREASE_LIMIT_PCT = 30
SINGLE_RUN_LIMIT_PCT = 10
SPIKE_WINDOW_DAYS = 30
ACUTE_DAYS = 7
CHRONIC_DAYS = 28
#: A run is "downhill" (hilly) when it descends at least this many metres per km run.
DOWNHILL_M_PER_KM = 15.0

DownhillFrequency = Literal["never", "rarely", "sometimes", "often", "always"]


@dataclass(frozen=True, slots=True)
class WeekTotals:
    """One ISO week of running, in the runner's time zone; a week without running is all zeros."""

    week_start: dt.date
    runs: int
    distance_km: float
    duration_min: float
    descent_m: float
    longest_run_km: float


@dataclass(frozen=True, slots=True)
class WeeklyIncreaseFlag:
    """A week whose running distance is more than 30% above the week two weeks before it.

    Example text: "33.0 km in the week of 2 March, 50% more than the 22.0 km two weeks before".
    """

    week_start: dt.date
    distance_km: float
    base_week_start: dt.date
    base_distance_km: float
    increase_pct: float
    id: Literal["weekly_increase_over_30pct"] = field(
        default="weekly_increase_over_30pct", init=False
    )
    sources: tuple[str, ...] = field(default=("nielsen_2014",), init=False)
    limit_pct: int = field(default=WEEKLY_INCREASE_LIMIT_PCT, init=False)


@dataclass(frozen=True, slots=True)
class SingleRunSpikeFlag:
    """A run more than 10% longer than the longest run of the 30 days before it.

    Example text: "14.0 km on 7 March, 40% longer than your longest run of the 30 days before
    (10.0 km on 1 March)". `date` is the run's local date, `start` its start time in UTC.
    """

    date: dt.date
    start: dt.datetime
    distance_km: float
    previous_longest_km: float
    previous_longest_date: dt.date
    increase_pct: float
    id: Literal["single_run_spike"] = field(default="single_run_spike", init=False)
    sources: tuple[str, ...] = field(default=("frandsen_2025",), init=False)
    limit_pct: int = field(default=SINGLE_RUN_LIMIT_PCT, init=False)
    window_days: int = field(default=SPIKE_WINDOW_DAYS, init=False)


LoadFlag = WeeklyIncreaseFlag | SingleRunSpikeFlag


@dataclass(frozen=True, slots=True)
class Acwr:
    """EWMA acute:chronic workload ratio on `on`, as context only (never a risk score).

    `acute_km` and `chronic_km` are the two averages of daily running distance; `value` is their
    ratio, None when there is no chronic load.
    """

    on: dt.date
    value: float | None
    acute_km: float
    chronic_km: float
    method: Literal["ewma"] = field(default="ewma", init=False)
    acute_days: int = field(default=ACUTE_DAYS, init=False)
    chronic_days: int = field(default=CHRONIC_DAYS, init=False)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """The load contract's content: N weeks ending with the week of `until`, flags, ACWR."""

    until: dt.date
    weeks: tuple[WeekTotals, ...]
    flags: tuple[LoadFlag, ...]
    acwr: Acwr


@dataclass(frozen=True, slots=True)
class TrainingHistory:
    """The intake's training fields, measured from stored runs over the last complete weeks.

    `weekly_distance_km` is oldest first (the intake's order). `runs_per_week` is an average:
    round it for the intake. `downhill_share` is the share of runs with known distance and
    descent that descend at least `DOWNHILL_M_PER_KM`; None (and `downhill` None) when no run
    has both numbers.
    """

    first_week_start: dt.date
    weekly_distance_km: tuple[float, ...]
    runs_per_week: float
    downhill_share: float | None
    downhill: DownhillFrequency | None


@dataclass(frozen=True, slots=True)
class _Run:
    start: dt.datetime  # UTC
    day: dt.date  # local date in the runner's time zone
    distance_m: float
    duration_s: float
    descent_m: float | None


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def weekly_totals(
    activities: Iterable[Activity], *, tz: dt.tzinfo, since: dt.date, until: dt.date
) -> tuple[WeekTotals, ...]:
    """Running totals for every ISO week from the week of `since` to the week of `until`."""
    if since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    runs = _runs(activities, tz=tz, until=until)
    return _weeks(runs, first=week_start(since), last=week_start(until))


def load_flags(
    activities: Iterable[Activity], *, tz: dt.tzinfo, until: dt.date
) -> tuple[LoadFlag, ...]:
    """Every flag over the whole history up to `until`, oldest first."""
    return _flags(_runs(activities, tz=tz, until=until))


def ewma_acwr(activities: Iterable[Activity], *, tz: dt.tzinfo, until: dt.date) -> Acwr:
    """The EWMA acute:chronic ratio of daily running distance on `until`."""
    return _acwr(_runs(activities, tz=tz, until=until), until)


def load_report(
    activities: Iterable[Activity],
    *,
    tz: dt.tzinfo,
    until: dt.date,
    weeks: int = DEFAULT_WEEKS,
) -> LoadReport:
    """The `weeks` weeks ending with the week of `until`, the flags in them, and ACWR on `until`.

    Flags are computed over the whole history, so a week's base may lie before the first week
    shown; only flags on or after the first week's Monday are listed.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    runs = _runs(activities, tz=tz, until=until)
    last = week_start(until)
    first = last - dt.timedelta(weeks=weeks - 1)
    flags = tuple(flag for flag in _flags(runs) if _flag_date(flag) >= first)
    return LoadReport(
        until=until,
        weeks=_weeks(runs, first=first, last=last),
        flags=flags,
        acwr=_acwr(runs, until),
    )


def training_history(
    activities: Iterable[Activity], *, tz: dt.tzinfo, today: dt.date, weeks: int = 4
) -> TrainingHistory:
    """Running distance, runs per week and downhill running over the last `weeks` complete weeks.

    Complete weeks are the ISO weeks before the week of `today` (which is still running).
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    last = week_start(today) - dt.timedelta(weeks=1)
    first = last - dt.timedelta(weeks=weeks - 1)
    runs = _runs(activities, tz=tz, until=last + dt.timedelta(days=6))
    in_range = [run for run in runs if run.day >= first]
    share = _downhill_share(in_range)
    return TrainingHistory(
        first_week_start=first,
        weekly_distance_km=tuple(w.distance_km for w in _weeks(runs, first=first, last=last)),
        runs_per_week=len(in_range) / weeks,
        downhill_share=share,
        downhill=None if share is None else downhill_frequency(share),
    )


def downhill_frequency(share: float) -> DownhillFrequency:
    """The intake's downhill answer for a share of downhill runs.

    0 is never; under 25% rarely; under 50% sometimes; under 90% often; 90% or more always.
    """
    if share <= 0:
        return "never"
    if share < 0.25:
        return "rarely"
    if share < 0.5:
        return "sometimes"
    if share < 0.9:
        return "often"
    return "always"


def _runs(activities: Iterable[Activity], *, tz: dt.tzinfo, until: dt.date) -> list[_Run]:
    """The runs on or before `until` (local date), sorted by start time."""
    runs = [_as_run(a, tz) for a in activities if a.sport == RUNNING]
    kept = [run for run in runs if run.day <= until]
    kept.sort(key=lambda run: run.start)
    return kept


def _as_run(activity: Activity, tz: dt.tzinfo) -> _Run:
    if activity.start.utcoffset() is None:
        raise ValueError(
            f"{activity.source_file}: start time {activity.start.isoformat()} has no time zone;"
            " activity start times must be timezone-aware (UTC)"
        )
    duration = _known(activity.timer_s)
    return _Run(
        start=activity.start.astimezone(dt.UTC),
        day=activity.start.astimezone(tz).date(),
        distance_m=_known(activity.distance_m) or 0.0,
        duration_s=(duration if duration is not None else _known(activity.elapsed_s)) or 0.0,
        descent_m=_known(activity.descent_m),
    )


def _known(value: float | None) -> float | None:
    """A number the device knew: None for missing, NaN or infinite values."""
    return value if value is not None and math.isfinite(value) else None


def _weeks(runs: Sequence[_Run], *, first: dt.date, last: dt.date) -> tuple[WeekTotals, ...]:
    by_week: dict[dt.date, list[_Run]] = defaultdict(list)
    for run in runs:
        by_week[week_start(run.day)].append(run)
    mondays = [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    return tuple(_week_totals(monday, by_week.get(monday, [])) for monday in mondays)


def _week_totals(monday: dt.date, runs: Sequence[_Run]) -> WeekTotals:
    return WeekTotals(
        week_start=monday,
        runs=len(runs),
        distance_km=math.fsum(run.distance_m for run in runs) / 1000,
        duration_min=math.fsum(run.duration_s for run in runs) / 60,
        descent_m=math.fsum(run.descent_m or 0.0 for run in runs),
        longest_run_km=max((run.distance_m for run in runs), default=0.0) / 1000,
    )


def _flags(runs: Sequence[_Run]) -> tuple[LoadFlag, ...]:
    flags: list[LoadFlag] = [*_weekly_increases(runs), *_single_run_spikes(runs)]
    return tuple(sorted(flags, key=lambda flag: (_flag_date(flag), flag.id)))


def _flag_date(flag: LoadFlag) -> dt.date:
    return flag.week_start if isinstance(flag, WeeklyIncreaseFlag) else flag.date


def _weekly_increases(runs: Sequence[_Run]) -> list[WeeklyIncreaseFlag]:
    metres: dict[dt.date, list[float]] = defaultdict(list)
    for run in runs:
        metres[week_start(run.day)].append(run.distance_m)
    totals = {monday: math.fsum(distances) for monday, distances in metres.items()}
    flags = []
    for monday, distance in sorted(totals.items()):
        base_monday = monday - dt.timedelta(weeks=2)
        base = totals.get(base_monday, 0.0)
        if base > 0 and more_than(distance, base, WEEKLY_INCREASE_LIMIT_PCT):
            flags.append(
                WeeklyIncreaseFlag(
                    week_start=monday,
                    distance_km=distance / 1000,
                    base_week_start=base_monday,
                    base_distance_km=base / 1000,
                    increase_pct=_increase_pct(distance, base),
                )
            )
    return flags


def _single_run_spikes(runs: Sequence[_Run]) -> list[SingleRunSpikeFlag]:
    starts = [run.start for run in runs]
    window = dt.timedelta(days=SPIKE_WINDOW_DAYS)
    flags = []
    for run in runs:
        before = runs[bisect_left(starts, run.start - window) : bisect_left(starts, run.start)]
        # reversed: of equally long runs, quote the most recent one.
        longest = max(reversed(before), key=lambda r: r.distance_m, default=None)
        if longest is None or longest.distance_m <= 0:
            continue
        if more_than(run.distance_m, longest.distance_m, SINGLE_RUN_LIMIT_PCT):
            flags.append(
                SingleRunSpikeFlag(
                    date=run.day,
                    start=run.start,
                    distance_km=run.distance_m / 1000,
                    previous_longest_km=longest.distance_m / 1000,
                    previous_longest_date=longest.day,
                    increase_pct=_increase_pct(run.distance_m, longest.distance_m),
                )
            )
    return flags


def more_than(value: float, base: float, percent: float) -> bool:
    """Whether `value` is more than `percent`% above `base`, exactly (no rounding error)."""
    return Fraction(value) * 100 > Fraction(base) * (100 + percent)


def _increase_pct(value: float, base: float) -> float:
    return (value / base - 1) * 100


def _acwr(runs: Sequence[_Run], until: dt.date) -> Acwr:
    daily: dict[dt.date, list[float]] = defaultdict(list)
    for run in runs:
        daily[run.day].append(run.distance_m / 1000)
    acute_lambda = 2 / (ACUTE_DAYS + 1)
    chronic_lambda = 2 / (CHRONIC_DAYS + 1)
    acute = chronic = 0.0
    day = min(daily, default=until + dt.timedelta(days=1))
    while day <= until:
        km = math.fsum(daily.get(day, ()))
        acute = acute_lambda * km + (1 - acute_lambda) * acute
        chronic = chronic_lambda * km + (1 - chronic_lambda) * chronic
        day += dt.timedelta(days=1)
    value = acute / chronic if chronic > 0 else None
    return Acwr(on=until, value=value, acute_km=acute, chronic_km=chronic)


def _downhill_share(runs: Sequence[_Run]) -> float | None:
    measured = [run for run in runs if run.descent_m is not None and run.distance_m > 0]
    if not measured:
        return None
    downhill = [run for run in measured if _is_downhill(run)]
    return len(downhill) / len(measured)


def _is_downhill(run: _Run) -> bool:
    descent = run.descent_m or 0.0
    return descent * 1000 >= DOWNHILL_M_PER_KM * run.distance_m
