"""The physio report as a PDF, drawn with fpdf2.

Why fpdf2: it is pure Python (a py3-none-any wheel whose dependencies, Pillow and fontTools,
ship wheels too), so `pip install` is all a fresh machine needs; WeasyPrint would need Pango
from the system's packages. It is actively maintained (py-pdf), embeds TrueType fonts with
Unicode text, and draws tables and images, which is all this report uses. ReportLab would do
as well but is heavier than a two-page report needs.

Fonts are the DejaVu fonts matplotlib ships (already a dependency): nothing is fetched, and
every character of the knowledge base (dashes, quotes, ≥) prints.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from backstride.errors import InputInvalid
from backstride.reports.physio_report import (
    SECTION_TITLES,
    Cited,
    PhysioReport,
    cite_marks,
    day_text,
    key_facts,
)
from backstride.reports.progress import progress_png

FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (200, 205, 210)
HEADING_FILL = (226, 233, 242)
STRIPE = (245, 247, 250)
ALERT = (176, 42, 30)
LEVEL_COLOUR = {
    "emergency": (176, 42, 30),
    "urgent": (176, 42, 30),
    "see_doctor": (191, 87, 0),
    "self_care": (46, 125, 50),
}
LINE_MM = 4.6
CHART_DPI = 200


def write_pdf(report: PhysioReport, path: Path) -> Path:
    """Write the report to `path` as a PDF file."""
    data = pdf_bytes(report)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputInvalid(f"{path}: cannot write the report ({exc.strerror})") from exc
    return path


def pdf_bytes(report: PhysioReport) -> bytes:
    """The report as PDF bytes (A4)."""
    pdf = _ReportPdf(report)
    pdf.add_page()
    _title(pdf, report)
    _at_a_glance(pdf, report)
    _triage(pdf, report)
    _startback(pdf, report)
    _chart(pdf, report)
    _outcomes(pdf, report)
    _return_to_run(pdf, report)
    _adherence(pdf, report)
    _red_flags(pdf, report)
    _load(pdf, report)
    _form(pdf, report)
    _sources(pdf, report)
    return bytes(pdf.output())


class _ReportPdf(FPDF):
    """A4 pages with the DejaVu fonts and a footer naming the report and the page."""

    def __init__(self, report: PhysioReport) -> None:
        super().__init__(format="A4", unit="mm")
        self._made_on = report.made_on
        fonts = _font_folder()
        self.add_font(FONT, "", fonts / "DejaVuSans.ttf")
        self.add_font(FONT, "B", fonts / "DejaVuSans-Bold.ttf")
        self.add_font(FONT, "I", fonts / "DejaVuSans-Oblique.ttf")
        self.add_font(FONT, "BI", fonts / "DejaVuSans-BoldOblique.ttf")
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title("Backstride report for a physiotherapist")
        self.set_author("Backstride")
        self.set_creator("Backstride")
        self.set_creation_date(dt.datetime.combine(report.made_on, dt.time(), tzinfo=dt.UTC))
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(
            0,
            4,
            f"Backstride report, {day_text(self._made_on)}. General information, not a "
            f"diagnosis.   Page {self.page_no()} of {{nb}}",
            align="C",
        )
        self.set_text_color(*INK)


def _font_folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


# Building blocks -------------------------------------------------------------------------------


def _heading(pdf: FPDF, title: str, *, room_mm: float = 30) -> None:
    """A section heading, on a new page when less than `room_mm` is left below it."""
    if pdf.will_page_break(room_mm):
        pdf.add_page()
    pdf.ln(2.5)
    pdf.start_section(title)
    pdf.set_font(FONT, "B", 11.5)
    pdf.set_fill_color(*HEADING_FILL)
    pdf.cell(0, 6.5, f" {title}", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_fill_color(255)
    pdf.ln(1.5)
    pdf.set_font(FONT, "", 9.5)


def _text(pdf: FPDF, text: str, *, style: str = "", size: float = 9.5) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, LINE_MM, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)


def _bullets(pdf: FPDF, items: list[Cited] | list[str], *, size: float = 9.5) -> None:
    pdf.set_font(FONT, "", size)
    for item in items:
        text = item if isinstance(item, str) else item.text + cite_marks(item.sources)
        pdf.set_x(pdf.l_margin + 2)
        pdf.cell(4, LINE_MM, "•")
        pdf.multi_cell(0, LINE_MM, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9.5)


def _label_value(pdf: FPDF, label: str, value: str, *, colour: tuple[int, int, int] = INK) -> None:
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(pdf.get_string_width(label + " ") + 1, LINE_MM, label + " ")
    pdf.set_font(FONT, "B" if colour != INK else "", 9.5)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, LINE_MM, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 9.5)


def _table(
    pdf: FPDF,
    heading: tuple[str, ...] | None,
    rows: Sequence[tuple[str, ...]],
    widths: tuple[float, ...],
    *,
    alerts: set[int] | None = None,
    align: tuple[str, ...] | str = "LEFT",
) -> None:
    """A table, with a heading row when given; rows whose index is in `alerts` print in red."""
    pdf.set_font(FONT, "", 8.5)
    pdf.set_draw_color(*RULE)
    alert = FontFace(color=ALERT, emphasis="BOLD")
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align=align,
        line_height=4.2,
        first_row_as_headings=heading is not None,
        cell_fill_color=STRIPE,
        cell_fill_mode="ROWS",
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        padding=(0.8, 1.5),
    ) as table:
        if heading is not None:
            table.row(heading)
        for number, values in enumerate(rows):
            style = alert if number in (alerts or set()) else None
            row = table.row()
            for value in values:
                row.cell(value, style=style)
    pdf.set_font(FONT, "", 9.5)


# Sections --------------------------------------------------------------------------------------


def _title(pdf: FPDF, report: PhysioReport) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.cell(0, 9, "Back pain and running: report for a physiotherapist")
    pdf.ln(9)
    pdf.set_text_color(*MUTED)
    who = f"Runner: {report.runner}. " if report.runner else ""
    progress = report.progress
    _text(
        pdf,
        f"{who}Made with Backstride on {day_text(report.made_on)} from the runner's own "
        f"records, covering {day_text(progress.first_day)} to {day_text(progress.until)}.",
        size=9,
    )
    pdf.set_text_color(*INK)


def _at_a_glance(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[0])
    facts = key_facts(report)
    alerts = {i for i, (label, value) in enumerate(facts) if value.startswith("REPORTED")}
    if report.triage is not None and report.triage.level != "self_care":
        alerts.add(0)
    _table(pdf, None, facts, (34, 146), alerts=alerts)


def _triage(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[1])
    triage = report.triage
    if triage is None:
        _text(pdf, "No assessment on record: run `backstride assess` to add one.", style="I")
        return
    colour = LEVEL_COLOUR.get(triage.level, INK)
    _label_value(
        pdf, f"Assessment of {day_text(triage.assessed_on)}:", triage.level_label, colour=colour
    )
    _text(pdf, triage.title + cite_marks(triage.advice.sources), style="B")
    if triage.reasons:
        _text(pdf, "Why (every rule that fired):")
        _bullets(pdf, list(triage.reasons))
    else:
        _text(pdf, "No triage rule fired: no red flag or warning sign in the answers.")
    for missing in triage.missing_answers:
        _text(pdf, "Answer missing: " + missing, style="B")
    if triage.unanswered_red_flags:
        _text(pdf, "Not answered: " + "; ".join(triage.unanswered_red_flags), style="I")
    _label_value(pdf, "Running:", triage.decision_label)
    _bullets(pdf, list(triage.running_why), size=9)


def _startback(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[2], room_mm=16)
    s = report.startback
    if s is None:
        _text(pdf, "Not answered at the latest assessment.", style="I")
        return
    _text(
        pdf,
        f"Total {s.total}/9, psychosocial subscale {s.psychosocial}/5: {s.meaning}."
        + cite_marks(s.sources),
    )


def _outcomes(pdf: FPDF, report: PhysioReport) -> None:
    section = report.outcomes
    rows = 0 if section is None else len(section.lines)
    _heading(pdf, SECTION_TITLES[4], room_mm=20 + 9 * rows)
    if section is None or section.is_empty:
        _text(
            pdf,
            "No outcome measure on record yet: the runner answers the RMDQ and the PSFS in "
            "Backstride at the start and every two weeks.",
            style="I",
        )
        return
    _text(
        pdf,
        "From the first score to the latest. A change counts as real when it reaches the "
        "minimal important change (MIC); below it, it is reported as no clear change.",
        size=9,
    )
    heading = ("Measure", "First", "Latest", "Change", "MIC", "What it means")
    lines = [
        (
            line.measure,
            line.first,
            line.latest,
            line.change,
            line.threshold + cite_marks(line.sources),
            line.verdict,
        )
        for line in section.lines
    ]
    _table(pdf, heading, lines, (30, 23, 23, 18, 26, 58))


def _chart(pdf: FPDF, report: PhysioReport) -> None:
    width = pdf.epw
    height = width / 2
    _heading(pdf, SECTION_TITLES[3], room_mm=height + 12)
    if report.progress.is_empty:
        _text(pdf, "No pain logged and no runs in these weeks.", style="I")
        return
    png = progress_png(report.progress, dpi=CHART_DPI, width_in=8)
    pdf.image(
        io.BytesIO(png),
        w=width,
        h=height,
        alt_text="Morning pain and session pain over time, weekly running distance as bars",
    )
    pdf.ln(1)


def _return_to_run(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[5], room_mm=22)
    rtr = report.return_to_run
    if rtr is None:
        _text(pdf, "No return-to-run programme on record.", style="I")
        return
    _label_value(
        pdf,
        "Stage:",
        f"{rtr.stage} of {rtr.stages}, {rtr.stage_name} ({rtr.status}, started "
        f"{day_text(rtr.started_on)})",
    )
    if rtr.session:
        _text(pdf, "Session: " + rtr.session + cite_marks(rtr.sources))
    _label_value(pdf, "Latest decision:", rtr.decision_label)
    _bullets(pdf, list(rtr.why), size=9)
    if rtr.marks:
        _label_value(pdf, "Stage changes:", rtr.history)


def _adherence(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[6], room_mm=30)
    a = report.adherence
    if a is None:
        _text(pdf, "No exercise plan on record (it comes with an assessment).", style="I")
        return
    _text(
        pdf,
        f"At least one plan exercise done on {a.days_done} of the {a.days} days from "
        f"{day_text(a.date_from)} to {day_text(a.date_to)} ({a.share:.0%}); {a.days_logged} of "
        "those days were logged, and days without a check-in count as not done.",
    )
    heading = ("Exercise", "Dose", "Days done")
    rows = [
        (e.name + cite_marks(e.sources), e.dose, f"{e.days_done} of {a.days}") for e in a.exercises
    ]
    _table(pdf, heading, rows, (52, 106, 22), align=("LEFT", "LEFT", "RIGHT"))


def _red_flags(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[7], room_mm=40)
    flags = report.red_flags
    reported = flags.reported
    summary = (
        "Reported: " + "; ".join(r.question for r in reported) if reported else "None reported."
    )
    _text(pdf, summary, style="B")
    asked = (
        f"at the assessment of {day_text(flags.assessed_on)}"
        if flags.assessed_on
        else "no assessment"
    )
    _text(
        pdf,
        f"Asked {asked}, and at {flags.check_ins} check-in(s) from "
        f"{day_text(flags.date_from)} to {day_text(flags.date_to)}." + cite_marks(flags.sources),
        size=8.5,
    )
    heading = ("Question", "Assessment", "Check-ins")
    rows = [(r.question, r.at_assessment, r.at_check_ins) for r in flags.lines]
    alerts = {i for i, r in enumerate(flags.lines) if r.reported}
    _table(pdf, heading, rows, (104, 26, 50), alerts=alerts)


def _load(pdf: FPDF, report: PhysioReport) -> None:
    load = report.load
    # Keep the weekly table on one page: a row is about 5 mm.
    _heading(pdf, SECTION_TITLES[8], room_mm=16 + 5.2 * (len(load.weeks) + 1))
    heading = ("Week of", "Runs", "Distance (km)", "Longest run (km)", "Flag")
    rows = [
        (
            day_text(w.week_start),
            str(w.runs),
            f"{w.distance_km:.1f}",
            f"{w.longest_run_km:.1f}",
            "; ".join(w.flags),
        )
        for w in load.weeks
    ]
    alerts = {i for i, w in enumerate(load.weeks) if w.flagged}
    _table(
        pdf,
        heading,
        rows,
        (32, 14, 30, 34, 70),
        alerts=alerts,
        align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
    )
    pdf.ln(1)
    if load.flags:
        _bullets(pdf, list(load.flags), size=9)
    else:
        _text(pdf, "No load flag in these weeks.", size=9)
    _text(pdf, load.acwr_note.text + cite_marks(load.acwr_note.sources), style="I", size=8.5)


def _form(pdf: FPDF, report: PhysioReport) -> None:
    form = report.form
    rows = 0 if form is None else len(form.measures) + len(form.findings)
    _heading(pdf, SECTION_TITLES[9], room_mm=20 + 6 * rows)
    if form is None:
        _text(
            pdf,
            "No running-form analysis made: the runner films a side-view clip and Backstride "
            "measures it (`backstride form`, or the Form page).",
            style="I",
        )
        return
    usable = "usable" if form.usable else "not usable for advice"
    _text(
        pdf,
        f"Latest analysis: {day_text(form.analysed_on)}, {form.file}, {usable}, "
        f"{form.steps} steps.",
    )
    for problem in form.problems:
        _text(pdf, f"- {problem}", size=9)
    if form.measures:
        _table(pdf, ("Measure", "Value"), list(form.measures), (60, 118))
    if form.usable and not form.findings:
        _text(pdf, "No finding passes Backstride's thresholds.", style="I")
    for finding in form.findings:
        _text(pdf, f"- {finding.text}" + cite_marks(finding.sources))


def _sources(pdf: FPDF, report: PhysioReport) -> None:
    _heading(pdf, SECTION_TITLES[10], room_mm=20)
    pdf.set_font(FONT, "", 7.5)
    for source in report.sources:
        where = f" {source.url}" if source.url else ""
        pdf.multi_cell(
            0,
            3.5,
            f"[{source.number}] {source.citation}{where}",
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(3)
    _text(pdf, report.disclaimer, style="I", size=8)
