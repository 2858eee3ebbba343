"""Every return-to-run rule at its edges, and the programme's safety properties."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.coach.return_to_run import (
    Programme,
    begin,
    checkin_triage,
    judge_session,
    programme_stages,
    review,
    stage_kind,
    weekly_trend,
)
from backstride.contracts.checkin import CheckIn, Session
from backstride.contracts.intake import RED_FLAG_NAMES
from backstride.knowledge import load_knowledge

MONDAY = date(2026, 3, 2)
"""Day 0 of every diary below: a Monday, so weeks start on days 0, 7, 14..."""


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def session(kind: str = "walk", max_pain: int = 2, **changes: Any) -> dict[str, Any]:
    """A session; walks last the 30 minutes of stage 1 unless told otherwise."""
    duration = 30 if kind == "walk" else None
    return {
        "kind": kind,
        "max_pain": max_pain,
        "pain_after": 1,
        "limp": False,
        "duration_min": duration,
        **changes,
    }


def checkin(n: int, morning: int = 1, sess: dict[str, Any] | None = None, **changes: Any):
    return CheckIn.model_validate(
        {"date": day(n).isoformat(), "morning_pain": morning, "session": sess, **changes}
    )


def at_stage(stage: int, knowledge, started: int = 0) -> Programme:
    """A programme started on day `started`, already moved to `stage`."""
    programme = begin(started_on=day(started), knowledge=knowledge)
    return Programme(
        started_on=programme.started_on, stage=stage, stages=programme.stages, decided_on=day(0)
    )


def run_diary(entries, knowledge, programme: Programme | None = None) -> Programme:
    return review(entries, programme or begin(started_on=day(0), knowledge=knowledge), knowledge)


def safe_sessions(kind: str, count: int, start: int = 0, morning: int = 1) -> list[CheckIn]:
    """`count` safe sessions of `kind` every other day, each with its next morning."""
    diary = []
    for i in range(count):
        diary.append(checkin(start + 2 * i, morning, session(kind)))
        diary.append(checkin(start + 2 * i + 1, morning))
    return diary


# Judging one session -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_pain", "limp", "before", "after", "verdict"),
    [
        (0, False, 0, 0, "safe"),
        (3, False, 2, 2, "safe"),
        (3, False, 2, 1, "safe"),
        (4, False, 2, 2, "acceptable"),
        (5, False, 2, 2, "acceptable"),
        (6, False, 2, 2, "too_much"),
        (10, False, 0, 0, "too_much"),
        (0, False, 2, 3, "too_much"),
        (5, False, 0, 1, "too_much"),
        (0, True, 1, 1, "too_much"),
        (3, True, 1, 0, "too_much"),
    ],
)
def test_a_session_is_judged_by_its_pain_the_next_morning_and_a_limp(
    max_pain, limp, before, after, verdict
):
    judged = Session(kind="run", max_pain=max_pain, pain_after=0, limp=limp)
    assert judge_session(judged, morning_before=before, next_morning=after) == verdict


# The stages -----------------------------------------------------------------------------------


def test_stages_come_from_the_knowledge_base_walk_first(knowledge):
    stages = programme_stages(knowledge)
    assert [s.stage for s in stages] == list(range(1, len(stages) + 1))
    assert len(stages) >= 8
    assert stage_kind(stages[0]) == "walk" and stages[0].total_min == 30
    assert all(stage_kind(s) == "run" for s in stages[1:])


def test_a_programme_starts_at_the_brisk_walk(knowledge):
    programme = begin(started_on=day(0), knowledge=knowledge)
    assert (programme.stage, programme.decision, programme.status) == (1, "start", "active")
    assert programme.stages == len(knowledge.return_to_run)
    assert programme.next_session is not None
    assert programme.next_session.kind == "walk"
    assert programme.next_session.text == programme_stages(knowledge)[0].session
    assert any("30 minutes" in line for line in programme.why)
    assert programme.triage_level == "self_care"


# Moving up: two safe sessions, the entry rule ----------------------------------------------


def test_one_safe_session_holds_and_the_second_moves_up(knowledge):
    one = run_diary(safe_sessions("walk", 1), knowledge)
    assert (one.stage, one.decision, one.safe_sessions) == (1, "hold", 1)
    assert "1 more moves you up" in one.why[-1]
    two = run_diary(safe_sessions("walk", 2), knowledge)
    assert (two.stage, two.decision, two.safe_sessions) == (2, "progress", 0)
    assert two.decided_on == day(3)
    assert "move up to stage 2" in two.why[-1]


def test_the_why_quotes_the_runners_numbers(knowledge):
    diary = [checkin(0, 2, session("walk", 3)), checkin(1, 1)]
    programme = run_diary(diary, knowledge)
    said = programme.why[0]
    assert "Monday 2 March" in said
    assert "highest pain 3/10" in said and "no limp" in said
    assert "1/10 on waking the next morning against 2/10 that morning" in said


@pytest.mark.parametrize(
    ("changes", "counted"),
    [
        ({"duration_min": 30}, True),
        ({"duration_min": 45}, True),
        ({"duration_min": None}, True),
        ({"duration_min": 29.5}, False),
    ],
)
def test_entry_rule_a_30_minute_walk(changes, counted, knowledge):
    diary = [checkin(0, 1, session("walk", 3, **changes)), checkin(1, 1)]
    programme = run_diary(diary, knowledge)
    assert programme.decision == "hold"
    assert programme.safe_sessions == (1 if counted else 0)
    if not counted:
        assert "shorter than the 30 minutes of stage 1" in programme.why[-1]


def test_entry_rule_pain_above_3_or_a_limp_does_not_let_the_runner_in(knowledge):
    pain_4 = run_diary(
        [*safe_sessions("walk", 1), checkin(2, 1, session("walk", 4)), checkin(3)], knowledge
    )
    assert (pain_4.stage, pain_4.decision, pain_4.safe_sessions) == (1, "hold", 0)
    limp = run_diary(
        [*safe_sessions("walk", 1), checkin(2, 1, session("walk", 0, limp=True)), checkin(3)],
        knowledge,
    )
    assert (limp.stage, limp.decision, limp.safe_sessions) == (1, "regress", 0)
    assert "you limped" in limp.why[0]


def test_a_short_walk_leaves_the_count_as_it_was(knowledge):
    diary = [
        *safe_sessions("walk", 1),
        checkin(2, 1, session("walk", 1, duration_min=15)),
        checkin(3),
        checkin(4, 1, session("walk")),
        checkin(5),
    ]
    steps = run_diary(diary, knowledge).steps
    assert [(s.decision, s.stage_after) for s in steps] == [
        ("hold", 1),
        ("hold", 1),
        ("progress", 2),
    ]


def test_the_last_stage_completes_the_programme(knowledge):
    last = len(knowledge.return_to_run)
    programme = run_diary(safe_sessions("run", 2), knowledge, at_stage(last, knowledge))
    assert (programme.status, programme.decision, programme.stage) == (
        "completed",
        "progress",
        last,
    )
    assert "completed the programme" in programme.why[-1]
    after = review(
        [*safe_sessions("run", 2), checkin(4, 9, session("run", 9))], programme, knowledge
    )
    assert after.status == "completed" and after.steps == programme.steps


# Holding and stepping back -------------------------------------------------------------------


@pytest.mark.parametrize("pain", [4, 5])
def test_an_acceptable_session_holds_and_resets_the_count(pain, knowledge):
    diary = [
        *safe_sessions("run", 1),
        checkin(2, 1, session("run", pain)),
        checkin(3),
        *safe_sessions("run", 1, start=4),
    ]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert [s.decision for s in programme.steps] == ["hold", "hold", "hold"]
    assert (programme.stage, programme.safe_sessions) == (3, 1)
    assert f"highest pain {pain}/10" in programme.steps[1].why[0]
    assert "Acceptable" in programme.steps[1].why[0]


@pytest.mark.parametrize(
    ("diary", "reason"),
    [
        ([checkin(0, 1, session("run", 6)), checkin(1, 1)], "your pain reached 6/10"),
        ([checkin(0, 1, session("run", 2)), checkin(1, 2)], "2/10, higher than the 1/10"),
        ([checkin(0, 1, session("run", 0, limp=True)), checkin(1, 1)], "you limped"),
    ],
)
def test_too_much_steps_back_one_stage(diary, reason, knowledge):
    programme = run_diary(diary, knowledge, at_stage(4, knowledge))
    assert (programme.stage, programme.decision, programme.safe_sessions) == (3, "regress", 0)
    assert "too much" in programme.why[0] and reason in programme.why[0]
    assert "Step back to stage 3" in programme.why[1]


def test_too_much_never_goes_below_the_first_stage(knowledge):
    diary = [checkin(0, 1, session("walk", 8)), checkin(1, 3)]
    programme = run_diary(diary, knowledge)
    assert (programme.stage, programme.decision) == (1, "regress")
    assert "stay at stage 1" in programme.why[1]


def test_too_much_resets_the_count_after_a_step_back(knowledge):
    diary = [
        *safe_sessions("run", 1),
        checkin(2, 1, session("run", 7)),
        checkin(3),
        *safe_sessions("run", 1, start=4),
    ]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert (programme.stage, programme.safe_sessions, programme.decision) == (2, 1, "hold")


# Which sessions count ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cross_training", "strength", "run"])
def test_other_kinds_do_not_count_at_the_walking_stage(kind, knowledge):
    programme = run_diary(safe_sessions(kind, 3), knowledge)
    assert (programme.stage, programme.decision, programme.steps) == (1, "start", ())


@pytest.mark.parametrize("kind", ["walk", "cross_training", "strength"])
def test_only_runs_count_at_a_running_stage(kind, knowledge):
    programme = run_diary(safe_sessions(kind, 3), knowledge, at_stage(3, knowledge))
    assert (programme.stage, programme.steps) == (3, ())


@pytest.mark.parametrize("kind", ["walk", "cross_training", "strength"])
def test_too_much_in_any_session_steps_back(kind, knowledge):
    diary = [checkin(0, 1, session(kind, 6)), checkin(1, 1)]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert (programme.stage, programme.decision) == (2, "regress")


# Mornings: the morning before is the session's own day, the next morning the day after --------


def test_a_session_waits_for_its_next_morning(knowledge):
    diary = [checkin(0, 1, session("walk"))]
    waiting = run_diary(diary, knowledge)
    assert (waiting.decision, waiting.steps, waiting.waiting) == ("start", (), (day(0),))
    judged = run_diary([*diary, checkin(1, 1)], knowledge)
    assert (judged.decision, judged.waiting) == ("hold", ())


def test_a_morning_two_days_later_is_not_the_next_morning(knowledge):
    diary = [checkin(0, 1, session("walk")), checkin(2, 0)]
    programme = run_diary(diary, knowledge)
    assert programme.steps == () and programme.waiting == (day(0),)


def test_later_sessions_are_judged_while_one_waits_and_a_late_morning_takes_its_place(knowledge):
    diary = [
        checkin(0, 1, session("walk", 2)),  # its next morning is missing for now
        *safe_sessions("walk", 2, start=2),
    ]
    without = run_diary(diary, knowledge)
    assert (without.stage, without.waiting) == (2, (day(0),))
    with_morning = run_diary([*diary, checkin(1, 3)], knowledge)  # worse: too much
    assert [s.session_date for s in with_morning.steps] == [day(0), day(2), day(4)]
    assert [s.decision for s in with_morning.steps] == ["regress", "hold", "progress"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"max_pain": 6}, "your pain reached 6/10"), ({"limp": True}, "you limped")],
)
def test_pain_above_5_or_a_limp_steps_back_at_once(changes, reason, knowledge):
    diary = [checkin(0, 1, session("run", **changes))]
    programme = run_diary(diary, knowledge, at_stage(4, knowledge))
    assert (programme.stage, programme.decision, programme.decided_on) == (3, "regress", day(0))
    assert programme.waiting == () and reason in programme.why[0]
    # A skipped next morning changes nothing, and the session is not judged a second time.
    for later in ([checkin(2, 1)], [checkin(1, 3), checkin(2, 1)]):
        again = run_diary([*diary, *later], knowledge, at_stage(4, knowledge))
        assert [(s.decision, s.session_date) for s in again.steps] == [("regress", day(0))]
        assert again.stage == 3 and again.waiting == ()


def test_a_session_judged_at_once_comes_after_the_previous_days_session(knowledge):
    diary = [checkin(0, 1, session("run")), checkin(1, 1, session("run", 8)), checkin(2, 1)]
    steps = run_diary(diary, knowledge, at_stage(4, knowledge)).steps
    assert [(s.session_date, s.decided_on, s.decision) for s in steps] == [
        (day(0), day(1), "hold"),
        (day(1), day(1), "regress"),
    ]


def test_sessions_before_the_start_are_not_judged(knowledge):
    diary = [checkin(-1, 1, session("walk")), checkin(0, 1), checkin(1, 1)]
    programme = run_diary(diary, knowledge)
    assert programme.steps == () and programme.waiting == ()


def test_a_session_on_the_start_day_is_judged(knowledge):
    programme = run_diary([checkin(0, 1, session("walk")), checkin(1, 1)], knowledge)
    assert programme.steps[0].session_date == day(0)


def test_runs_go_on_non_consecutive_days(knowledge):
    programme = run_diary(
        [checkin(0, 1, session("run")), checkin(1, 1)], knowledge, at_stage(3, knowledge)
    )
    assert programme.next_session is not None
    assert programme.next_session.not_before == day(2)
    walking = run_diary([checkin(0, 1, session("walk")), checkin(1, 1)], knowledge)
    assert walking.next_session is not None and walking.next_session.not_before is None


def test_runs_on_consecutive_days_do_not_count_towards_moving_up(knowledge):
    diary = [checkin(n, 1, session("run", 0)) for n in range(10)] + [checkin(10, 1)]
    programme = run_diary(diary, knowledge, at_stage(2, knowledge))
    assert (programme.stage, programme.safe_sessions) == (2, 1)
    assert [s.decision for s in programme.steps] == ["hold"] * 10
    assert "1 more moves you up" in programme.steps[0].why[-1]
    for step in programme.steps[1:]:
        assert step.verdict == "safe" and "leave a day between runs" in step.why[-1]
    # The next run a day later counts again.
    later = run_diary(
        [*diary, checkin(11, 1, session("run", 0)), checkin(12, 1)],
        knowledge,
        at_stage(2, knowledge),
    )
    assert (later.stage, later.decision) == (3, "progress")


def test_a_run_the_day_after_a_run_is_still_judged_for_safety(knowledge):
    too_much = [checkin(0, 1, session("run")), checkin(1, 1, session("run")), checkin(2, 2)]
    programme = run_diary(too_much, knowledge, at_stage(4, knowledge))
    assert [(s.decision, s.stage_after) for s in programme.steps] == [("hold", 4), ("regress", 3)]
    acceptable = [
        *safe_sessions("run", 1),
        checkin(2, 1, session("run")),
        checkin(3, 1, session("run", 4)),
        checkin(4, 1),
    ]
    programme = run_diary(acceptable, knowledge, at_stage(4, knowledge))
    assert [s.decision for s in programme.steps] == ["hold", "progress", "hold"]
    assert programme.safe_sessions == 0 and "leave a day between runs" in programme.why[-1]


def test_the_next_session_is_the_stage_entry_in_plain_words(knowledge):
    programme = run_diary(safe_sessions("run", 2), knowledge, at_stage(3, knowledge))
    stage_4 = programme_stages(knowledge)[3]
    assert programme.next_session is not None
    assert (programme.next_session.stage, programme.next_session.text) == (4, stage_4.session)
    assert (programme.next_session.run_min, programme.next_session.repeats) == (
        stage_4.run_min,
        stage_4.repeats,
    )


def test_one_checkin_per_date_the_last_given_wins(knowledge):
    diary = [checkin(0, 1, session("walk", 8)), checkin(0, 1, session("walk")), checkin(1, 1)]
    assert run_diary(diary, knowledge).decision == "hold"


# The weekly trend --------------------------------------------------------------------------


def _week_before(pain: int) -> list[CheckIn]:
    return [checkin(n, pain) for n in range(-7, 0)]


def test_no_progress_in_a_week_whose_mornings_are_worse_than_last_week(knowledge):
    diary = [*_week_before(1), *safe_sessions("run", 2, morning=2)]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert (programme.stage, programme.decision, programme.safe_sessions) == (3, "hold", 2)
    assert "(2.0/10) is higher than last week's (1.0/10)" in programme.why[-1]


def test_a_stalled_count_moves_up_in_the_next_better_week(knowledge):
    diary = [
        *_week_before(1),
        *safe_sessions("run", 2, morning=2),  # days 0-3: blocked by the trend
        *[checkin(n, 2) for n in range(4, 7)],
        *safe_sessions("run", 1, start=7, morning=1),  # next week: better than this one
    ]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert [s.decision for s in programme.steps] == ["hold", "hold", "progress"]
    assert programme.stage == 4


@pytest.mark.parametrize(
    ("last_week", "this_week", "moves_up"),
    [(2, 2, True), (2, 1, True), (1, 2, False)],
)
def test_the_trend_compares_averages_strictly(last_week, this_week, moves_up, knowledge):
    diary = [*_week_before(last_week), *safe_sessions("run", 2, morning=this_week)]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert (programme.stage == 4) is moves_up


def test_without_last_week_there_is_no_trend(knowledge):
    diary = safe_sessions("run", 2, morning=5)
    assert run_diary(diary, knowledge, at_stage(3, knowledge)).stage == 4


def test_the_weekly_average_uses_only_mornings_known_when_judging():
    diary = [checkin(-3, 1), checkin(0, 2), checkin(1, 2), checkin(5, 9)]
    assert weekly_trend(diary, session_date=day(0), next_morning=day(1)) == (2.0, 1.0)
    assert weekly_trend(diary, session_date=day(6), next_morning=day(7)) == (13 / 3, 1.0)
    assert weekly_trend(diary[1:], session_date=day(0), next_morning=day(1)) is None


# Safety ---------------------------------------------------------------------------------------


def test_nothing_to_triage_without_a_red_flag_or_leg_symptoms(knowledge):
    calm = checkin(0, 1, new_leg_symptoms=False, red_flags=dict.fromkeys(RED_FLAG_NAMES, False))
    assert checkin_triage(calm, knowledge) is None


@pytest.mark.parametrize("flag", RED_FLAG_NAMES)
def test_any_red_flag_stops_the_programme(flag, knowledge):
    diary = [*safe_sessions("run", 1), checkin(2, 1, red_flags={flag: True})]
    programme = run_diary(diary, knowledge, at_stage(3, knowledge))
    assert (programme.status, programme.decision, programme.decided_on) == (
        "stopped",
        "stop",
        day(2),
    )
    assert programme.triage_level != "self_care"
    assert programme.next_session is None and programme.waiting == ()
    question = next(f.short_question for f in knowledge.red_flags if f.id == flag)
    assert question in programme.why[0]
    assert programme.triage is not None
    assert programme.triage.title[1:] in programme.why[-2]


def test_new_leg_symptoms_stop_the_programme_with_whom_to_see(knowledge):
    diary = [checkin(0, 1, new_leg_symptoms=True)]
    programme = run_diary(diary, knowledge)
    assert (programme.status, programme.triage_level) == ("stopped", "see_doctor")
    assert "new leg symptoms" in programme.why[0]
    assert any("GP or physiotherapist" in line for line in programme.why)


def test_a_red_flag_on_a_next_morning_stops_before_the_session_is_judged(knowledge):
    diary = [checkin(0, 1, session("walk")), checkin(1, 1, red_flags={"fever_or_unwell": True})]
    programme = run_diary(diary, knowledge)
    assert [s.decision for s in programme.steps] == ["stop"]


def test_a_stopped_programme_changes_no_more(knowledge):
    stopped = run_diary([checkin(0, 1, new_leg_symptoms=True)], knowledge)
    later = review(
        [checkin(0, 1, new_leg_symptoms=True), *safe_sessions("walk", 2, start=1)],
        stopped,
        knowledge,
    )
    assert later == stopped


def test_red_flags_before_the_start_are_left_to_the_start_check(knowledge):
    diary = [checkin(-1, 1, red_flags={"fever_or_unwell": True})]
    assert run_diary(diary, knowledge).status == "active"


# Properties ------------------------------------------------------------------------------------

KB = load_knowledge()
"""The shipped knowledge base for the properties (a fixture would be printed with each example)."""
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
kinds = st.sampled_from(["walk", "run", "cross_training", "strength"])
sessions = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "kind": kinds,
            "max_pain": st.integers(0, 10),
            "pain_after": st.integers(0, 10),
            "limp": st.booleans(),
            "duration_min": st.one_of(st.none(), st.sampled_from([10.0, 29.0, 30.0, 45.0])),
        }
    ),
)
days = st.lists(st.tuples(st.booleans(), st.integers(0, 10), sessions), min_size=1, max_size=40)
stages = st.integers(1, 10)


def _diary(entries) -> list[CheckIn]:
    """Consecutive days from day 0; a False first item leaves that day out."""
    return [
        checkin(n, morning, sess) for n, (present, morning, sess) in enumerate(entries) if present
    ]


def _only_safe(entries):
    """The same days with every session made safe: pain <= 3, no limp, next morning no worse.

    Mornings are raised from the last day back, so each raise is seen by the day before.
    """
    safe = list(entries)
    for n in reversed(range(len(safe))):
        present, morning, sess = safe[n]
        if sess is not None:
            next_morning = safe[n + 1][1] if n + 1 < len(safe) else 0
            sess = {**sess, "max_pain": min(sess["max_pain"], 3), "limp": False}
            safe[n] = (present, max(morning, next_morning), sess)
    return safe


@PROPERTIES
@given(entries=days, stage=stages)
def test_with_only_safe_sessions_the_stage_never_falls(entries, stage):
    diary = _diary(_only_safe(entries))
    programme = run_diary(diary, KB, at_stage(stage, KB))
    assert all(s.verdict == "safe" for s in programme.steps)
    assert all(s.stage_after >= s.stage_before for s in programme.steps)
    assert programme.stage >= stage


@PROPERTIES
@given(entries=days, stage=stages)
def test_a_session_judged_too_much_never_raises_the_stage(entries, stage):
    programme = run_diary(_diary(entries), KB, at_stage(stage, KB))
    for step in programme.steps:
        if step.verdict == "too_much":
            assert step.stage_after == max(1, step.stage_before - 1)
        assert 1 <= step.stage_after <= programme.stages
        assert abs(step.stage_after - step.stage_before) <= 1


@PROPERTIES
@given(entries=days, stage=stages, flag=st.sampled_from(RED_FLAG_NAMES), when=st.integers(0, 39))
def test_a_red_flag_always_stops_the_programme(entries, stage, flag, when):
    diary = {c.date: c for c in _diary(entries)}
    flagged = day(min(when, len(entries) - 1))
    base = diary[flagged].model_dump(mode="json") if flagged in diary else {"morning_pain": 1}
    diary[flagged] = CheckIn.model_validate(
        {**base, "date": flagged.isoformat(), "red_flags": {flag: True}}
    )
    programme = run_diary(diary.values(), KB, at_stage(stage, KB))
    completed_before = programme.status == "completed" and programme.decided_on < flagged
    if not completed_before:
        assert programme.status == "stopped" and programme.decision == "stop"
        assert programme.decided_on <= flagged
        assert programme.triage_level != "self_care" and programme.next_session is None


@PROPERTIES
@given(entries=days, stage=stages, split=st.integers(0, 40))
def test_reviewing_in_two_parts_is_reviewing_at_once(entries, stage, split):
    diary = _diary(entries)
    start = at_stage(stage, KB)
    at_once = review(diary, start, KB)
    first = review([c for c in diary if c.date < day(split)], start, KB)
    in_two = review(diary, first, KB)
    assert (in_two.stage, in_two.status, in_two.steps) == (
        at_once.stage,
        at_once.status,
        at_once.steps,
    )


@PROPERTIES
@given(entries=days, stage=stages)
def test_a_run_the_day_after_a_run_never_counts(entries, stage):
    diary = {c.date: c for c in _diary(_only_safe(entries))}
    programme = run_diary(diary.values(), KB, at_stage(stage, KB))
    for step in programme.steps:
        if step.session_date is None or not step.why[-1].startswith(("That is", "That makes")):
            continue
        counted = diary[step.session_date].session
        before = diary.get(step.session_date - timedelta(days=1))
        after_a_run = (
            before is not None and before.session is not None and before.session.kind == "run"
        )
        assert not (counted is not None and counted.kind == "run" and after_a_run)


@PROPERTIES
@given(entries=days)
def test_progress_needs_two_safe_sessions_at_the_stage(entries):
    programme = run_diary(_diary(entries), KB)
    counted = 0
    for step in programme.steps:
        if step.decision == "progress":
            assert step.verdict == "safe" and counted >= 1
        if step.stage_after != step.stage_before or step.verdict == "acceptable":
            counted = 0
        elif step.verdict == "safe" and step.why[-1].startswith(("That is", "That makes")):
            counted += 1
