"""Outcome measures: keep the questionnaires a runner answers, and show whether they are better.

The RMDQ and PSFS come from their own questionnaires (`backstride outcomes add`, the web app's
prompt); pain from the morning pain of the check-ins; STarT Back from the assessments. Each
measure is a timeline of scores with the change from the first to the latest, judged against
the measure's minimal important change (`coach.outcomes`).

```python
answers = parse_outcome(read_outcome(Path("rmdq.json")), origin="rmdq.json")
with open_record(db) as record:
    saved = save_outcome(record, answers, today=runner_today(record))
    report = runner_outcomes(record)
print(outcomes_document(report)["measures"][0]["verdict"])
```
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from backstride.coach.outcomes import (
    OutcomeChange,
    OutcomeScore,
    QuestionnaireDue,
    due_questionnaires,
    judge_change,
    psfs_score,
    rmdq_score,
)
from backstride.contracts.messages import describe_validation_error
from backstride.contracts.outcomes import (
    ACTIVITY_NAME_MAX,
    QUESTIONNAIRES,
    RMDQ_ITEMS,
    OutcomeAnswers,
    PsfsRatings,
    RmdqAnswers,
)
from backstride.errors import InputInvalid
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.knowledge.models import INSTRUMENTS, OutcomeMeasure
from backstride.services.documents import parse_json_object, read_json_file
from backstride.services.load import runner_zone
from backstride.services.record import Record
from backstride.store import repo
from backstride.store.records import AssessmentRecord, CheckInRecord, OutcomeRecord

__all__ = [
    "SCHEMA_VERSION",
    "MeasureSummary",
    "OutcomeSaved",
    "OutcomesReport",
    "QuestionnaireDue",
    "build_outcomes",
    "last_psfs_activities",
    "outcome_document",
    "outcomes_document",
    "outcomes_due",
    "parse_outcome",
    "read_outcome",
    "runner_outcomes",
    "save_outcome",
    "score_answers",
    "score_text",
    "verdict_text",
]

SCHEMA_VERSION = 1
_NEEDS = "'date', 'instrument' (rmdq or psfs) and its answers"


@dataclass(frozen=True, slots=True)
class OutcomeSaved:
    """What saving a questionnaire did."""

    answers: OutcomeAnswers
    score: OutcomeScore
    updated: bool
    """True when it replaced the one already kept for its date and instrument."""


@dataclass(frozen=True, slots=True)
class MeasureSummary:
    """One measure: its scores oldest first, and the change from the first to the latest."""

    measure: OutcomeMeasure
    scores: tuple[OutcomeScore, ...]
    change: OutcomeChange | None


@dataclass(frozen=True, slots=True)
class OutcomesReport:
    """Every outcome measure the knowledge base describes, in the order it lists them."""

    measures: tuple[MeasureSummary, ...]

    def measure(self, instrument: str) -> MeasureSummary | None:
        return next((m for m in self.measures if m.measure.id == instrument), None)

    @property
    def is_empty(self) -> bool:
        return not any(m.scores for m in self.measures)


# Reading and checking ---------------------------------------------------------------------------


def read_outcome(path: Path) -> dict[str, Any]:
    """Read an outcome questionnaire JSON file as given (check it with `parse_outcome`)."""
    return read_json_file(path, what="an outcome questionnaire", needs=_NEEDS)


def parse_outcome(
    data: str | bytes | Mapping[str, Any], *, origin: str = "outcome"
) -> OutcomeAnswers:
    """Check a questionnaire given as JSON text or a parsed object; InputInvalid names the field."""
    document = (
        parse_json_object(data, origin=origin, needs=_NEEDS)
        if isinstance(data, str | bytes)
        else dict(data)
    )
    model = _model_for(document.get("instrument"), "instrument" in document)
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise InputInvalid(_describe(exc, model)) from exc


def _model_for(instrument: Any, given: bool) -> type[RmdqAnswers] | type[PsfsRatings]:
    if not given:
        raise InputInvalid(
            'instrument: missing; required: one of "rmdq", "psfs" (pain comes from the '
            "check-ins, STarT Back from the assessment)"
        )
    if instrument == "rmdq":
        return RmdqAnswers
    if instrument == "psfs":
        return PsfsRatings
    shown = json.dumps(instrument)[:40]
    raise InputInvalid(
        f'instrument: {shown} is not allowed; expected one of: "rmdq", "psfs" (pain comes from '
        "the check-ins, STarT Back from the assessment)"
    )


def _describe(exc: ValidationError, model: type[RmdqAnswers] | type[PsfsRatings]) -> str:
    first = exc.errors()[0]
    loc = tuple(str(part) for part in first["loc"])
    kind = first["type"]
    more = len(exc.errors()) - 1
    extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    if loc == ("answers",) and kind in ("too_short", "too_long"):
        given = first.get("input")
        count = len(given) if isinstance(given, list) else 0
        return (
            f"answers: {count} answers given; expected exactly {RMDQ_ITEMS}, true (yes) or false "
            f"(no) for each statement in order{extra}"
        )
    if loc[:1] == ("answers",) and len(loc) == 2:
        got = json.dumps(first.get("input"), default=str)[:40]
        return f"{'.'.join(loc)}: {got} is not allowed; expected true (yes) or false (no){extra}"
    if loc == ("activities",) and kind in ("too_short", "too_long"):
        return f"activities: expected 1 to 5 activities, each with a name and a score{extra}"
    if loc[:1] == ("activities",) and loc[-1:] == ("name",) and kind == "string_too_short":
        return f'{".".join(loc)}: empty; name the activity in a few words, e.g. "run 5 km"{extra}'
    if loc[:1] == ("activities",) and loc[-1:] == ("name",) and kind == "string_too_long":
        return f"{'.'.join(loc)}: too long; keep it under {ACTIVITY_NAME_MAX} characters{extra}"
    if loc == ("activities",) and kind == "value_error":
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        return f"activities: {message}{extra}"
    if loc == ("date",) and kind != "missing":
        got = json.dumps(first.get("input"), default=str)[:40]
        return f"date: {got} is not allowed; expected a date written YYYY-MM-DD{extra}"
    return describe_validation_error(exc, model)


def score_answers(answers: OutcomeAnswers, knowledge: KnowledgeBase | None = None) -> OutcomeScore:
    """The questionnaire's score, as `coach.outcomes` works it out."""
    kb = knowledge or load_knowledge()
    measure = kb.outcome_measure(answers.instrument)
    if isinstance(answers, RmdqAnswers):
        value = rmdq_score(answers.answers, measure)
        detail = f"{int(value)} of {len(measure.items)} statements"
        return OutcomeScore(answers.instrument, answers.date, value, detail)
    value = psfs_score([a.score for a in answers.activities], measure)
    detail = "; ".join(f"{a.name} {a.score}/10" for a in answers.activities)
    names = tuple(a.name for a in answers.activities)
    return OutcomeScore(answers.instrument, answers.date, value, detail, names)


def outcome_document(answers: OutcomeAnswers) -> dict[str, Any]:
    """The questionnaire as stored: its JSON, activity names trimmed."""
    return answers.model_dump(mode="json")


# Keeping ----------------------------------------------------------------------------------------


def save_outcome(
    record: Record,
    answers: OutcomeAnswers,
    *,
    today: dt.date,
    knowledge: KnowledgeBase | None = None,
) -> OutcomeSaved:
    """Keep the questionnaire for its date; one per date and instrument (a second replaces it)."""
    if answers.date > today:
        raise InputInvalid(
            f"date: {answers.date.isoformat()} is in the future; answer for today "
            f"({today.isoformat()}) or an earlier day"
        )
    score = score_answers(answers, knowledge)
    with record.session() as session:
        updated = repo.upsert_outcome(
            session=session,
            runner_id=record.runner.id,
            outcome=outcome_document(answers),
            score=float(score.value),
        )
    return OutcomeSaved(answers, score, updated)


# When to ask ------------------------------------------------------------------------------------


def outcomes_due(record: Record, *, today: dt.date) -> tuple[QuestionnaireDue, ...]:
    """The questionnaires the runner should answer now: at the start of their programme (the
    current return-to-run programme, or else their first assessment), then every two weeks."""
    # Today asks this on every visit: it reads two dates, never the documents, in one
    # transaction.
    with record.transaction() as session:
        runner_id = record.runner.id
        programme = repo.get_return_to_run(session=session, runner_id=runner_id)
        first_assessed = repo.first_assessment_time(session=session, runner_id=runner_id)
        answered = repo.latest_outcome_dates(session=session, runner_id=runner_id)
    started_on: dt.date | None = None
    if programme is not None and programme.status == "active":
        started_on = programme.started_on
    elif first_assessed is not None:
        started_on = first_assessed.astimezone(runner_zone(record)).date()
    last: dict[str, dt.date | None] = {q: answered.get(q) for q in QUESTIONNAIRES}
    return due_questionnaires(last, started_on=started_on, today=today)


def last_psfs_activities(record: Record) -> tuple[str, ...]:
    """The activities of the runner's latest PSFS, to rate again; none before the first."""
    with record.session() as session:
        stored = repo.list_outcomes(session=session, runner_id=record.runner.id, instrument="psfs")
    if not stored:
        return ()
    latest = parse_outcome(stored[-1].data, origin="the stored questionnaire")
    return tuple(a.name for a in latest.activities) if isinstance(latest, PsfsRatings) else ()


# The timeline and the changes -------------------------------------------------------------------


def runner_outcomes(record: Record, *, knowledge: KnowledgeBase | None = None) -> OutcomesReport:
    """Every measure of the runner's record, with its change against its MIC."""
    kb = knowledge or load_knowledge()
    with record.session() as session:
        runner_id = record.runner.id
        outcomes = repo.list_outcomes(session=session, runner_id=runner_id)
        checkins = repo.list_checkins(session=session, runner_id=runner_id)
        assessments = repo.list_assessments(session=session, runner_id=runner_id)
    return build_outcomes(outcomes, checkins, assessments, kb, tz=runner_zone(record))


def build_outcomes(
    outcomes: Sequence[OutcomeRecord],
    checkins: Sequence[CheckInRecord],
    assessments: Sequence[AssessmentRecord],
    knowledge: KnowledgeBase,
    *,
    tz: dt.tzinfo = dt.UTC,
) -> OutcomesReport:
    """The timelines and changes of what was read. Pure: scores are worked out again here."""
    timelines: dict[str, list[OutcomeScore]] = {i: [] for i in INSTRUMENTS}
    for stored in outcomes:
        if stored.instrument in QUESTIONNAIRES:
            answers = parse_outcome(stored.data, origin="the stored questionnaire")
            timelines[stored.instrument].append(score_answers(answers, knowledge))
    for checkin in checkins:
        if checkin.morning_pain is not None:
            value = Fraction(checkin.morning_pain)
            timelines["pain_nrs"].append(
                OutcomeScore(
                    "pain_nrs", checkin.date, value, f"{checkin.morning_pain}/10 on waking"
                )
            )
    timelines["startback"] = _startback_timeline(assessments, tz)
    summaries = []
    for measure in knowledge.outcome_measures:
        scores = tuple(sorted(timelines.get(measure.id, []), key=lambda s: s.day))
        summaries.append(MeasureSummary(measure, scores, judge_change(scores, measure)))
    return OutcomesReport(tuple(summaries))


def _startback_timeline(
    assessments: Sequence[AssessmentRecord], tz: dt.tzinfo
) -> list[OutcomeScore]:
    """One STarT Back score per day (the day's last assessment that has one)."""
    by_day: dict[dt.date, OutcomeScore] = {}
    for assessment in assessments:
        score = assessment.output.get("startback")
        if not isinstance(score, Mapping) or not isinstance(score.get("total"), int):
            continue
        day = assessment.created_at.astimezone(tz).date()
        detail = f"{score.get('risk', '?')} risk, psychosocial {score.get('psychosocial', '?')}/5"
        by_day[day] = OutcomeScore("startback", day, Fraction(score["total"]), detail)
    return list(by_day.values())


# The JSON contract and the words ----------------------------------------------------------------


def outcomes_document(
    report: OutcomesReport, knowledge: KnowledgeBase | None = None
) -> dict[str, Any]:
    """The `outcomes --format json` document: each measure's timeline, change and verdict."""
    kb = knowledge or load_knowledge()
    measures = [_measure_document(summary) for summary in report.measures]
    cited = list(dict.fromkeys(s for m in report.measures for s in _sources_of(m.measure)))
    sources = [{"id": i, "citation": kb.source(i).citation, "url": kb.source(i).url} for i in cited]
    return {"schema_version": SCHEMA_VERSION, "measures": measures, "sources": sources}


def _sources_of(measure: OutcomeMeasure) -> list[str]:
    return [*measure.sources, *(measure.mic.sources if measure.mic else [])]


def _measure_document(summary: MeasureSummary) -> dict[str, Any]:
    measure, change = summary.measure, summary.change
    mic = measure.mic
    return {
        "instrument": measure.id,
        "name": measure.name,
        "short_name": measure.short_name,
        "scale": {"low": measure.low, "high": measure.high, "better": measure.better},
        "timeline": [_score_document(s) for s in summary.scores],
        "baseline": _score_document(change.baseline) if change else _first(summary),
        "latest": _score_document(change.latest) if change else _first(summary),
        "change": _number(change.change) if change else None,
        "improvement": _number(change.improvement) if change else None,
        "percent": _percent(change.percent) if change else None,
        "mic": None
        if mic is None
        else {
            "points": _number(Fraction(str(mic.points))),
            "percent": mic.percent,
            "text": mic.text,
            "sources": list(mic.sources),
        },
        "reaches_mic": change.reaches_mic if change and mic else None,
        "verdict": change.verdict if change else "not_enough_data",
        "verdict_text": verdict_text(summary),
        "same_activities": change.same_activities if change and measure.id == "psfs" else None,
        "sources": _sources_of(measure),
    }


def _first(summary: MeasureSummary) -> dict[str, Any] | None:
    return _score_document(summary.scores[0]) if summary.scores else None


def _score_document(score: OutcomeScore) -> dict[str, Any]:
    document: dict[str, Any] = {
        "date": score.day.isoformat(),
        "score": _number(score.value),
        "detail": score.detail,
    }
    if score.activities:
        document["activities"] = list(score.activities)
    return document


def _number(value: Fraction) -> int | float:
    """An exact score as JSON shows it: whole numbers as integers, others to 2 decimals."""
    if value.denominator == 1:
        return int(value)
    return round(float(value), 2)


def _percent(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 1)


def score_text(value: Fraction) -> str:
    """A score in words: 12, 4.33."""
    number = _number(value)
    return f"{number:g}" if isinstance(number, float) else str(number)


def verdict_text(summary: MeasureSummary) -> str:
    """What the change means, in one or two sentences."""
    measure, change = summary.measure, summary.change
    if change is None:
        if not summary.scores:
            return _never_answered(measure)
        return (
            "One score so far; the change shows once you have answered it again (every two "
            "weeks is enough)."
        )
    first, latest = score_text(change.baseline.value), score_text(change.latest.value)
    moved = f"from {first} to {latest}"
    if change.verdict == "no_threshold":
        risk_before = change.baseline.detail.split(" risk")[0]
        risk_now = change.latest.detail.split(" risk")[0]
        return (
            f"Score {moved} (risk {risk_before}, now {risk_now}). STarT Back sorts risk rather "
            "than tracking change, so it has no threshold for a real change."
        )
    mic = measure.mic
    if mic is None:  # every verdict but "no_threshold" comes from a MIC
        return f"Score {moved}."
    share = (
        f", {abs(float(change.percent)):.0f}% of the first score"
        if change.percent is not None
        else ""
    )
    size = f"{score_text(abs(change.change))} point{'s' if abs(change.change) != 1 else ''}"
    threshold = f"{mic.points:g} points" + (f" or {mic.percent:g}%" if mic.percent else "")
    note = ""
    if measure.id == "psfs" and not change.same_activities:
        note = " The activities rated have changed since the first time, so compare with care."
    if change.verdict == "improved":
        return (
            f"Better: {moved}, {size}{share}. That reaches the {threshold} that count as a real "
            f"improvement.{note}"
        )
    if change.verdict == "worse":
        return (
            f"Worse: {moved}, {size}{share}. That reaches the {threshold} that count as a real "
            f"change; tell your physio or GP.{note}"
        )
    if change.change == 0:
        return f"No change: {first} both times; a real change is {threshold}.{note}"
    return (
        f"No clear change yet: {moved}, {size}{share}, less than the {threshold} that count "
        f"as a real change.{note}"
    )


def _never_answered(measure: OutcomeMeasure) -> str:
    if measure.collected == "check_in":
        return "No check-in yet: your morning pain is taken from each daily check-in."
    if measure.collected == "assessment":
        return "Not answered yet: the nine questions come at the end of the assessment."
    return "Not answered yet."
