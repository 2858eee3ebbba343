"""Progress over time: the pain diary against weekly running distance, stage changes marked.

`Progress` is what the chart and the weekly table show; `services.progress` fills it from the
runner's record. Drawn with matplotlib's Agg backend (no screen needed).

```python
png = progress_png(progress)                 # bytes, e.g. to embed in a report
plot_progress(progress, Path("pain.png"))    # or a file
```
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from backstride.errors import BackstrideError, InputInvalid

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MORNING_COLOUR = "#1f5fa8"
SESSION_COLOUR = "#d35400"
BAR_COLOUR = "#9db7d5"
STAGE_COLOUR = "#2e7d32"
SETBACK_COLOUR = "#b02a1e"
LIMIT_COLOUR = "#7f8c8d"
#: Pain during a session up to this level is acceptable in the pain-monitoring model.
SESSION_PAIN_LIMIT = 5


@dataclass(frozen=True, slots=True)
class PainDay:
    """One day of the pain diary: morning pain and the highest pain of the day's session."""

    day: dt.date
    morning_pain: int | None
    session_pain: int | None
    session_kind: str | None


StageChange = Literal["start", "progress", "regress", "stop", "complete"]


@dataclass(frozen=True, slots=True)
class StageMark:
    """A change in the return-to-run programme: started, moved up or down, stopped, completed.

    `stage` is the stage from that day on, None when the record does not say or the programme
    ended.
    """

    day: dt.date
    change: StageChange
    stage: int | None
    label: str

    @property
    def ends_programme(self) -> bool:
        return self.change in ("stop", "complete")


@dataclass(frozen=True, slots=True)
class ProgressWeek:
    """One ISO week (Monday start) of the diary and of running.

    `in_programme` and `stage` describe the return-to-run programme at the end of the week;
    `stage` is None when the record does not keep it.
    """

    week_start: dt.date
    check_ins: int
    morning_pain_avg: float | None
    sessions: int
    runs: int
    distance_km: float
    in_programme: bool
    stage: int | None


@dataclass(frozen=True, slots=True)
class Progress:
    """The weeks from `first_day` to `until`: daily pain, weekly totals and stage changes."""

    first_day: dt.date
    until: dt.date
    days: tuple[PainDay, ...]
    weeks: tuple[ProgressWeek, ...]
    stage_marks: tuple[StageMark, ...]
    stages: int

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to draw: no pain logged, no running, no programme."""
        return (
            not any(d.morning_pain is not None or d.session_pain is not None for d in self.days)
            and not any(w.distance_km > 0 for w in self.weeks)
            and not self.stage_marks
        )

    def empty_message(self) -> str:
        """What to do when `is_empty`: the message names the commands that fill the record."""
        return (
            f"nothing to show for {_day(self.first_day)} to {_day(self.until)}: no check-ins with "
            "pain, no runs and no return-to-run programme. Log a day with `backstride checkin`, "
            "import runs with `backstride import`, or choose more weeks with --weeks"
        )


def plot_progress(progress: Progress, path: Path) -> Path:
    """Write the progress chart to `path` as a PNG file."""
    png = progress_png(progress)
    try:
        path.write_bytes(png)
    except OSError as exc:
        raise InputInvalid(f"{path}: cannot write the chart ({exc.strerror})") from exc
    return path


def progress_png(progress: Progress, *, dpi: int = 110, width_in: float = 9.0) -> bytes:
    """The progress chart as PNG bytes; BackstrideError when there is nothing to draw."""
    if progress.is_empty:
        raise BackstrideError(progress.empty_message())
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, pain_axes = plt.subplots(
        figsize=(width_in, width_in / 2), dpi=dpi, layout="constrained"
    )
    try:
        distance_axes = pain_axes.twinx()
        _draw_distance(distance_axes, progress)
        _draw_pain(pain_axes, progress)
        _draw_stages(pain_axes, progress)
        # Pain in front of the distance bars: the twin axes would otherwise cover it.
        pain_axes.set_zorder(distance_axes.get_zorder() + 1)
        pain_axes.patch.set_visible(False)
        _style_dates(pain_axes, progress)
        pain_axes.set_title(
            f"Pain and weekly running distance, {_day(progress.first_day)} to "
            f"{_day(progress.until)}"
        )
        handles = [*pain_axes.get_legend_handles_labels()[0]]
        handles += distance_axes.get_legend_handles_labels()[0]
        figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize="small")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def _draw_pain(axes: Axes, progress: Progress) -> None:
    morning = [(d.day, d.morning_pain) for d in progress.days if d.morning_pain is not None]
    session = [(d.day, d.session_pain) for d in progress.days if d.session_pain is not None]
    axes.plot(
        [_x(progress, d) for d, _ in morning],
        [p for _, p in morning],
        color=MORNING_COLOUR,
        marker="o",
        markersize=4,
        linewidth=1.6,
        label="morning pain (0-10)",
    )
    axes.plot(
        [_x(progress, d) for d, _ in session],
        [p for _, p in session],
        color=SESSION_COLOUR,
        marker="^",
        markersize=6,
        linewidth=1,
        linestyle="--",
        label="highest pain in the session (0-10)",
    )
    axes.axhline(
        SESSION_PAIN_LIMIT,
        color=LIMIT_COLOUR,
        linestyle=":",
        linewidth=1.2,
        label=f"limit for session pain ({SESSION_PAIN_LIMIT}/10)",
    )
    axes.set_ylim(0, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel("pain (0 = none, 10 = worst)")
    axes.grid(axis="y", alpha=0.3)


def _draw_distance(axes: Axes, progress: Progress) -> None:
    # A bar spans its week, Monday to Sunday.
    axes.bar(
        [_x(progress, w.week_start) + 3 for w in progress.weeks],
        [w.distance_km for w in progress.weeks],
        width=6.4,
        color=BAR_COLOUR,
        alpha=0.6,
        label="weekly running distance (km)",
    )
    top = max((w.distance_km for w in progress.weeks), default=0.0)
    axes.set_ylim(0, max(top * 1.25, 5.0))
    axes.set_ylabel("running distance per week (km)")


def _draw_stages(axes: Axes, progress: Progress) -> None:
    """A vertical line per stage change: green for a start or a move up, red for a step back."""
    labelled: set[bool] = set()
    for mark in progress.stage_marks:
        x = _x(progress, mark.day)
        backwards = mark.change in ("regress", "stop")
        colour = SETBACK_COLOUR if backwards else STAGE_COLOUR
        axes.axvline(
            x,
            color=colour,
            linestyle="--" if backwards else "-",
            linewidth=1.2,
            alpha=0.8,
            label=None if backwards in labelled else _STAGE_LEGEND[backwards],
        )
        labelled.add(backwards)
        axes.annotate(
            mark.label,
            xy=(x, 10.3),
            xytext=(3, 0),
            textcoords="offset points",
            rotation=90,
            va="top",
            ha="left",
            fontsize="small",
            color=colour,
        )


_STAGE_LEGEND = {
    False: "return to run: start or stage up",
    True: "return to run: stage back or stop",
}


def _style_dates(axes: Axes, progress: Progress) -> None:
    """Days are numbered from `first_day` (a Monday); a tick and a label on each Monday."""
    mondays = [w.week_start for w in progress.weeks]
    axes.set_xlim(-0.6, _x(progress, progress.until) + 0.6)
    axes.set_xticks(
        [_x(progress, m) for m in mondays], [f"{m.day} {m:%b}" for m in mondays], rotation=45
    )
    axes.set_xlabel("date (ticks on Mondays)")


def _x(progress: Progress, day: dt.date) -> float:
    return float((day - progress.first_day).days)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
