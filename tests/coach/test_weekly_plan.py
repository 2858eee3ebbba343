"""The week ahead: run sessions never on consecutive days, strength and cross-training every
week, daily mobility, warm-up and cool-down around each session, a dose on every item."""

from __future__ import annotations

import datetime as dt
from itertools import chain, combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstride.coach.weekly_plan import (
    RUN_SESSIONS_MAX,
    WeeklyPlan,
    choose_run_dates,
    plan_week,
)
from backstride.contracts.intake import Aggravator

MON = dt.date(2026, 3, 2)  # a Monday
ALL_DAY_SETS = [
    frozenset(days) for days in chain.from_iterable(combinations(range(7), n) for n in range(8))
]
AGGRAVATORS: tuple[str, ...] = Aggravator.__args__  # type: ignore[attr-defined]


def run_dates(plan: WeeklyPlan) -> list[dt.date]:
    return [day.date for day in plan.days if day.kind == "run"]


def assert_well_formed(plan: WeeklyPlan, knowledge, *, available, today, last_run_on=None):
    """Every rule of the week ahead, checked on one plan."""
    assert [d.date for d in plan.days] == [today + dt.timedelta(days=i) for i in range(7)]
    runs = run_dates(plan)
    assert all(b - a > dt.timedelta(days=1) for a, b in pairwise(runs))
    if last_run_on is not None:
        assert all((day - last_run_on).days > 1 for day in runs)
    assert {day.weekday() for day in runs} <= set(available)
    assert len(runs) <= RUN_SESSIONS_MAX
    kinds = [d.kind for d in plan.days]
    assert kinds.count("strength") >= 1
    assert kinds.count("cross_training") >= 1
    routines = {tuple(i.id for i in d.items if i.kind == "mobility") for d in plan.days}
    assert len(routines) == 1 and all(routines), "the same mobility routine every day"
    source_ids = {s.id for s in knowledge.sources}
    for day in plan.days:
        assert knowledge.find(day.id) is not None, day.id
        for item in day.items:
            assert item.dose.strip(), f"{item.id} has no dose"
            assert item.steps and all(step.strip() for step in item.steps), item.id
            assert knowledge.find(item.id) is not None, item.id
            assert item.sources and set(item.sources) <= source_ids, item.id
        if day.kind == "run":
            order = [i.kind for i in day.items]
            session = order.index("walk" if plan.stage == 1 else "run")
            assert "warm_up" in order[:session]
            assert "cool_down" in order[session + 1 :]
        else:
            assert not {"warm_up", "cool_down", "run"} & {i.kind for i in day.items}


@pytest.mark.parametrize("available", ALL_DAY_SETS, ids=lambda s: "".join(map(str, sorted(s))))
def test_every_combination_of_days_from_every_weekday(available, knowledge):
    for offset in range(7):
        today = MON + dt.timedelta(days=offset)
        plan = plan_week(knowledge, today=today, run_days=available, stage=3)
        assert_well_formed(plan, knowledge, available=available, today=today)
        if available:
            assert run_dates(plan), "at least one run session when a day is available"


@settings(max_examples=300, deadline=None)
@given(
    available=st.sets(st.integers(0, 6)),
    today=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    stage=st.integers(-2, 14),
    ran_days_ago=st.none() | st.integers(0, 3),
    aggravators=st.sets(st.sampled_from(AGGRAVATORS)),
)
def test_any_week_keeps_the_rules(knowledge, available, today, stage, ran_days_ago, aggravators):
    last_run = None if ran_days_ago is None else today - dt.timedelta(days=ran_days_ago)
    plan = plan_week(
        knowledge,
        today=today,
        run_days=available,
        stage=stage,
        last_run_on=last_run,
        aggravators=aggravators,
    )
    assert_well_formed(plan, knowledge, available=available, today=today, last_run_on=last_run)
    assert 1 <= plan.stage <= plan.stages
    exercises = {e.id: e for e in knowledge.exercises}
    for day in plan.days:
        for item in day.items:
            if item.id in exercises:
                assert not set(exercises[item.id].avoid_if) & aggravators, item.id


@settings(max_examples=200, deadline=None)
@given(available=st.sets(st.integers(0, 6), min_size=1), today=st.dates())
def test_consecutive_weeks_never_run_two_days_in_a_row(knowledge, available, today):
    first = plan_week(knowledge, today=today, run_days=available)
    runs = run_dates(first)
    second = plan_week(
        knowledge,
        today=today + dt.timedelta(days=7),
        run_days=available,
        last_run_on=max(runs, default=None),
    )
    both = runs + run_dates(second)
    assert all(b - a > dt.timedelta(days=1) for a, b in pairwise(both))


def test_the_weekly_pattern_repeats_without_a_sunday_monday_pair():
    # The pattern is chosen round the week, so next week's Monday is not the day after Sunday.
    week = [MON + dt.timedelta(days=i) for i in range(7)]
    assert choose_run_dates(week, {0, 6}) == {MON}
    assert choose_run_dates(week, {5, 6}) == {MON + dt.timedelta(days=5)}


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        (range(7), ["monday", "wednesday", "friday"]),
        ({0, 1, 2, 3}, ["monday", "thursday"]),
        ({1, 3, 5}, ["tuesday", "thursday", "saturday"]),
        ({0, 2, 4, 6}, ["monday", "wednesday", "friday"]),
        ({0, 3}, ["monday", "thursday"]),
        ({2}, ["wednesday"]),
        (set(), []),
    ],
)
def test_run_sessions_are_spread_over_the_available_days(knowledge, available, expected):
    plan = plan_week(knowledge, today=MON, run_days=available, stage=2)
    assert [d.weekday for d in plan.days if d.kind == "run"] == expected


def test_a_run_yesterday_holds_back_todays_session(knowledge):
    plan = plan_week(knowledge, today=MON, run_days={0, 2, 4}, last_run_on=MON - dt.timedelta(1))
    assert [d.weekday for d in plan.days if d.kind == "run"] == ["wednesday", "friday"]
    assert plan.skipped_run_dates == (MON,)
    assert plan.days[0].kind != "run"


def test_a_week_without_runs_still_has_strength_cross_training_and_rest(knowledge):
    plan = plan_week(knowledge, today=MON, run_days=())
    assert [d.kind for d in plan.days] == [
        "strength",
        "cross_training",
        "rest",
        "strength",
        "cross_training",
        "rest",
        "rest",
    ]


def test_the_first_stage_is_a_brisk_walk_with_a_walkers_warm_up(knowledge):
    plan = plan_week(knowledge, today=MON, run_days={0})
    day = plan.days[0]
    assert (day.kind, day.id, plan.stage_id) == ("run", "rtr_stage_1", "rtr_stage_1")
    session = next(i for i in day.items if i.id == "rtr_stage_1")
    assert session.kind == "walk"
    assert session.dose == "30 minutes of brisk walking."
    assert [i.id for i in day.items if i.kind == "warm_up"] == ["gradual_pace_build"]


@pytest.mark.parametrize(
    ("stage", "dose"),
    [
        (2, "Walk 4 min, run 1 min, 6 times (30 minutes)."),
        (4, "Walk 3 min, run 3 min, 5 times (30 minutes)."),
        (9, "Walk 2 minutes, then 28 minutes of easy running (30 minutes)."),
        (10, "30 minutes of easy running (30 minutes)."),
    ],
)
def test_run_sessions_carry_the_stage_dose(knowledge, stage, dose):
    plan = plan_week(knowledge, today=MON, run_days={0}, stage=stage)
    session = next(i for i in plan.days[0].items if i.kind == "run")
    assert (session.id, session.dose) == (f"rtr_stage_{stage}", dose)
    assert [i.id for i in plan.days[0].items if i.kind == "warm_up"] == [
        "brisk_walk",
        "butt_kicks",
        "high_knees",
        "gradual_pace_build",
    ]
    assert [i.id for i in plan.days[0].items if i.kind == "cool_down"] == [
        "gradual_slow_down",
        "stretching",
    ]


@pytest.mark.parametrize(("asked", "used"), [(-3, 1), (0, 1), (1, 1), (10, 10), (99, 10)])
def test_the_stage_is_kept_within_the_programme(knowledge, asked, used):
    assert plan_week(knowledge, today=MON, run_days={0}, stage=asked).stage == used


def test_cross_training_lasts_as_long_as_a_session(knowledge):
    plan = plan_week(knowledge, today=MON, run_days={0, 2, 4})
    day = next(d for d in plan.days if d.kind == "cross_training")
    item = day.items[0]
    assert (day.id, item.id, item.kind) == (
        "cross_training_weekly",
        "cross_training_weekly",
        "cross_training",
    )
    assert item.dose.startswith("30 minutes at an easy effort")


def test_strength_days_work_the_core_first_without_equipment(knowledge):
    plan = plan_week(knowledge, today=MON, run_days={0, 2, 4})
    day = next(d for d in plan.days if d.kind == "strength")
    strength = [i.id for i in day.items if i.kind == "strength"]
    assert strength[0] == "dead_bug"
    assert len(strength) == 5
    exercises = {e.id: e for e in knowledge.exercises}
    assert all(not exercises[i].equipment for i in strength)
    assert all("core" in exercises[i].target for i in strength[:1])


def test_what_makes_it_worse_is_left_out(knowledge):
    gentle = plan_week(knowledge, today=MON, run_days={0})
    assert "knees_to_chest" in {i.id for i in gentle.days[0].items}
    bending = plan_week(knowledge, today=MON, run_days={0}, aggravators={"bending"})
    ids = {i.id for d in bending.days for i in d.items}
    assert "knees_to_chest" not in ids
    assert any(i.kind == "mobility" for i in bending.days[0].items)


def test_the_last_stage_moves_to_prevention_and_drops_the_soft_ground_note(knowledge):
    early = plan_week(knowledge, today=MON, run_days={0}, stage=3)
    last = plan_week(knowledge, today=MON, run_days={0}, stage=10)
    assert [n.id for n in early.notes] == ["stop_when_painful", "soft_flat_surfaces"]
    assert [n.id for n in last.notes] == ["stop_when_painful"]
    mobility = [i.id for i in last.days[0].items if i.kind == "mobility"]
    assert "knees_to_chest" not in mobility  # an acute and subacute exercise


def test_the_plan_is_pure(knowledge):
    def make() -> WeeklyPlan:
        return plan_week(knowledge, today=MON, run_days=[4, 0, 2, 2], stage=5)

    assert make() == make()
    assert make().run_days == (0, 2, 4)


@pytest.mark.parametrize("bad", [[7], [-1], [True]])
def test_run_days_must_be_weekday_numbers(knowledge, bad):
    with pytest.raises(ValueError, match="weekday numbers"):
        plan_week(knowledge, today=MON, run_days=bad)
