"""The report a runner brings to a physiotherapist: what it holds, and its key facts.

`services.report` fills a `PhysioReport` from the runner's record; `reports.physio_pdf` and
`reports.physio_html` render the same report. Every piece of advice carries the numbers of its
sources (`Cited.sources`), listed at the end of the report (`PhysioReport.sources`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backstride.reports.progress import Progress, StageMark

LEVEL_LABEL = {
    "emergency": "Emergency: go to an emergency department now",
    "urgent": "Urgent: see a doctor today",
    "see_doctor": "See a doctor or physiotherapist within days",
    "self_care": "Self-care",
}
DECISION_LABEL = {"stop": "Stop running", "reduce": "Run less, easy", "continue": "Continue"}
STARTBACK_MEANING = {
    "low": "low risk of a poor outcome: advice, reassurance and staying active are usually enough",
    "medium": "medium risk: physical symptoms dominate; physiotherapy is the matched care",
    "high": "high risk: psychosocial factors weigh; psychologically informed physiotherapy fits",
}
RTR_DECISION_LABEL = {
    "start": "started",
    "progress": "moved up a stage",
    "hold": "stayed at the stage",
    "regress": "moved back a stage",
    "stop": "stopped",
}
SECTION_TITLES = (
    "At a glance",
    "Triage",
    "STarT Back screening",
    "Pain and running",
    "Outcome measures",
    "Return to run",
    "Exercise adherence",
    "Red flags asked and answered",
    "Weekly running load",
    "Running form",
    "Sources",
)


@dataclass(frozen=True, slots=True)
class Cited:
    """A statement and the numbers of its sources in `PhysioReport.sources`."""

    text: str
    sources: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TriageSection:
    """The latest assessment's triage and running decision."""

    assessed_on: dt.date
    level: str
    title: str
    advice: Cited
    reasons: tuple[Cited, ...]
    running_decision: str
    running_why: tuple[str, ...]
    unanswered_red_flags: tuple[str, ...]
    missing_answers: tuple[str, ...] = ()
    """Questions left unanswered whose answer decides the triage, each saying what was assumed."""

    @property
    def level_label(self) -> str:
        return LEVEL_LABEL.get(self.level, self.level)

    @property
    def decision_label(self) -> str:
        return DECISION_LABEL.get(self.running_decision, self.running_decision)


@dataclass(frozen=True, slots=True)
class StartBackSection:
    """The Keele STarT Back score of the latest assessment."""

    total: int
    psychosocial: int
    risk: str
    sources: tuple[int, ...]

    @property
    def meaning(self) -> str:
        return STARTBACK_MEANING.get(self.risk, f"{self.risk} risk")


@dataclass(frozen=True, slots=True)
class ReturnToRunSection:
    """The current return-to-run programme: where the runner stands and the latest decision."""

    stage: int
    stages: int
    stage_name: str
    session: str
    status: str
    started_on: dt.date
    last_decision: str | None
    decided_on: dt.date | None
    why: tuple[str, ...]
    marks: tuple[StageMark, ...]
    sources: tuple[int, ...]

    @property
    def history(self) -> str:
        """The stage changes, e.g. "9 Feb start: stage 1; 12 Feb up to stage 2"."""
        return "; ".join(f"{m.day.day} {m.day:%b} {m.label}" for m in self.marks)

    @property
    def decision_label(self) -> str:
        if self.last_decision is None:
            return "no decision yet"
        label = RTR_DECISION_LABEL.get(self.last_decision, self.last_decision)
        return f"{label} on {day_text(self.decided_on)}" if self.decided_on else label


@dataclass(frozen=True, slots=True)
class ExerciseDays:
    """How many days of the adherence window one prescribed exercise was done."""

    exercise_id: str
    name: str
    dose: str
    days_done: int
    sources: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AdherenceSection:
    """Days with at least one of the plan's exercises done, from `date_from` to `date_to`.

    Days without a check-in count as days without exercises.
    """

    date_from: dt.date
    date_to: dt.date
    days: int
    days_logged: int
    days_done: int
    exercises: tuple[ExerciseDays, ...]

    @property
    def share(self) -> float:
        return self.days_done / self.days if self.days else 0.0


@dataclass(frozen=True, slots=True)
class RedFlagLine:
    """One red-flag question and its answers: at the assessment and at recent check-ins."""

    flag_id: str
    question: str
    at_assessment: str
    at_check_ins: str
    reported: bool


@dataclass(frozen=True, slots=True)
class RedFlagSection:
    """The red-flag questions asked, in intake order, with what the runner answered."""

    assessed_on: dt.date | None
    check_ins: int
    date_from: dt.date
    date_to: dt.date
    lines: tuple[RedFlagLine, ...]
    sources: tuple[int, ...]

    @property
    def reported(self) -> tuple[RedFlagLine, ...]:
        return tuple(line for line in self.lines if line.reported)


@dataclass(frozen=True, slots=True)
class LoadWeekLine:
    """One week of running in the load table, with the load flags that fell in it."""

    week_start: dt.date
    runs: int
    distance_km: float
    longest_run_km: float
    flags: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True, slots=True)
class LoadSection:
    """Weekly running load with its flags, and ACWR shown as context only."""

    weeks: tuple[LoadWeekLine, ...]
    flags: tuple[Cited, ...]
    acwr: float | None
    acwr_note: Cited


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A numbered source: its citation and where it was published (shown, never fetched)."""

    number: int
    citation: str
    url: str | None


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    """One outcome measure: first and latest score, the change, its MIC and what it means."""

    measure: str
    """The measure and its scale, e.g. "RMDQ (0-24, lower is better)"."""
    first: str
    latest: str
    change: str
    threshold: str
    verdict: str
    reached: bool | None
    """Whether the change reaches the MIC; None where there is no change or no MIC."""
    sources: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class OutcomeSection:
    """The outcome measures, as Progress shows them, each cited for its MIC."""

    lines: tuple[OutcomeLine, ...]

    @property
    def is_empty(self) -> bool:
        return all(line.first == "-" for line in self.lines)


@dataclass(frozen=True, slots=True)
class FormSection:
    """The latest running-form analysis: its measures (name, value) and findings, cited."""

    analysed_on: dt.date
    file: str
    usable: bool
    steps: int
    measures: tuple[tuple[str, str], ...]
    findings: tuple[Cited, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhysioReport:
    """Everything the physio report shows; sections are None when the record has no data."""

    runner: str
    made_on: dt.date
    progress: Progress
    triage: TriageSection | None
    startback: StartBackSection | None
    return_to_run: ReturnToRunSection | None
    adherence: AdherenceSection | None
    red_flags: RedFlagSection
    load: LoadSection
    sources: tuple[SourceLine, ...]
    disclaimer: str
    outcomes: OutcomeSection | None = None
    form: FormSection | None = None
    """The latest form analysis; None when none was made."""


def key_facts(report: PhysioReport) -> list[tuple[str, str]]:
    """The "At a glance" lines: (label, value), in the order a clinician asks."""
    facts: list[tuple[str, str]] = []
    triage = report.triage
    if triage is not None:
        facts.append((f"Triage ({day_text(triage.assessed_on)})", triage.level_label))
        facts.append(("Running decision", triage.decision_label))
    else:
        facts.append(("Triage", "no assessment on record"))
    if report.startback is not None:
        s = report.startback
        facts.append(
            ("STarT Back", f"{s.risk} risk (total {s.total}/9, psychosocial {s.psychosocial}/5)")
        )
    if report.outcomes is not None and not report.outcomes.is_empty:
        facts.append(("Outcome measures", outcomes_summary(report.outcomes)))
    facts.append(("Morning pain", morning_pain_trend(report.progress)))
    rtr = report.return_to_run
    if rtr is not None:
        facts.append(
            (
                "Return to run",
                f"stage {rtr.stage} of {rtr.stages} ({rtr.status}); {rtr.decision_label}",
            )
        )
    if report.adherence is not None:
        a = report.adherence
        facts.append(("Exercise adherence", f"{a.share:.0%} of days ({a.days_done} of {a.days})"))
    reported = report.red_flags.reported
    facts.append(
        (
            "Red flags",
            "REPORTED: " + "; ".join(r.question for r in reported) if reported else "none reported",
        )
    )
    facts.append(("Running load", load_summary(report.load)))
    facts.append(("Running form", form_summary(report.form)))
    return facts


def form_summary(form: FormSection | None) -> str:
    """The latest form analysis in a line, e.g. "2 Mar: overstriding (2 findings)"."""
    if form is None:
        return "no analysis made"
    if not form.usable:
        return f"{day_text(form.analysed_on)}: the clip was not usable for advice"
    if not form.findings:
        return f"{day_text(form.analysed_on)}: no finding"
    names = [finding.text.split(":")[0] for finding in form.findings]
    return f"{day_text(form.analysed_on)}: " + ", ".join(names)


def morning_pain_trend(progress: Progress) -> str:
    """The last two weeks' average morning pain, e.g. "2.1/10 in the week of 9 Mar (3.0 before)"."""
    logged = [w for w in progress.weeks if w.morning_pain_avg is not None]
    if not logged:
        return "not logged"
    last = logged[-1]
    text = f"{last.morning_pain_avg:.1f}/10 on average in the week of {day_text(last.week_start)}"
    if len(logged) > 1 and logged[-2].morning_pain_avg is not None:
        text += (
            f" ({logged[-2].morning_pain_avg:.1f} the week of {day_text(logged[-2].week_start)})"
        )
    return text


def outcomes_summary(section: OutcomeSection) -> str:
    """Each measure answered more than once, first to latest and what it means, e.g.
    "RMDQ 12 -> 7, improved"."""
    parts = []
    for line in section.lines:
        if line.latest == "-":
            continue
        short = line.measure.split(" (")[0]
        first, latest = line.first.split(" (")[0], line.latest.split(" (")[0]
        parts.append(f"{short} {first} -> {latest}, {line.verdict.split(':')[0].lower()}")
    return "; ".join(parts) if parts else "one score of each so far"


def load_summary(load: LoadSection) -> str:
    """The latest week's distance and how many load flags the shown weeks hold."""
    if not load.weeks:
        return "no weeks"
    last = load.weeks[-1]
    flags = len(load.flags)
    flag_text = "no load flag" if flags == 0 else f"{flags} load flag{'s' if flags > 1 else ''}"
    return (
        f"{last.distance_km:.1f} km in the week of {day_text(last.week_start)} so far; "
        f"{flag_text} in {len(load.weeks)} weeks"
    )


def cite_marks(sources: tuple[int, ...]) -> str:
    """Source numbers as a reader sees them: " [1, 3]", or "" without sources."""
    return " [" + ", ".join(str(n) for n in sorted(sources)) + "]" if sources else ""


def day_text(day: dt.date | None) -> str:
    """A date as "9 Mar 2026"."""
    return "-" if day is None else f"{day.day} {day:%b %Y}"
