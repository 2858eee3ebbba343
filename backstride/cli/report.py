"""Readable text reports for the terminal, built with Rich: the triage always comes first."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold red",
    "see_doctor": "bold yellow",
    "self_care": "bold green",
}
LEVEL_LABEL = {
    "emergency": "EMERGENCY",
    "urgent": "URGENT: SEE A DOCTOR TODAY",
    "see_doctor": "SEE A DOCTOR OR PHYSIO",
    "self_care": "SELF-CARE",
}
DECISION_STYLE = {"stop": "bold red", "reduce": "bold yellow", "continue": "bold green"}


def _item(console: Console, marker: str, body: RenderableType, indent: int = 2) -> None:
    """A list item with a hanging indent, so wrapped lines stay under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=indent + len(marker), justify="right", no_wrap=True)
    grid.add_column()
    grid.add_row(marker, body)
    console.print(grid)


class _Citations:
    """Numbers each source the first time it is cited: [1], [2], ..."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def mark(self, sources: list[str]) -> str:
        numbers = [self.order.setdefault(s, len(self.order) + 1) for s in sources]
        return " [" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def print_assessment(document: dict[str, Any], console: Console | None = None) -> None:
    """Print an assessment document (contract version 1) as a report."""
    console = console or Console()
    cite = _Citations()
    console.print(_triage_panel(document["triage"], cite))
    _running(console, document["running"])
    _startback(console, document.get("startback"))
    _factors(console, document["factors"], cite)
    _plan(console, document["plan"], cite)
    _bullets(console, "Good to know", document.get("education", []), cite)
    _unanswered(console, document["triage"].get("unanswered_red_flags", []))
    _sources(console, document.get("sources", []), cite)
    console.print()
    console.print(Text(document["disclaimer"], style="italic"))


def _triage_panel(triage: dict[str, Any], cite: _Citations) -> Panel:
    level = triage["level"]
    lines: list[Text] = [Text(triage.get("title", ""), style="bold"), Text(triage["advice"])]
    if triage["reasons"]:
        lines.append(Text("\nWhy:", style="bold"))
        lines += [Text(f"  • {r['text']}{cite.mark(r['sources'])}") for r in triage["reasons"]]
    return Panel(
        Group(*lines),
        title=Text(f" {LEVEL_LABEL[level]} ", style=LEVEL_STYLE[level]),
        title_align="left",
        border_style=LEVEL_STYLE[level].replace("bold ", "").replace("white on ", ""),
    )


def _running(console: Console, running: dict[str, Any]) -> None:
    decision = running["decision"]
    heading = Text("\nRunning today: ", style="bold")
    heading.append(decision.upper(), style=DECISION_STYLE[decision])
    if running.get("until_cleared"):
        heading.append("  (until a clinician has seen you)")
    elif running["rest_days"]:
        heading.append(f"  ({running['rest_days']} days off running)")
    console.print(heading)
    for line in running["why"]:
        _item(console, "•", Text(line))


def _startback(console: Console, startback: dict[str, Any] | None) -> None:
    if startback is None:
        return
    console.print(
        f"\n[bold]STarT Back screening:[/bold] {startback['total']}/9, psychosocial "
        f"{startback['psychosocial']}/5: [bold]{startback['risk']} risk[/bold] of the pain "
        "lasting"
    )


def _factors(console: Console, factors: list[dict[str, Any]], cite: _Citations) -> None:
    if not factors:
        return
    console.print("\n[bold]What may be contributing[/bold]")
    for factor in factors:
        name = factor.get("name", factor["id"])
        body = Text.assemble(
            (name, "bold"), f": {factor['evidence']}{cite.mark(factor['sources'])}"
        )
        _item(console, "•", body)


def _plan(console: Console, plan: dict[str, Any], cite: _Citations) -> None:
    if plan["exercises"]:
        console.print(f"\n[bold]Exercises[/bold] ({plan.get('phase', '')} phase)")
        for number, exercise in enumerate(plan["exercises"], start=1):
            body = Text.assemble(
                (exercise["name"], "bold"), f": {exercise['dose']}{cite.mark(exercise['sources'])}"
            )
            _item(console, f"{number}.", body)
            for step in exercise.get("steps", []):
                _item(console, "-", Text(step), indent=6)
            for caution in exercise.get("cautions", []):
                _item(console, "!", Text(caution, style="yellow"), indent=6)
    _bullets(console, "Self-care", plan["self_care"], cite)
    _bullets(console, "Warm-up before a run", plan["warm_up"], cite)
    _bullets(console, "Cool-down after a run", plan["cool_down"], cite)
    _bullets(console, "Running form", plan["form_cues"], cite)
    _bullets(console, "To prevent it coming back", plan.get("prevention", []), cite)


def _bullets(console: Console, heading: str, items: list[dict[str, Any]], cite: _Citations) -> None:
    if not items:
        return
    console.print(f"\n[bold]{heading}[/bold]")
    for item in items:
        name = item.get("name")
        body = Text.assemble((f"{name}: ", "bold") if name else "", item["text"])
        body.append(cite.mark(item["sources"]))
        _item(console, "•", body)


def _unanswered(console: Console, names: list[str]) -> None:
    if not names:
        return
    count = "1 safety question was" if len(names) == 1 else f"{len(names)} safety questions were"
    console.print(
        f"\n[yellow]{count} not answered and counted as 'no': {', '.join(names)}. "
        "Answer them for a complete triage.[/yellow]"
    )


def _sources(console: Console, sources: list[dict[str, Any]], cite: _Citations) -> None:
    by_id = {s["id"]: s for s in sources}
    if not cite.order:
        return
    console.print("\n[bold]Sources[/bold]")
    for source_id, number in cite.order.items():
        source = by_id.get(source_id, {"citation": source_id})
        _item(console, f"[{number}]", Text(source["citation"]))


def print_entry(entry: dict[str, Any], sources: list[dict[str, Any]]) -> None:
    """Print one knowledge entry with its fields and its sources."""
    console = Console()
    title = entry.get("name") or entry.get("title") or entry["id"]
    console.print(f"[bold]{title}[/bold]  ({entry['kind']}: {entry['id']})")
    for key, value in entry.items():
        if key in ("kind", "id", "name", "title", "sources"):
            continue
        if isinstance(value, list):
            if not value:
                continue
            console.print(f"[bold]{key.replace('_', ' ')}[/bold]")
            for number, item in enumerate(value, start=1):
                shown = item.get("text", item) if isinstance(item, dict) else item
                marker = f"{number}." if key == "steps" else "•"
                console.print(f"  {marker} {shown}", highlight=False)
        elif value is not None:
            console.print(f"[bold]{key.replace('_', ' ')}[/bold]: {value}", highlight=False)
    if sources:
        console.print("[bold]sources[/bold]")
        for source in sources:
            console.print(f"  • {source['citation']}", highlight=False)
