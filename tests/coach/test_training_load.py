"""Training load: weekly totals, the two flags at their exact edges, EWMA ACWR, intake history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstride.coach.training_load import (
    DEFAULT_WEEKS,
    SingleRunSpikeFlag,
    WeeklyIncreaseFlag,
    downhill_frequency,
    ewma_acwr,
    load_flags,
    load_report,
    training_history,
    week_start,
    weekly_totals,
)
from backstride.domain import Activity

UTC = dt.UTC
MON = dt.date(2026, 3, 2)  # a Monday


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:  # pragma: no cover - no tz database on this machine
        pytest.skip(f"time zone {name} not available")


def at(day: dt.date, hour: int = 7, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


def activity(
    start: dt.datetime,
    distance_m: float | None = 10_000.0,
    *,
    sport: str = "running",
    sub_sport: str | None = None,
    timer_s: float | None = 3000.0,
    elapsed_s: float | None = 3100.0,
    descent_m: float | None = None,
) -> Activity:
    return Activity(
        start=start,
        sport=sport,
        sub_sport=sub_sport,
        distance_m=distance_m,
        elapsed_s=elapsed_s,
        timer_s=timer_s,
        ascent_m=descent_m,
        descent_m=descent_m,
        device=None,
        source_file=f"{start.isoformat()}.fit",
        sha256=f"{start.isoformat()}-{distance_m}",
        file_format="fit",
    )


def weekly_flags(activities: list[Activity], until: dt.date) -> list[WeeklyIncreaseFlag]:
    return [
        f for f in load_flags(activities, tz=UTC, until=until) if isinstance(f, WeeklyIncreaseFlag)
    ]


def spikes(activities: list[Activity], until: dt.date) -> list[SingleRunSpikeFlag]:
    return [
        f for f in load_flags(activities, tz=UTC, until=until) if isinstance(f, SingleRunSpikeFlag)
    ]


def three_weeks(base_m: float, middle_m: float, last_m: float) -> list[Activity]:
    """One run a week: W-2 on MON - 14 days, W-1, and W on MON."""
    weeks = ((-14, base_m), (-7, middle_m), (0, last_m))
    return [activity(at(MON + dt.timedelta(days=d)), m) for d, m in weeks if m > 0]


# --- weeks -------------------------------------------------------------------------------------


def test_week_start_is_the_iso_monday() -> None:
    assert week_start(dt.date(2026, 3, 8)) == MON  # Sunday
    assert week_start(MON) == MON
    assert week_start(dt.date(2026, 3, 9)) == dt.date(2026, 3, 9)


def test_weeks_without_running_appear_as_zero() -> None:
    runs = [activity(at(MON - dt.timedelta(weeks=3)), 8000.0), activity(at(MON), 12000.0)]
    weeks = weekly_totals(runs, tz=UTC, since=MON - dt.timedelta(weeks=3), until=MON)
    assert [w.week_start for w in weeks] == [MON - dt.timedelta(weeks=n) for n in (3, 2, 1, 0)]
    assert [w.distance_km for w in weeks] == [8.0, 0.0, 0.0, 12.0]
    empty = weeks[1]
    assert (empty.runs, empty.duration_min, empty.descent_m, empty.longest_run_km) == (0, 0, 0, 0)


def test_week_totals_count_running_only() -> None:
    history = [
        activity(at(MON), 10_000.0, sub_sport="trail", timer_s=3600.0, descent_m=200.0),
        activity(at(MON, 18), 5_000.0, sub_sport="treadmill", timer_s=None, elapsed_s=1800.0),
        activity(at(MON + dt.timedelta(days=2)), 7_500.0, timer_s=None, elapsed_s=None),
        activity(at(MON + dt.timedelta(days=3)), 90_000.0, sport="cycling", descent_m=900.0),
        activity(at(MON + dt.timedelta(days=4)), 4_000.0, sport="walking"),
        activity(at(MON + dt.timedelta(days=5)), None, descent_m=None),
    ]
    (week,) = weekly_totals(history, tz=UTC, since=MON, until=MON + dt.timedelta(days=6))
    assert week.week_start == MON
    assert week.runs == 4
    assert week.distance_km == 22.5
    assert week.duration_min == 140.0  # timer 60 + elapsed 30 + nothing known + timer 50
    assert week.descent_m == 200.0
    assert week.longest_run_km == 10.0


def test_weeks_follow_the_runners_time_zone() -> None:
    berlin = zone("Europe/Berlin")
    sunday_night_utc = dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # Monday 00:30 in Berlin
    runs = [activity(sunday_night_utc, 10_000.0)]
    in_utc = weekly_totals(runs, tz=UTC, since=MON - dt.timedelta(weeks=1), until=MON)
    in_berlin = weekly_totals(runs, tz=berlin, since=MON - dt.timedelta(weeks=1), until=MON)
    assert [w.distance_km for w in in_utc] == [10.0, 0.0]
    assert [w.distance_km for w in in_berlin] == [0.0, 10.0]


def test_runs_after_until_are_left_out() -> None:
    runs = [activity(at(MON), 5_000.0), activity(at(MON + dt.timedelta(days=1)), 30_000.0)]
    report = load_report(runs, tz=UTC, until=MON, weeks=1)
    assert report.weeks[0].distance_km == 5.0
    assert report.flags == ()


def test_naive_start_times_are_refused() -> None:
    naive = activity(dt.datetime(2026, 3, 2, 7, 0), 5_000.0)
    with pytest.raises(ValueError, match="no time zone"):
        weekly_totals([naive], tz=UTC, since=MON, until=MON)


def test_bad_ranges_are_refused() -> None:
    with pytest.raises(ValueError, match="after until"):
        weekly_totals([], tz=UTC, since=MON, until=MON - dt.timedelta(days=1))
    with pytest.raises(ValueError, match="at least 1"):
        load_report([], tz=UTC, until=MON, weeks=0)
    with pytest.raises(ValueError, match="at least 1"):
        training_history([], tz=UTC, today=MON, weeks=0)


def test_non_finite_numbers_count_as_unknown() -> None:
    run = activity(at(MON), math.nan, timer_s=math.inf, elapsed_s=600.0, descent_m=math.nan)
    (week,) = weekly_totals([run], tz=UTC, since=MON, until=MON)
    assert (week.runs, week.distance_km, week.duration_min, week.descent_m) == (1, 0.0, 10.0, 0.0)


# --- weekly_increase_over_30pct ----------------------------------------------------------------


def test_exactly_30_percent_does_not_fire() -> None:
    assert weekly_flags(three_weeks(20_000.0, 0.0, 26_000.0), MON) == []


def test_30_point_1_percent_fires_and_quotes_the_numbers() -> None:
    (flag,) = weekly_flags(three_weeks(20_000.0, 0.0, 26_020.0), MON)
    assert flag.id == "weekly_increase_over_30pct"
    assert flag.sources == ("nielsen_2014",)
    assert flag.week_start == MON
    assert flag.base_week_start == MON - dt.timedelta(weeks=2)
    assert flag.distance_km == 26.02
    assert flag.base_distance_km == 20.0
    assert flag.increase_pct == pytest.approx(30.1)
    assert flag.limit_pct == 30


def test_quotable_example_from_the_design() -> None:
    (flag,) = weekly_flags(three_weeks(22_000.0, 25_000.0, 33_000.0), MON)
    assert (flag.distance_km, flag.base_distance_km) == (33.0, 22.0)
    assert flag.increase_pct == pytest.approx(50.0)


def test_decimal_distances_compare_exactly() -> None:
    assert weekly_flags(three_weeks(12_300.0, 0.0, 15_990.0), MON) == []  # 12.3 * 1.3
    assert len(weekly_flags(three_weeks(12_300.0, 0.0, 15_991.0), MON)) == 1


def test_zero_distance_base_week_never_fires() -> None:
    assert weekly_flags(three_weeks(0.0, 0.0, 50_000.0), MON) == []
    # A base week with a run of unknown distance is still zero distance.
    history = [activity(at(MON - dt.timedelta(weeks=2)), None), activity(at(MON), 50_000.0)]
    assert weekly_flags(history, MON) == []


def test_compares_with_two_weeks_before_not_last_week() -> None:
    # W-1 was low, but W is not more than 30% above W-2.
    assert weekly_flags(three_weeks(20_000.0, 5_000.0, 20_000.0), MON) == []
    # W-1 was high, W more than 30% above W-2 fires anyway.
    assert len(weekly_flags(three_weeks(20_000.0, 40_000.0, 27_000.0), MON)) == 1


def even_runs(base_runs: int, last_runs: int) -> list[Activity]:
    """10 km runs: `base_runs` in the week of MON - 14 days, `last_runs` in the week of MON."""
    base = [at(MON - dt.timedelta(weeks=2, days=-d)) for d in range(base_runs)]
    last = [at(MON + dt.timedelta(days=d)) for d in range(last_runs)]
    return [activity(start, 10_000.0) for start in base + last]


def test_weekly_base_before_the_report_range_still_counts() -> None:
    report = load_report(even_runs(2, 3), tz=UTC, until=MON + dt.timedelta(days=6), weeks=1)
    assert [w.week_start for w in report.weeks] == [MON]
    (flag,) = report.flags
    assert isinstance(flag, WeeklyIncreaseFlag)
    assert flag.base_week_start == MON - dt.timedelta(weeks=2)


def test_flags_before_the_report_range_are_not_listed() -> None:
    old = even_runs(2, 3)
    until = MON + dt.timedelta(weeks=4)
    assert len(load_flags(old, tz=UTC, until=until)) == 1
    assert load_report(old, tz=UTC, until=until, weeks=4).flags == ()
    assert len(load_report(old, tz=UTC, until=until, weeks=5).flags) == 1


def test_a_partial_week_already_over_the_limit_fires() -> None:
    history = three_weeks(20_000.0, 0.0, 0.0)
    history += [activity(at(MON), 14_000.0), activity(at(MON + dt.timedelta(days=1)), 14_000.0)]
    assert weekly_flags(history, MON) == []
    (flag,) = weekly_flags(history, MON + dt.timedelta(days=1))
    assert flag.distance_km == 28.0


# --- single_run_spike --------------------------------------------------------------------------


def test_exactly_10_percent_longer_does_not_fire() -> None:
    history = [activity(at(MON - dt.timedelta(days=5)), 10_000.0), activity(at(MON), 11_000.0)]
    assert spikes(history, MON) == []


def test_more_than_10_percent_longer_fires_and_quotes_the_numbers() -> None:
    earlier = MON - dt.timedelta(days=5)
    history = [
        activity(at(earlier - dt.timedelta(days=3)), 10_000.0),
        activity(at(earlier), 10_000.0),
        activity(at(MON - dt.timedelta(days=1)), 6_000.0),
        activity(at(MON), 11_001.0),
    ]
    (flag,) = spikes(history, MON)
    assert flag.id == "single_run_spike"
    assert flag.sources == ("frandsen_2025",)
    assert (flag.date, flag.start) == (MON, at(MON))
    assert flag.distance_km == 11.001
    assert flag.previous_longest_km == 10.0
    assert flag.previous_longest_date == earlier  # the most recent of the equally long runs
    assert flag.increase_pct == pytest.approx(10.01, abs=1e-9)
    assert (flag.limit_pct, flag.window_days) == (10, 30)


def test_a_run_exactly_30_days_earlier_is_in_the_window() -> None:
    start = at(MON, 7, 0, 0)
    history = [activity(start - dt.timedelta(days=30), 10_000.0), activity(start, 15_000.0)]
    assert len(spikes(history, MON)) == 1


def test_a_run_just_over_30_days_earlier_is_not() -> None:
    start = at(MON, 7, 0, 0)
    earlier = start - dt.timedelta(days=30, seconds=1)
    history = [activity(earlier, 10_000.0), activity(start, 15_000.0)]
    assert spikes(history, MON) == []


def test_no_previous_run_never_fires() -> None:
    assert spikes([activity(at(MON), 42_195.0)], MON) == []
    zero = [activity(at(MON - dt.timedelta(days=1)), None), activity(at(MON), 42_195.0)]
    assert spikes(zero, MON) == []


def test_an_earlier_run_the_same_day_counts_but_one_at_the_same_instant_does_not() -> None:
    double_day = [activity(at(MON, 6), 8_000.0), activity(at(MON, 18), 12_000.0)]
    assert [f.start for f in spikes(double_day, MON)] == [at(MON, 18)]
    same_start = [activity(at(MON), 8_000.0), activity(at(MON), 12_000.0)]
    assert spikes(same_start, MON) == []


def test_other_sports_are_no_base_and_no_spike() -> None:
    history = [
        activity(at(MON - dt.timedelta(days=3)), 10_000.0),
        activity(at(MON - dt.timedelta(days=2)), 100_000.0, sport="cycling"),
        activity(at(MON), 40_000.0, sport="hiking"),
    ]
    assert load_flags(history, tz=UTC, until=MON) == ()


def test_flags_are_sorted_by_date() -> None:
    history = [
        activity(at(MON + dt.timedelta(days=2)), 20_000.0),  # spike, and week of MON 33% up
        activity(at(MON - dt.timedelta(days=7)), 12_000.0),  # spike
        activity(at(MON - dt.timedelta(days=14)), 10_000.0),
        activity(at(MON - dt.timedelta(days=10)), 5_000.0),
    ]
    flags = load_flags(history, tz=UTC, until=MON + dt.timedelta(days=6))
    dates = [f.week_start if isinstance(f, WeeklyIncreaseFlag) else f.date for f in flags]
    assert dates == [MON - dt.timedelta(days=7), MON, MON + dt.timedelta(days=2)]
    assert [f.id for f in flags] == [
        "single_run_spike",
        "weekly_increase_over_30pct",
        "single_run_spike",
    ]


# --- ACWR --------------------------------------------------------------------------------------


def test_acwr_without_running_has_no_value() -> None:
    acwr = ewma_acwr([activity(at(MON), 50_000.0, sport="cycling")], tz=UTC, until=MON)
    assert acwr.value is None
    assert (acwr.method, acwr.acute_days, acwr.chronic_days, acwr.on) == ("ewma", 7, 28, MON)


def test_acwr_by_hand() -> None:
    # Day 1: 10 km. Day 2: rest (the until day).
    history = [activity(at(MON), 10_000.0)]
    acwr = ewma_acwr(history, tz=UTC, until=MON + dt.timedelta(days=1))
    acute = 0.75 * (0.25 * 10)
    chronic = (27 / 29) * (2 / 29 * 10)
    assert acwr.acute_km == pytest.approx(acute)
    assert acwr.chronic_km == pytest.approx(chronic)
    assert acwr.value == pytest.approx(acute / chronic)


def test_acwr_settles_at_one_for_a_steady_load() -> None:
    history = [activity(at(MON + dt.timedelta(days=d)), 8_000.0) for d in range(365)]
    acwr = ewma_acwr(history, tz=UTC, until=MON + dt.timedelta(days=364))
    assert acwr.value == pytest.approx(1.0, abs=1e-6)
    assert acwr.chronic_km == pytest.approx(8.0, abs=1e-6)


def test_report_gathers_weeks_flags_and_acwr() -> None:
    history = three_weeks(20_000.0, 22_000.0, 30_000.0)
    report = load_report(history, tz=UTC, until=MON + dt.timedelta(days=6))
    assert len(report.weeks) == DEFAULT_WEEKS
    assert report.weeks[-1].week_start == MON
    assert [f.id for f in report.flags] == ["single_run_spike", "weekly_increase_over_30pct"]
    assert report.acwr == ewma_acwr(history, tz=UTC, until=MON + dt.timedelta(days=6))
    assert report.until == MON + dt.timedelta(days=6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.weeks[0].runs = 3  # type: ignore[misc]


# --- training history for the intake -----------------------------------------------------------


def test_training_history_uses_complete_weeks_oldest_first() -> None:
    today = MON + dt.timedelta(days=2)  # Wednesday: the week of MON is not complete
    history = [
        activity(at(MON - dt.timedelta(weeks=5)), 99_000.0),  # before the four weeks
        activity(at(MON - dt.timedelta(weeks=4)), 10_000.0),
        activity(at(MON - dt.timedelta(weeks=4, days=-1)), 10_000.0),
        activity(at(MON - dt.timedelta(weeks=2)), 12_000.0),
        activity(at(MON - dt.timedelta(days=1)), 14_000.0),
        activity(at(MON), 50_000.0),  # this week: left out
        activity(at(MON - dt.timedelta(days=3)), 30_000.0, sport="cycling"),
    ]
    result = training_history(history, tz=UTC, today=today)
    assert result.first_week_start == MON - dt.timedelta(weeks=4)
    assert result.weekly_distance_km == (20.0, 0.0, 12.0, 14.0)
    assert result.runs_per_week == 1.0
    assert result.downhill_share is None
    assert result.downhill is None


def test_downhill_share_counts_runs_descending_15_m_per_km() -> None:
    day = MON - dt.timedelta(weeks=1)
    history = [
        activity(at(day), 10_000.0, descent_m=150.0),  # exactly 15 m/km: downhill
        activity(at(day + dt.timedelta(days=1)), 10_000.0, descent_m=149.0),
        activity(at(day + dt.timedelta(days=2)), 10_000.0, descent_m=None),  # not measured
        activity(at(day + dt.timedelta(days=3)), None, descent_m=50.0),  # not measured
    ]
    result = training_history(history, tz=UTC, today=MON, weeks=1)
    assert result.downhill_share == 0.5
    assert result.downhill == "often"
    assert result.runs_per_week == 4.0


@pytest.mark.parametrize(
    ("share", "answer"),
    [
        (0.0, "never"),
        (0.01, "rarely"),
        (0.25, "sometimes"),
        (0.49, "sometimes"),
        (0.5, "often"),
        (0.89, "often"),
        (0.9, "always"),
        (1.0, "always"),
    ],
)
def test_downhill_frequency_edges(share: float, answer: str) -> None:
    assert downhill_frequency(share) == answer


# --- properties --------------------------------------------------------------------------------

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kolkata")
EPOCH = dt.datetime(2025, 10, 1, tzinfo=UTC)

activities_st = st.builds(
    activity,
    start=st.integers(0, 120 * 24 * 3600).map(lambda s: EPOCH + dt.timedelta(seconds=s)),
    distance_m=st.none() | st.floats(0, 60_000, allow_nan=False),
    sport=st.sampled_from(["running", "running", "cycling", "walking"]),
    timer_s=st.none() | st.floats(0, 20_000, allow_nan=False),
    elapsed_s=st.none() | st.floats(0, 20_000, allow_nan=False),
    descent_m=st.none() | st.floats(0, 3_000, allow_nan=False),
)
histories = st.lists(activities_st, max_size=40)
zones = st.sampled_from(ZONES).map(zone)
untils = st.integers(0, 130).map(lambda d: EPOCH.date() + dt.timedelta(days=d))


@given(histories, zones, untils, st.integers(1, 20))
def test_weekly_distance_sums_the_runs_in_range(
    history: list[Activity], tz: ZoneInfo, until: dt.date, weeks: int
) -> None:
    report = load_report(history, tz=tz, until=until, weeks=weeks)
    first = report.weeks[0].week_start
    assert [w.week_start for w in report.weeks] == [
        first + dt.timedelta(weeks=i) for i in range(weeks)
    ]
    assert report.weeks[-1].week_start == week_start(until)
    in_range = [
        a
        for a in history
        if a.sport == "running" and first <= a.start.astimezone(tz).date() <= until
    ]
    expected = math.fsum((a.distance_m or 0.0) for a in in_range) / 1000
    assert math.fsum(w.distance_km for w in report.weeks) == pytest.approx(expected, abs=1e-9)
    assert sum(w.runs for w in report.weeks) == len(in_range)


@given(histories, activities_st, zones, untils)
def test_adding_an_activity_never_lowers_a_week(
    history: list[Activity], extra: Activity, tz: ZoneInfo, until: dt.date
) -> None:
    since = EPOCH.date()
    before = weekly_totals(history, tz=tz, since=since, until=until)
    after = weekly_totals([*history, extra], tz=tz, since=since, until=until)
    for old, new in zip(before, after, strict=True):
        assert new.week_start == old.week_start
        assert new.runs >= old.runs
        assert new.distance_km >= old.distance_km
        assert new.duration_min >= old.duration_min
        assert new.descent_m >= old.descent_m
        assert new.longest_run_km >= old.longest_run_km


@given(histories, zones, untils, st.sampled_from(["cycling", "swimming", "walking"]))
def test_other_sports_change_nothing(
    history: list[Activity], tz: ZoneInfo, until: dt.date, sport: str
) -> None:
    other = [dataclasses.replace(a, sport=sport) for a in history]
    runs_only = [a for a in history if a.sport == "running"]
    assert load_report([*runs_only, *other], tz=tz, until=until) == load_report(
        runs_only, tz=tz, until=until
    )


@given(
    distance_m=st.floats(0, 50_000, allow_nan=False),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    n_weeks=st.integers(1, 30),
    hour=st.integers(0, 23),
    tz=zones,
    until_offset=st.integers(0, 250),
)
def test_flat_histories_never_flag(
    distance_m: float,
    weekdays: set[int],
    n_weeks: int,
    hour: int,
    tz: ZoneInfo,
    until_offset: int,
) -> None:
    first = dt.date(2025, 9, 1)  # a Monday
    history = [
        activity(
            dt.datetime.combine(first + dt.timedelta(weeks=w, days=d), dt.time(hour), tz),
            distance_m,
        )
        for w in range(n_weeks)
        for d in sorted(weekdays)
    ]
    assert load_flags(history, tz=tz, until=first + dt.timedelta(days=until_offset)) == ()


@given(histories, zones, untils, st.floats(0.01, 100, allow_nan=False))
def test_acwr_does_not_depend_on_the_unit(
    history: list[Activity], tz: ZoneInfo, until: dt.date, scale: float
) -> None:
    scaled = [
        dataclasses.replace(a, distance_m=None if a.distance_m is None else a.distance_m * scale)
        for a in history
    ]
    plain = ewma_acwr(history, tz=tz, until=until)
    rescaled = ewma_acwr(scaled, tz=tz, until=until)
    if plain.value is None or plain.chronic_km < 1e-9:  # nothing, or lost in subnormal floats
        return
    assert rescaled.value == pytest.approx(plain.value, rel=1e-6)


@given(histories, zones, untils, st.integers(1, 8))
def test_longer_reports_list_more_flags_and_the_same_recent_weeks(
    history: list[Activity], tz: ZoneInfo, until: dt.date, weeks: int
) -> None:
    short = load_report(history, tz=tz, until=until, weeks=weeks)
    long = load_report(history, tz=tz, until=until, weeks=weeks + 4)
    assert long.weeks[-weeks:] == short.weeks
    assert set(short.flags) <= set(long.flags)
    assert set(long.flags) <= set(load_flags(history, tz=tz, until=until))
