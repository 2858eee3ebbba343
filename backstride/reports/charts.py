"""Charts drawn with matplotlib (its Agg backend: no screen needed), written as PNG files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from backstride.coach.training_load import LoadReport, SingleRunSpikeFlag, WeeklyIncreaseFlag
from backstride.errors import InputInvalid

FLAG_COLOUR = "#c0392b"
BAR_COLOUR = "#4a7ab5"
SPIKE_COLOUR = "#e67e22"


def plot_weekly_load(report: LoadReport, path: Path) -> Path:
    """Weekly running distance as bars; weeks that rose over 30% in red, long-run spikes marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rising = {f.week_start for f in report.flags if isinstance(f, WeeklyIncreaseFlag)}
    position = {w.week_start: i for i, w in enumerate(report.weeks)}
    figure, axes = plt.subplots(figsize=(9, 4.5), dpi=110, layout="constrained")
    axes.bar(
        range(len(report.weeks)),
        [w.distance_km for w in report.weeks],
        color=[FLAG_COLOUR if w.week_start in rising else BAR_COLOUR for w in report.weeks],
    )
    for spike in (f for f in report.flags if isinstance(f, SingleRunSpikeFlag)):
        monday = spike.date - dt.timedelta(days=spike.date.weekday())
        axes.plot(
            [position[monday]],
            [spike.distance_km],
            marker="v",
            markersize=9,
            color=SPIKE_COLOUR,
            linestyle="none",
        )
    axes.set_xticks(
        range(len(report.weeks)),
        [f"{w.week_start.day} {w.week_start:%b}" for w in report.weeks],
        rotation=45,
        ha="right",
    )
    axes.set_xlabel("week starting (Monday)")
    axes.set_ylabel("running distance per week (km)")
    axes.set_title(f"Weekly running distance, {len(report.weeks)} weeks to {report.until:%d %b %Y}")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(
        handles=[
            Patch(color=BAR_COLOUR, label="week"),
            Patch(color=FLAG_COLOUR, label="more than 30% above two weeks before"),
            Line2D(
                [],
                [],
                marker="v",
                color=SPIKE_COLOUR,
                linestyle="none",
                label="a run >10% longer than the longest of the 30 days before (km)",
            ),
        ],
        loc="upper left",
        fontsize="small",
    )
    try:
        figure.savefig(path, format="png")
    except OSError as exc:
        raise InputInvalid(f"{path}: cannot write the chart ({exc.strerror})") from exc
    finally:
        plt.close(figure)
    return path
