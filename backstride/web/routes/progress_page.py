"""Progress (GET /progress): pain against weekly distance, the return-to-run stage changes, and
the outcome measures (RMDQ, PSFS, pain, STarT Back) each against its minimal important change.

The figures are `services.progress.runner_progress`, the weeks `backstride progress` prints.
The chart is drawn in the browser by static/backstride.js from the JSON the page carries in
the canvas's `data-chart-figures` attribute (data, never run, so the CSP has nothing to
refuse); the same figures are in a table under it, for screen readers and for pages without
scripts.
`?weeks=N&until=YYYY-MM-DD` choose the period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from backstride.errors import BackstrideError, StoreError
from backstride.reports.progress import Progress, StageMark
from backstride.services.load import EARLIEST_YEAR, LATEST_YEAR
from backstride.services.outcomes import (
    MeasureSummary,
    OutcomesReport,
    runner_outcomes,
    score_text,
    verdict_text,
)
from backstride.services.progress import DEFAULT_PROGRESS_WEEKS, runner_progress
from backstride.services.return_to_run import runner_today
from backstride.web.deps import KnowledgeDep, RecordDep
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: The periods the page offers, in weeks.
WEEK_CHOICES = (4, 8, 12, 26, 52)


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    record: RecordDep,
    knowledge: KnowledgeDep,
    weeks: str | None = None,
    until: str | None = None,
) -> HTMLResponse:
    """Morning pain and weekly running distance over the weeks chosen, stage changes marked."""
    today = runner_today(record)
    period = _period(weeks, until, today=today)
    if isinstance(period, str):
        shown_weeks, shown_until, error = DEFAULT_PROGRESS_WEEKS, today, period
    else:
        (shown_weeks, shown_until), error = period, None
    try:
        progress = runner_progress(
            record, until=shown_until, weeks=shown_weeks, knowledge=knowledge
        )
    except StoreError:
        raise
    except BackstrideError as exc:
        error = str(exc)
        shown_weeks, shown_until = DEFAULT_PROGRESS_WEEKS, today
        progress = runner_progress(record, until=today, knowledge=knowledge)
    return templates.TemplateResponse(
        request,
        "progress.html",
        {
            "progress": progress,
            "weeks": _week_rows(progress),
            "marks": [_mark_row(m) for m in progress.stage_marks],
            "chart": progress_chart_data(progress),
            "error": error,
            "week_choices": WEEK_CHOICES,
            "shown_weeks": shown_weeks,
            "shown_until": shown_until.isoformat(),
            "first_day_text": _day_text(progress.first_day),
            "until_text": _day_text(progress.until),
            "outcomes": outcome_measures(runner_outcomes(record, knowledge=knowledge)),
        },
        status_code=422 if error else 200,
    )


def _period(weeks: str | None, until: str | None, *, today: dt.date) -> tuple[int, dt.date] | str:
    """The weeks and the last day asked for, or the one line that says what is wrong."""
    count = DEFAULT_PROGRESS_WEEKS
    if weeks:
        try:
            count = int(weeks)
        except ValueError:
            count = 0
        if count not in WEEK_CHOICES:
            choices = ", ".join(str(n) for n in WEEK_CHOICES)
            return f"{weeks[:20]!r} weeks: choose one of {choices}."
    day = today
    if until:
        try:
            day = dt.date.fromisoformat(until)
        except ValueError:
            return f"{until[:20]!r} is not a date: give the last day as YYYY-MM-DD."
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            return f"{until}: choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}."
    return count, day


def progress_chart_data(progress: Progress) -> dict[str, Any]:
    """What the progress chart draws: one entry a week, the stage change of the week with it.

    `label` is the week's first line under the chart ("2 Mar"), `mark_short` the second (the
    latest stage change that week, or none); `mark` is its label in full and `mark_change` its
    kind (start, progress, regress, stop, complete).
    """
    return {
        "title": "Morning pain and weekly running distance",
        "weeks": [
            {
                "week_start": week.week_start.isoformat(),
                "label": f"{week.week_start.day} {week.week_start:%b}",
                "morning_pain": _rounded(week.morning_pain_avg),
                "distance_km": round(week.distance_km, 1),
                "stage": week.stage,
                **_latest_mark(week.week_start, progress.stage_marks),
            }
            for week in progress.weeks
        ],
    }


def _latest_mark(monday: dt.date, marks: tuple[StageMark, ...]) -> dict[str, str | None]:
    """The latest stage change in the week from `monday`: its label, a short form for the
    chart ("stage 3 up") and its kind; nones when the stage did not change that week."""
    within = [m for m in marks if monday <= m.day <= monday + dt.timedelta(days=6)]
    if not within:
        return {"mark": None, "mark_short": None, "mark_change": None}
    mark = within[-1]
    return {"mark": mark.label, "mark_short": _short_mark(mark), "mark_change": mark.change}


def _short_mark(mark: StageMark) -> str:
    if mark.change == "progress":
        return f"stage {mark.stage} up"
    if mark.change == "regress":
        return f"stage {mark.stage} back"
    if mark.change == "start":
        return "start" if mark.stage is None else f"start {mark.stage}"
    return "stopped" if mark.change == "stop" else "done"


def _week_rows(progress: Progress) -> list[dict[str, Any]]:
    """The table under the chart: the same figures, in words where a number is missing."""
    rows: list[dict[str, Any]] = []
    for week in progress.weeks:
        if week.stage is not None:
            stage = f"{week.stage} of {progress.stages}"
        else:
            stage = "in programme" if week.in_programme else "–"
        pain = week.morning_pain_avg
        rows.append(
            {
                "week_text": _day_text(week.week_start),
                "check_ins": week.check_ins,
                "morning_pain": "no check-ins" if pain is None else f"{pain:.1f}",
                "sessions": week.sessions,
                "runs": week.runs,
                "distance_km": f"{week.distance_km:.1f}",
                "stage": stage,
                "mark": _latest_mark(week.week_start, progress.stage_marks)["mark"],
            }
        )
    return rows


def _mark_row(mark: StageMark) -> dict[str, Any]:
    return {
        "day": mark.day.isoformat(),
        "day_text": _day_text(mark.day),
        "change": mark.change,
        "text": mark.label[:1].upper() + mark.label[1:],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def outcome_measures(report: OutcomesReport) -> list[dict[str, Any]]:
    """Each outcome measure for the page: its chart's figures, its verdict, its table rows."""
    return [_measure(summary) for summary in report.measures]


def _measure(summary: MeasureSummary) -> dict[str, Any]:
    measure = summary.measure
    line = mic_line(summary)
    return {
        "id": measure.id,
        "name": measure.name,
        "short_name": measure.short_name,
        "scale": f"{measure.low}-{measure.high}, {measure.better} is better",
        "verdict": verdict_text(summary),
        "verdict_kind": summary.change.verdict if summary.change else "not_enough_data",
        "mic_text": measure.mic.text if measure.mic else None,
        "rows": [
            {"day_text": _day_text(s.day), "score": score_text(s.value), "detail": s.detail}
            for s in reversed(summary.scores)
        ],
        "chart": {
            "title": f"{measure.short_name}: {measure.name}",
            "low": measure.low,
            "high": measure.high,
            "better": measure.better,
            "points": [
                {
                    "date": s.day.isoformat(),
                    "label": f"{s.day.day} {s.day:%b}",
                    "score": float(score_text(s.value)),
                }
                for s in summary.scores
            ],
            "mic_line": line,
            "mic_label": None
            if line is None
            else f"A real improvement from your first score: {line:g} or "
            + ("below" if measure.better == "lower" else "above"),
        }
        if summary.scores
        else None,
    }


def mic_line(summary: MeasureSummary) -> float | None:
    """The score that would be the smallest real improvement on the first one: first minus
    the MIC (the smaller of its points and its percent of the first score) for a measure where
    lower is better, first plus its points where higher is better; None without a MIC."""
    measure, mic = summary.measure, summary.measure.mic
    if mic is None or not summary.scores:
        return None
    first = float(summary.scores[0].value)
    step = mic.points
    if mic.percent is not None and first > 0:
        step = min(step, first * mic.percent / 100)
    if measure.better == "lower":
        return round(max(float(measure.low), first - step), 2)
    return round(min(float(measure.high), first + step), 2)
