"""Return to run: a graded walk-run programme steered by the pain diary (pain-monitoring model).

Pure: the check-ins, the current state and the knowledge base go in, a new frozen state comes
out. No clock, no I/O. The rules of DESIGN.md ("Return-to-run policy"), made precise here:

- **Stages** are the knowledge base's `return_to_run` entries, 1..N. A stage without running
  (`run_min` 0) is a walking stage and its sessions are walks; the other stages' sessions are
  runs. Cross-training and strength sessions fill the days between and never count for a stage.
- **Mornings.** The check-in of date D holds the morning of D (pain on waking) and the session
  done on D. "The morning before the session" is therefore the check-in of the session's own
  date, and "the next morning" is the check-in of the next date, D + 1.
- **A missing morning.** A session is judged when the check-in of D + 1 is known. Until then it
  waits (listed in `Programme.waiting`) and later sessions are judged meanwhile; when the late
  morning is logged, a review from the start puts the session back in its place by date.
  A session with the highest pain above 5 or a limp waits for nothing: it is too much whatever
  the morning, and is judged on its own day, after the previous day's session.
- **Judging** any session: *too much* when the highest pain is above 5, the next morning's pain
  is higher than the morning before, or the runner limped; otherwise *safe* when the highest
  pain is 3 or less; otherwise (4-5) *acceptable*.
- **Counting.** A session counts for the stage when it is of the stage's kind, where its
  duration is given, lasted at least the stage's total minutes, and it is not a run the day
  after a run (run sessions go on non-consecutive days). At stage 1 this is the entry
  rule: a 30-minute brisk walk with pain at 3/10 or less and no limp (and, like every session,
  a next morning no worse than the one before).
- **Decisions**, one per judged session, in date order:
  - too much (a session of any kind): *regress* one stage, never below stage 1;
  - acceptable (a counting session): *hold*;
  - safe and counting: the safe count goes up; the second moves the runner up (*progress*;
    after the last stage the programme is completed), the first is a *hold*;
  - safe but a run the day after a run, or shorter than the stage's session: *hold*, not
    counted (the why says to leave a day between runs);
  - a session of another kind that is not too much: no decision.
- **The safe count** is the number of safe counting sessions at the current stage since the
  runner arrived there or since the last acceptable session there: it resets to 0 on every
  change of stage and on an acceptable session; a short session, or a run the day after a
  run, leaves it as it is.
- **The weekly trend.** Progress waits when the average morning pain of the session's week
  (ISO week, Monday start; its check-ins up to the next morning) is higher than the average of
  the whole week before. The session still counts, so the next safe session in a better week
  moves the runner up. Without check-ins in either week there is nothing to compare.
- **Safety.** A check-in dated on or after the start with new leg symptoms or any red flag
  answered yes re-runs the triage (`checkin_triage`); above self_care the programme *stops*
  and the runner is told whom to see. This is checked before the previous day's session is
  judged. An assessment above self_care taken after the start stops it too
  (`stop_for_assessment`). A stopped or completed programme changes no more: start a new one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from backstride.coach.triage import Triage, triage
from backstride.contracts.checkin import CheckIn, Session
from backstride.contracts.intake import Intake, Pain
from backstride.domain import TriageLevel
from backstride.knowledge.models import KnowledgeBase, ReturnToRunStage

Decision = Literal["start", "progress", "hold", "regress", "stop"]
Verdict = Literal["safe", "acceptable", "too_much"]
ProgrammeStatus = Literal["active", "stopped", "completed"]
StageKind = Literal["walk", "run"]

SAFE_MAX_PAIN = 3
"""Highest pain during a session that still counts as safe."""
ACCEPTABLE_MAX_PAIN = 5
"""Highest pain during a session that is still acceptable (pain-monitoring model)."""
SAFE_SESSIONS_TO_PROGRESS = 2
"""Safe sessions at a stage that move the runner up one stage."""
TRIAGE_AGE = 40
"""The age given to the triage of a check-in, which asks no age.

No rule can fire on age alone: the only age rule (first episode at 50 or over) also needs an
answer about previous episodes, which a check-in does not carry.
"""

_KIND_WORDS = {
    "walk": "walk",
    "run": "run",
    "cross_training": "cross-training session",
    "strength": "strength session",
}


@dataclass(frozen=True, slots=True)
class NextSession:
    """The session to do next, from the stage's knowledge entry, in plain words."""

    stage: int
    name: str
    kind: StageKind
    text: str
    walk_min: float
    run_min: float
    repeats: int
    total_min: float
    not_before: date | None = None
    """Run sessions go on non-consecutive days: not before the day after the next one."""


@dataclass(frozen=True, slots=True)
class Step:
    """One decision taken on the way: when, on which session, and what it did to the stage."""

    decided_on: date
    session_date: date | None
    decision: Decision
    verdict: Verdict | None
    stage_before: int
    stage_after: int
    why: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Programme:
    """Where a runner stands in the programme, the last decision and what to do next."""

    started_on: date
    stage: int
    stages: int
    status: ProgrammeStatus = "active"
    decision: Decision = "start"
    why: tuple[str, ...] = ()
    decided_on: date | None = None
    next_session: NextSession | None = None
    """None once the programme has stopped."""
    safe_sessions: int = 0
    """Safe sessions counted at this stage (see the module docstring for when it resets)."""
    reviewed_through: date | None = None
    """The latest check-in date reviewed; a review takes only later check-ins."""
    waiting: tuple[date, ...] = ()
    """Dates of sessions waiting for their next morning's check-in."""
    triage: Triage | None = None
    """The triage of the check-in that stopped the programme, if one did."""
    steps: tuple[Step, ...] = ()
    """Every decision since the start, oldest first."""

    @property
    def triage_level(self) -> TriageLevel:
        """The level of the last triage: self_care while the programme runs."""
        return self.triage.level if self.triage is not None else "self_care"


def programme_stages(knowledge: KnowledgeBase) -> tuple[ReturnToRunStage, ...]:
    """The stages in order, stage 1 first."""
    return knowledge.memo(
        "return_to_run_stages", lambda kb: tuple(sorted(kb.return_to_run, key=lambda s: s.stage))
    )


def stage_kind(stage: ReturnToRunStage) -> StageKind:
    """Walk for a stage without running, run otherwise."""
    return "walk" if stage.run_min == 0 else "run"


def begin(*, started_on: date, knowledge: KnowledgeBase) -> Programme:
    """A new programme at stage 1, the brisk walk (decision `start`)."""
    stages = programme_stages(knowledge)
    first = stages[0]
    first_run = next((s for s in stages if stage_kind(s) == "run"), None)
    why = [
        f"You start at stage 1 of {len(stages)}: {first.name.lower()} "
        f"({first.total_min:g} minutes).",
        f"You move up a stage after {SAFE_SESSIONS_TO_PROGRESS} safe sessions in a row: highest "
        f"pain {SAFE_MAX_PAIN}/10 or less, no limp, and pain on waking the next day no higher "
        "than the morning before.",
    ]
    if first_run is not None and first_run.stage > 1:
        why.append(
            f"Running starts at stage {first_run.stage} ({first_run.name.lower()}), once the "
            "walk has gone that well twice. Log each day with `backstride checkin`."
        )
    return Programme(
        started_on=started_on,
        stage=first.stage,
        stages=len(stages),
        why=tuple(why),
        decided_on=started_on,
        next_session=next_session(first.stage, knowledge),
    )


def next_session(
    stage: int, knowledge: KnowledgeBase, *, last_run: date | None = None
) -> NextSession:
    """The session of `stage`; after a run on `last_run`, the next run waits a day."""
    entry = programme_stages(knowledge)[stage - 1]
    kind = stage_kind(entry)
    not_before = last_run + timedelta(days=2) if kind == "run" and last_run else None
    return NextSession(
        stage=entry.stage,
        name=entry.name,
        kind=kind,
        text=entry.session,
        walk_min=entry.walk_min,
        run_min=entry.run_min,
        repeats=entry.repeats,
        total_min=entry.total_min,
        not_before=not_before,
    )


def too_much_whatever_the_morning(session: Session) -> bool:
    """Highest pain above 5 or a limp: too much, whatever the next morning brings."""
    return session.max_pain > ACCEPTABLE_MAX_PAIN or session.limp is True


def judge_session(session: Session, *, morning_before: int, next_morning: int) -> Verdict:
    """Safe, acceptable or too much, by the highest pain, a limp and the next morning."""
    if too_much_whatever_the_morning(session) or next_morning > morning_before:
        return "too_much"
    return "safe" if session.max_pain <= SAFE_MAX_PAIN else "acceptable"


def checkin_triage(checkin: CheckIn, knowledge: KnowledgeBase) -> Triage | None:
    """The triage of a check-in's safety answers; None when it reports nothing to triage.

    The check-in's red flags go in as they are. New leg symptoms go in as leg pain below the
    knee (see a doctor within days): a check-in does not say where in the leg, and the
    conservative reading sends the runner to a clinician.
    """
    if not (checkin.has_red_flag() or checkin.new_leg_symptoms):
        return None
    intake = Intake(
        age=TRIAGE_AGE,
        pain=Pain(leg_pain_below_knee=checkin.new_leg_symptoms is True),
        red_flags=checkin.red_flags,
    )
    return triage(intake, knowledge)


def review(
    checkins: Iterable[CheckIn], programme: Programme, knowledge: KnowledgeBase
) -> Programme:
    """The programme after the check-ins dated after `programme.reviewed_through`.

    `checkins` may hold the whole diary, one per date (the last given wins): earlier ones give
    the mornings before and last week's average. Review from `begin(...)` to take corrected or
    late check-ins into account.
    """
    by_date = {c.date: c for c in sorted(checkins, key=lambda c: c.date)}
    done_through = programme.reviewed_through or programme.started_on - timedelta(days=1)
    state = programme
    for day, checkin in by_date.items():
        if day <= done_through or state.status != "active":
            continue
        state = _review_day(checkin, by_date, state, knowledge)
        state = dataclasses.replace(state, reviewed_through=day)
    return _finish(state, by_date, knowledge)


def _review_day(
    checkin: CheckIn, by_date: dict[date, CheckIn], state: Programme, knowledge: KnowledgeBase
) -> Programme:
    found = checkin_triage(checkin, knowledge)
    if found is not None and found.level != "self_care":
        return _stop(checkin, found, state, knowledge)
    before = by_date.get(checkin.date - timedelta(days=1))
    if (
        before is not None
        and before.session is not None
        and before.date >= state.started_on
        and not too_much_whatever_the_morning(before.session)  # judged on its own day
    ):
        state = _judge(_Judged(before, checkin, before.session), by_date, state, knowledge)
    if (
        state.status == "active"
        and checkin.session is not None
        and too_much_whatever_the_morning(checkin.session)
    ):
        state = _judge(_Judged(checkin, None, checkin.session), by_date, state, knowledge)
    return state


@dataclass(frozen=True, slots=True)
class _Judged:
    """A session with its day's check-in (the morning before) and the next morning's.

    `after` is None for a session judged on its own day: too much whatever the morning.
    """

    before: CheckIn
    after: CheckIn | None
    session: Session

    @property
    def decided_on(self) -> date:
        return (self.after or self.before).date

    @property
    def verdict(self) -> Verdict:
        if self.after is None:
            return "too_much"
        return judge_session(
            self.session,
            morning_before=self.before.morning_pain,
            next_morning=self.after.morning_pain,
        )


def _judge(
    judged: _Judged, by_date: dict[date, CheckIn], state: Programme, knowledge: KnowledgeBase
) -> Programme:
    session, verdict = judged.session, judged.verdict
    stage = programme_stages(knowledge)[state.stage - 1]
    said = _session_said(judged, verdict)
    if verdict == "too_much":
        return _regress(judged, said, state, knowledge)
    if session.kind != stage_kind(stage):
        return state
    rest_day = _rest_day(judged, by_date)
    if verdict == "acceptable":
        why = (said, _repeat_stage(stage), *rest_day)
        return _decide(state, judged, "hold", state.stage, 0, why)
    if rest_day:
        return _decide(state, judged, "hold", state.stage, state.safe_sessions, (said, *rest_day))
    if session.duration_min is not None and session.duration_min < stage.total_min:
        short = (
            f"It lasted {session.duration_min:g} minutes, shorter than the {stage.total_min:g} "
            f"minutes of stage {stage.stage}, so it does not count towards moving up."
        )
        return _decide(state, judged, "hold", state.stage, state.safe_sessions, (said, short))
    return _count_safe(judged, by_date, said, state, knowledge)


def _rest_day(judged: _Judged, by_date: dict[date, CheckIn]) -> tuple[str, ...]:
    """For a run the day after a run (which does not count), the line that says so."""
    day_before = by_date.get(judged.before.date - timedelta(days=1))
    if (
        judged.session.kind != "run"
        or day_before is None
        or day_before.session is None
        or day_before.session.kind != "run"
    ):
        return ()
    return (
        f"You ran the day before too ({_day(day_before.date)}), so this run does not count "
        "towards moving up: leave a day between runs, with cross-training, strength or a walk "
        "on the days between.",
    )


def _count_safe(
    judged: _Judged,
    by_date: dict[date, CheckIn],
    said: str,
    state: Programme,
    knowledge: KnowledgeBase,
) -> Programme:
    count = min(state.safe_sessions + 1, SAFE_SESSIONS_TO_PROGRESS)
    n = state.stage
    if count < SAFE_SESSIONS_TO_PROGRESS:
        more = SAFE_SESSIONS_TO_PROGRESS - count
        text = f"That is {count} safe session at stage {n}; {more} more moves you up a stage."
        return _decide(state, judged, "hold", n, count, (said, text))
    trend = weekly_trend(
        by_date.values(), session_date=judged.before.date, next_morning=judged.decided_on
    )
    if trend is not None and trend[0] > trend[1]:
        text = (
            f"That makes {count} safe sessions at stage {n}, but your average pain on waking "
            f"this week ({trend[0]:.1f}/10) is higher than last week's ({trend[1]:.1f}/10): you "
            f"stay at stage {n} this week."
        )
        return _decide(state, judged, "hold", n, count, (said, text))
    if n == state.stages:
        text = (
            f"That makes {count} safe sessions at stage {n}, the last stage: you have completed "
            "the programme. Build distance first and add speed or hills last."
        )
        done = _decide(state, judged, "progress", n, 0, (said, text))
        return dataclasses.replace(done, status="completed")
    up = programme_stages(knowledge)[n]
    text = (
        f"That makes {count} safe sessions in a row at stage {n}: move up to stage {up.stage}, "
        f"{up.name.lower()}."
    )
    return _decide(state, judged, "progress", up.stage, 0, (said, text))


def _regress(judged: _Judged, said: str, state: Programme, knowledge: KnowledgeBase) -> Programme:
    if state.stage == 1:
        step_back = (
            "You stay at stage 1, the first stage: repeat it until a session goes well, "
            "keeping active with walks and mobility."
        )
    else:
        down = programme_stages(knowledge)[state.stage - 2]
        step_back = f"Step back to stage {down.stage}, {down.name.lower()}."
    return _decide(state, judged, "regress", max(1, state.stage - 1), 0, (said, step_back))


def stop_for_assessment(programme: Programme, found: Triage, *, assessed_on: date) -> Programme:
    """The programme stopped by an assessment taken on `assessed_on` that is above self_care.

    For an assessment taken after the start; review the check-ins up to `assessed_on` first.
    A programme that has already ended, or a self_care triage, changes nothing.
    """
    if programme.status != "active" or found.level == "self_care":
        return programme
    said = f"Your assessment of {_day(assessed_on)} found warning signs."
    stopped = _stopped(said, assessed_on, found, programme)
    return dataclasses.replace(stopped, waiting=(), next_session=None)


def _stop(checkin: CheckIn, found: Triage, state: Programme, knowledge: KnowledgeBase) -> Programme:
    said = f"On {_day(checkin.date)} you reported {_reported(checkin, knowledge)}."
    return _stopped(said, checkin.date, found, state)


def _stopped(said: str, on: date, found: Triage, state: Programme) -> Programme:
    why = (
        said,
        *(reason.text for reason in found.reasons),
        f"The programme stops here: {found.title[0].lower()}{found.title[1:]}.",
        found.advice,
    )
    step = Step(on, None, "stop", None, state.stage, state.stage, why)
    return dataclasses.replace(
        state,
        status="stopped",
        decision="stop",
        why=why,
        decided_on=on,
        triage=found,
        steps=(*state.steps, step),
    )


def _decide(
    state: Programme,
    judged: _Judged,
    decision: Decision,
    stage: int,
    safe_sessions: int,
    why: tuple[str, ...],
) -> Programme:
    step = Step(
        decided_on=judged.decided_on,
        session_date=judged.before.date,
        decision=decision,
        verdict=judged.verdict,
        stage_before=state.stage,
        stage_after=stage,
        why=why,
    )
    return dataclasses.replace(
        state,
        stage=stage,
        decision=decision,
        why=why,
        decided_on=judged.decided_on,
        safe_sessions=safe_sessions,
        steps=(*state.steps, step),
    )


def weekly_trend(
    checkins: Iterable[CheckIn], *, session_date: date, next_morning: date
) -> tuple[float, float] | None:
    """Average morning pain of the session's week (up to `next_morning`) and of the week before.

    Weeks are ISO weeks (Monday start). None when either week has no check-in.
    """
    monday = session_date - timedelta(days=session_date.weekday())
    last_monday = monday - timedelta(days=7)
    this_week: list[int] = []
    last_week: list[int] = []
    for checkin in checkins:
        if monday <= checkin.date <= min(next_morning, monday + timedelta(days=6)):
            this_week.append(checkin.morning_pain)
        elif last_monday <= checkin.date < monday:
            last_week.append(checkin.morning_pain)
    if not this_week or not last_week:
        return None
    return sum(this_week) / len(this_week), sum(last_week) / len(last_week)


def _finish(state: Programme, by_date: dict[date, CheckIn], knowledge: KnowledgeBase) -> Programme:
    """Fill in the sessions still waiting and the next session."""
    reviewed = state.reviewed_through
    waiting = tuple(
        day
        for day, checkin in by_date.items()
        if checkin.session is not None
        and not too_much_whatever_the_morning(checkin.session)
        and state.started_on <= day
        and (reviewed is None or day <= reviewed)
        and day + timedelta(days=1) not in by_date
    )
    if state.status == "stopped":
        return dataclasses.replace(state, waiting=(), next_session=None)
    runs = [
        day
        for day, c in by_date.items()
        if c.session is not None and c.session.kind == "run" and day >= state.started_on
    ]
    upcoming = next_session(state.stage, knowledge, last_run=max(runs, default=None))
    return dataclasses.replace(state, waiting=waiting, next_session=upcoming)


def _session_said(judged: _Judged, verdict: Verdict) -> str:
    """The runner's own numbers for a session and the verdict, in one sentence."""
    session, before, after = judged.session, judged.before, judged.after
    kind = _KIND_WORDS[session.kind]
    if verdict == "too_much" or after is None:
        return f"Your {kind} on {_day(before.date)} was too much: {_too_much(judged)}."
    numbers = (
        f"highest pain {session.max_pain}/10, no limp, and {after.morning_pain}/10 on waking "
        f"the next morning against {before.morning_pain}/10 that morning"
    )
    if verdict == "safe":
        return f"Your {kind} on {_day(before.date)}: {numbers}. A safe session."
    return (
        f"Your {kind} on {_day(before.date)}: {numbers}. Acceptable (pain "
        f"{SAFE_MAX_PAIN + 1}-{ACCEPTABLE_MAX_PAIN}/10 that had settled by the next morning), "
        "but not yet comfortable."
    )


def _too_much(judged: _Judged) -> str:
    session, before, after = judged.session, judged.before, judged.after
    reasons = []
    if session.max_pain > ACCEPTABLE_MAX_PAIN:
        reasons.append(f"your pain reached {session.max_pain}/10, above {ACCEPTABLE_MAX_PAIN}/10")
    if session.limp:
        reasons.append("you limped")
    if after is not None and after.morning_pain > before.morning_pain:
        reasons.append(
            f"your pain on waking the next morning was {after.morning_pain}/10, higher than "
            f"the {before.morning_pain}/10 of that morning"
        )
    return _join(reasons)


def _repeat_stage(stage: ReturnToRunStage) -> str:
    return (
        f"Repeat stage {stage.stage}, {stage.name.lower()}; you move up after "
        f"{SAFE_SESSIONS_TO_PROGRESS} safe sessions in a row (pain {SAFE_MAX_PAIN}/10 or less)."
    )


def _reported(checkin: CheckIn, knowledge: KnowledgeBase) -> str:
    questions = {flag.id: flag.short_question for flag in knowledge.red_flags}
    answers = checkin.red_flags.model_dump()
    said = [f'yes to "{questions.get(name, name)}"' for name, value in answers.items() if value]
    if checkin.new_leg_symptoms:
        said.insert(0, "new leg symptoms")
    return _join(said)


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _day(day: date) -> str:
    # English day and month names: Python keeps the C locale for them unless told otherwise.
    return f"{day:%A} {day.day} {day:%B}"
