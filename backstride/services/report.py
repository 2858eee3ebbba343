"""The physio report: gather the runner's record and assemble a `reports.PhysioReport`.

`runner_report` reads the store (latest assessment, check-ins, programmes, runs);
`build_report` is the pure assembly, every piece of advice cited by number. Rendering is in
`reports.physio_pdf` and `reports.physio_html`.

```python
with open_record(db) as record:
    report = runner_report(record, today=runner_today(record))
write_pdf(report, Path("report.pdf"))
```

`report_file` gives the same report as a file to download (the web app's "Your data" page):
its bytes, media type, and a file name with the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backstride.clock import today_in
from backstride.coach.training_load import LoadReport, WeeklyIncreaseFlag, week_start
from backstride.coach.triage import SEVERE_PAIN
from backstride.errors import BackstrideError
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.reports.form_measures import measure_rows
from backstride.reports.physio_report import (
    AdherenceSection,
    Cited,
    ExerciseDays,
    FormSection,
    LoadSection,
    LoadWeekLine,
    OutcomeLine,
    OutcomeSection,
    PhysioReport,
    RedFlagLine,
    RedFlagSection,
    ReturnToRunSection,
    SourceLine,
    StartBackSection,
    TriageSection,
    day_text,
)
from backstride.reports.progress import StageMark
from backstride.services.load import flag_text, runner_load, runner_zone
from backstride.services.outcomes import (
    MeasureSummary,
    OutcomesReport,
    runner_outcomes,
    score_text,
)
from backstride.services.progress import (
    DEFAULT_PROGRESS_WEEKS,
    build_progress,
    diary_start,
    programme_marks,
)
from backstride.services.record import Record
from backstride.store import repo
from backstride.store.records import (
    AssessmentRecord,
    CheckInRecord,
    FormAnalysisRecord,
    ReturnToRunState,
)

__all__ = [
    "ADHERENCE_DAYS",
    "REPORT_FORMATS",
    "NothingToReport",
    "RecordExtract",
    "ReportFile",
    "build_report",
    "report_file",
    "runner_report",
]

#: Adherence and red flags look back this many days (4 weeks), from the plan's date at most.
ADHERENCE_DAYS = 28
#: The files a report can be: format -> media type.
REPORT_FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
_ACWR_SOURCES = ("williams_2017", "lolli_2019", "impellizzeri_2020")
_STARTBACK_SOURCES = ("keele_startback",)


@dataclass(frozen=True, slots=True)
class RecordExtract:
    """What the report reads from the record, as of `today` in the runner's time zone."""

    runner: str
    today: dt.date
    tz: dt.tzinfo
    assessment: AssessmentRecord | None
    check_ins: tuple[CheckInRecord, ...]
    programmes: tuple[ReturnToRunState, ...]
    load: LoadReport
    outcomes: OutcomesReport | None = None
    """The outcome measures over the whole record (not only the weeks shown)."""
    form: FormAnalysisRecord | None = None
    """The latest running-form analysis kept, whenever it was made."""


def runner_report(
    record: Record,
    *,
    today: dt.date,
    weeks: int = DEFAULT_PROGRESS_WEEKS,
    knowledge: KnowledgeBase | None = None,
) -> PhysioReport:
    """The report of the runner's record as of `today`, over the `weeks` weeks ending then."""
    kb = knowledge or load_knowledge()
    load = runner_load(record, weeks=weeks, until=today)
    since = min(load.weeks[0].week_start, today - dt.timedelta(days=ADHERENCE_DAYS - 1))
    with record.session() as session:
        runner_id = record.runner.id
        programmes = repo.list_return_to_run(session=session, runner_id=runner_id)
        extract = RecordExtract(
            runner=record.runner.name or "",
            today=today,
            tz=runner_zone(record),
            assessment=repo.latest_assessment(session=session, runner_id=runner_id),
            check_ins=tuple(
                repo.list_checkins(
                    session=session,
                    runner_id=runner_id,
                    date_from=diary_start(since, programmes),
                    date_to=today,
                )
            ),
            programmes=tuple(programmes),
            load=load,
            outcomes=runner_outcomes(record, knowledge=kb),
            form=repo.latest_form_analysis(session=session, runner_id=runner_id),
        )
    return build_report(extract, kb)


class NothingToReport(BackstrideError):
    """The record holds nothing a report could show: no assessment, no diary, no runs."""


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A report ready to download: its bytes, media type and a file name with its date."""

    content: bytes
    media_type: str
    file_name: str


def report_file(
    record: Record,
    *,
    file_format: str,
    today: dt.date | None = None,
    weeks: int = DEFAULT_PROGRESS_WEEKS,
    knowledge: KnowledgeBase | None = None,
) -> ReportFile:
    """The report as a PDF or HTML file, as of `today` (default: today where the runner lives).

    NothingToReport when there is nothing to report yet; ValueError for an unknown format.
    """
    if file_format not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {file_format!r}; choose pdf or html")
    day = today or today_in(runner_zone(record))
    report = runner_report(record, today=day, weeks=weeks, knowledge=knowledge)
    if file_format == "html":
        from backstride.reports.physio_html import html_text

        content = html_text(report).encode("utf-8")
    else:
        from backstride.reports.physio_pdf import pdf_bytes

        content = pdf_bytes(report)
    return ReportFile(
        content=content,
        media_type=REPORT_FORMATS[file_format],
        file_name=f"backstride-report-{day.isoformat()}.{file_format}",
    )


def build_report(extract: RecordExtract, knowledge: KnowledgeBase) -> PhysioReport:
    """Assemble the report from what was read. Pure; BackstrideError when there is nothing."""
    marks = programme_marks(extract.programmes, extract.check_ins, knowledge)
    progress = build_progress(
        extract.load, extract.check_ins, marks, stages=len(knowledge.return_to_run)
    )
    assessment = extract.assessment
    if assessment is None and progress.is_empty:
        raise NothingToReport(
            f"nothing to report yet: no assessment, and no check-ins with pain, runs or "
            f"return-to-run programme from {day_text(progress.first_day)} to "
            f"{day_text(progress.until)}. Start with `backstride assess`, then log your days "
            "with `backstride checkin`"
        )
    sources = _Sources(knowledge, assessment)
    assessed_on = _local_day(assessment, extract.tz)
    output = assessment.output if assessment is not None else {}
    return PhysioReport(
        runner=extract.runner,
        made_on=extract.today,
        progress=progress,
        triage=_triage(output, assessed_on, knowledge, sources, _intake(assessment)),
        startback=_startback(output, sources),
        outcomes=_outcomes(extract.outcomes, sources),
        return_to_run=_return_to_run(extract.programmes, marks, knowledge, sources),
        adherence=_adherence(output, assessed_on, extract, sources),
        red_flags=_red_flags(assessment, assessed_on, extract, knowledge, sources),
        load=_load(extract.load, sources),
        form=_form(extract.form, extract.tz, sources),
        sources=sources.lines(),
        disclaimer=knowledge.disclaimer,
    )


class _Sources:
    """Numbers each source the first time it is cited: 1, 2, ..."""

    def __init__(self, knowledge: KnowledgeBase, assessment: AssessmentRecord | None) -> None:
        self._knowledge = knowledge
        self._order: dict[str, int] = {}
        stored = assessment.output.get("sources", []) if assessment is not None else []
        # A stored assessment names its sources; they stay readable if the knowledge changes.
        self._stored: dict[str, Mapping[str, Any]] = {
            s["id"]: s for s in stored if isinstance(s, Mapping) and "id" in s
        }

    def cite(self, ids: Sequence[str]) -> tuple[int, ...]:
        return tuple(self._order.setdefault(i, len(self._order) + 1) for i in dict.fromkeys(ids))

    def lines(self) -> tuple[SourceLine, ...]:
        return tuple(self._line(i, n) for i, n in self._order.items())

    def _line(self, source_id: str, number: int) -> SourceLine:
        try:
            source = self._knowledge.source(source_id)
        except KeyError:
            stored = self._stored.get(source_id, {})
            return SourceLine(number, str(stored.get("citation", source_id)), stored.get("url"))
        return SourceLine(number, source.citation, source.url)


def _form(
    stored: FormAnalysisRecord | None, tz: dt.tzinfo, sources: _Sources
) -> FormSection | None:
    if stored is None:
        return None
    document = stored.document
    quality = document.get("quality", {})
    measures = tuple(
        (row["name"], row["value"] + (" (approximate)" if row["approximate"] else ""))
        for row in measure_rows(document.get("metrics"))
    )
    findings = tuple(
        Cited(f"{f['name']}: {f['evidence']}", sources.cite(f.get("sources", [])))
        for f in document.get("findings", [])
    )
    return FormSection(
        analysed_on=stored.created_at.astimezone(tz).date(),
        file=stored.file_name,
        usable=bool(quality.get("usable")),
        steps=int(quality.get("steps") or 0),
        measures=measures,
        findings=findings,
        problems=tuple(quality.get("problems", [])),
    )


def _local_day(assessment: AssessmentRecord | None, tz: dt.tzinfo) -> dt.date | None:
    return None if assessment is None else assessment.created_at.astimezone(tz).date()


def _intake(assessment: AssessmentRecord | None) -> Mapping[str, Any]:
    return assessment.intake if assessment is not None else {}


def _missing_answers(intake: Mapping[str, Any]) -> tuple[str, ...]:
    """The questions left unanswered whose answer decides the triage, and what was assumed."""
    pain = intake.get("pain")
    if not isinstance(pain, Mapping) or pain.get("eases_with_rest") is not None:
        return ()
    scores = [pain.get("nrs_now"), pain.get("nrs_worst_week")]
    worst = max((s for s in scores if isinstance(s, int)), default=0)
    if worst < SEVERE_PAIN:
        return ()
    return (
        f'"Does it ease when you rest?" was not answered although the pain reached {worst}/10, '
        "so it was treated as not easing (see a GP or physiotherapist within days). Ask it at "
        "the appointment.",
    )


def _triage(
    output: Mapping[str, Any],
    assessed_on: dt.date | None,
    knowledge: KnowledgeBase,
    sources: _Sources,
    intake: Mapping[str, Any],
) -> TriageSection | None:
    triage, running = output.get("triage"), output.get("running")
    if assessed_on is None or not isinstance(triage, Mapping) or not isinstance(running, Mapping):
        return None
    level = str(triage.get("level", ""))
    advice_sources = next((t.sources for t in knowledge.triage_levels if t.level == level), [])
    questions = {flag.id: flag.short_question for flag in knowledge.red_flags}
    return TriageSection(
        assessed_on=assessed_on,
        level=level,
        title=str(triage.get("title", "")),
        advice=Cited(str(triage.get("advice", "")), sources.cite(advice_sources)),
        reasons=tuple(
            Cited(str(r.get("text", r.get("id", ""))), sources.cite(r.get("sources", [])))
            for r in triage.get("reasons", [])
        ),
        running_decision=str(running.get("decision", "")),
        running_why=tuple(str(w) for w in running.get("why", [])),
        unanswered_red_flags=tuple(
            questions.get(i, i) for i in triage.get("unanswered_red_flags", [])
        ),
        missing_answers=_missing_answers(intake),
    )


def _startback(output: Mapping[str, Any], sources: _Sources) -> StartBackSection | None:
    score = output.get("startback")
    if not isinstance(score, Mapping):
        return None
    return StartBackSection(
        total=int(score["total"]),
        psychosocial=int(score["psychosocial"]),
        risk=str(score["risk"]),
        sources=sources.cite(_STARTBACK_SOURCES),
    )


def _outcomes(report: OutcomesReport | None, sources: _Sources) -> OutcomeSection | None:
    if report is None:
        return None
    return OutcomeSection(tuple(_outcome_line(summary, sources) for summary in report.measures))


def _outcome_line(summary: MeasureSummary, sources: _Sources) -> OutcomeLine:
    measure, change, mic = summary.measure, summary.change, summary.measure.mic
    scores = summary.scores

    def at(index: int) -> str:
        if not scores:
            return "-"
        score = scores[index]
        return f"{score_text(score.value)} ({day_text(score.day)})"

    threshold = "none (sorts risk)" if mic is None else f"{mic.points:g} points"
    if mic is not None and mic.percent is not None:
        threshold += f" or {mic.percent:g}%"
    moved = "-"
    if change is not None:
        sign = "+" if change.change > 0 else ""
        moved = f"{sign}{score_text(change.change)}"
        if change.percent is not None:
            moved += f" ({abs(float(change.percent)):.0f}%)"
    cited = [*measure.sources, *(mic.sources if mic else [])]
    return OutcomeLine(
        measure=f"{measure.short_name} ({measure.low}-{measure.high}, {measure.better} is better)",
        first=at(0),
        latest=at(-1) if len(scores) > 1 else "-",
        change=moved,
        threshold=threshold,
        verdict=_outcome_verdict(summary),
        reached=change.reaches_mic if change is not None and mic is not None else None,
        sources=sources.cite(cited),
    )


_VERDICT_WORDS = {
    "improved": "Improved: the change reaches the MIC",
    "worse": "Worse: the change reaches the MIC",
    "no_clear_change": "No clear change: below the MIC",
}


def _outcome_verdict(summary: MeasureSummary) -> str:
    change = summary.change
    if change is None:
        return "Not answered yet" if not summary.scores else "One score so far"
    if change.verdict == "no_threshold":
        before = change.baseline.detail.split(" risk")[0]
        now = change.latest.detail.split(" risk")[0]
        return f"Risk {before}, now {now}"
    words = _VERDICT_WORDS[change.verdict]
    if summary.measure.id == "psfs" and not change.same_activities:
        words += " (the activities rated changed)"
    return words


def _return_to_run(
    programmes: Sequence[ReturnToRunState],
    marks: Sequence[StageMark],
    knowledge: KnowledgeBase,
    sources: _Sources,
) -> ReturnToRunSection | None:
    if not programmes:
        return None
    current = programmes[-1]
    stage = next((s for s in knowledge.return_to_run if s.stage == current.stage), None)
    return ReturnToRunSection(
        stage=current.stage,
        stages=len(knowledge.return_to_run),
        stage_name=stage.name if stage else f"stage {current.stage}",
        session=stage.session if stage else "",
        status=current.status,
        started_on=current.started_on,
        last_decision=current.last_decision,
        decided_on=current.decided_on,
        why=current.why,
        marks=tuple(m for m in marks if m.day >= current.started_on),
        sources=sources.cite(stage.sources if stage else ["pain_monitoring_model"]),
    )


def _adherence(
    output: Mapping[str, Any],
    assessed_on: dt.date | None,
    extract: RecordExtract,
    sources: _Sources,
) -> AdherenceSection | None:
    plan = output.get("plan")
    exercises = plan.get("exercises", []) if isinstance(plan, Mapping) else []
    if assessed_on is None or not exercises:
        return None
    date_to = extract.today
    date_from = min(max(assessed_on, date_to - dt.timedelta(days=ADHERENCE_DAYS - 1)), date_to)
    done = [
        set(c.data.get("exercises_done") or [])
        for c in extract.check_ins
        if date_from <= c.date <= date_to
    ]
    plan_ids = {str(e["id"]) for e in exercises}
    return AdherenceSection(
        date_from=date_from,
        date_to=date_to,
        days=(date_to - date_from).days + 1,
        days_logged=len(done),
        days_done=sum(1 for day in done if day & plan_ids),
        exercises=tuple(
            ExerciseDays(
                exercise_id=str(e["id"]),
                name=str(e.get("name", e["id"])),
                dose=str(e.get("dose", "")),
                days_done=sum(1 for day in done if e["id"] in day),
                sources=sources.cite(e.get("sources", [])),
            )
            for e in exercises
        ),
    )


def _red_flags(
    assessment: AssessmentRecord | None,
    assessed_on: dt.date | None,
    extract: RecordExtract,
    knowledge: KnowledgeBase,
    sources: _Sources,
) -> RedFlagSection:
    date_from = extract.today - dt.timedelta(days=ADHERENCE_DAYS - 1)
    recent = [c for c in extract.check_ins if date_from <= c.date <= extract.today]
    intake = assessment.intake.get("red_flags") if assessment is not None else None
    given: Mapping[str, Any] = intake if isinstance(intake, Mapping) else {}
    lines = [
        _red_flag_line(
            flag.id,
            flag.short_question,
            given.get(flag.id) if assessment is not None else None,
            [(c.date, (c.data.get("red_flags") or {}).get(flag.id)) for c in recent],
            asked_at_assessment=assessment is not None,
        )
        for flag in knowledge.red_flags
    ]
    lines.append(
        _red_flag_line(
            "new_leg_symptoms",
            "Any new leg symptoms (daily check-in)?",
            None,
            [(c.date, c.new_leg_symptoms) for c in recent],
            asked_at_assessment=False,
        )
    )
    return RedFlagSection(
        assessed_on=assessed_on,
        check_ins=len(recent),
        date_from=date_from,
        date_to=extract.today,
        lines=tuple(lines),
        sources=sources.cite([s for flag in knowledge.red_flags for s in flag.sources]),
    )


def _red_flag_line(
    flag_id: str,
    question: str,
    at_assessment: Any,
    at_check_ins: Sequence[tuple[dt.date, Any]],
    *,
    asked_at_assessment: bool,
) -> RedFlagLine:
    yes_days = [day for day, answer in at_check_ins if answer is True]
    answered = sum(1 for _, answer in at_check_ins if isinstance(answer, bool))
    if yes_days:
        recent = "YES on " + ", ".join(f"{d.day} {d:%b}" for d in yes_days)
    elif answered:
        recent = f"no ({answered} of {len(at_check_ins)} check-ins)"
    else:
        recent = "not asked" if at_check_ins else "no check-ins"
    if not asked_at_assessment:
        first = "-" if flag_id == "new_leg_symptoms" else "no assessment"
    else:
        first = {True: "YES", False: "no"}.get(at_assessment, "not answered")
    return RedFlagLine(
        flag_id=flag_id,
        question=question,
        at_assessment=first,
        at_check_ins=recent,
        reported=at_assessment is True or bool(yes_days),
    )


def _load(load: LoadReport, sources: _Sources) -> LoadSection:
    flagged: dict[dt.date, list[str]] = {}
    for f in load.flags:
        if isinstance(f, WeeklyIncreaseFlag):
            flagged.setdefault(f.week_start, []).append(f"+{f.increase_pct:.0f}% vs 2 weeks before")
        else:
            flagged.setdefault(week_start(f.date), []).append(f"long run +{f.increase_pct:.0f}%")
    value = load.acwr.value
    context = "no running yet" if value is None else f"{value:.2f}"
    return LoadSection(
        weeks=tuple(
            LoadWeekLine(
                week_start=w.week_start,
                runs=w.runs,
                distance_km=w.distance_km,
                longest_run_km=w.longest_run_km,
                flags=tuple(flagged.get(w.week_start, ())),
            )
            for w in load.weeks
        ),
        flags=tuple(Cited(flag_text(f), sources.cite(f.sources)) for f in load.flags),
        acwr=value,
        acwr_note=Cited(
            f"Acute:chronic workload ratio (EWMA 7:28 days) on {day_text(load.until)}: "
            f"{context}. Shown as context only, never as a risk score: the ratio has strong "
            "critics.",
            sources.cite(_ACWR_SOURCES),
        ),
    )
