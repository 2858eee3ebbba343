"""The physio report as one self-contained HTML page, from the Jinja2 templates shipped here.

The chart is embedded as a PNG data URI and the style sheet is inline: the file opens
anywhere, offline, and fetches nothing.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from backstride.errors import InputInvalid
from backstride.reports.physio_report import (
    SECTION_TITLES,
    PhysioReport,
    cite_marks,
    day_text,
    key_facts,
)
from backstride.reports.progress import progress_png

TEMPLATE = "physio_report.html.j2"
CHART_DPI = 120


def write_html(report: PhysioReport, path: Path) -> Path:
    """Write the report to `path` as an HTML file (UTF-8)."""
    text = html_text(report)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputInvalid(f"{path}: cannot write the report ({exc.strerror})") from exc
    return path


def html_text(report: PhysioReport) -> str:
    """The report as an HTML document."""
    chart = None
    if not report.progress.is_empty:
        png = progress_png(report.progress, dpi=CHART_DPI)
        chart = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    template = _environment().get_template(TEMPLATE)
    return template.render(
        report=report,
        facts=key_facts(report),
        chart=chart,
        titles=SECTION_TITLES,
    )


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("backstride.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["day"] = day_text
    environment.filters["cite"] = cite_marks
    return environment
