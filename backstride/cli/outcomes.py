"""`backstride outcomes`: the outcome measures a physio judges progress by, and adding one.

`backstride outcomes` shows each measure's timeline and whether the change from the first score
reaches the minimal important change; `backstride outcomes add --input FILE` keeps a
questionnaire from a JSON file, `backstride outcomes add rmdq|psfs` asks it question by question.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json, require_terminal

if TYPE_CHECKING:
    from rich.console import Console

    from backstride.contracts.outcomes import OutcomeAnswers
    from backstride.knowledge.models import OutcomeMeasure
    from backstride.services.outcomes import MeasureSummary, OutcomeSaved

app = typer.Typer(
    help="Outcome measures: RMDQ, PSFS, pain and STarT Back over time, against the smallest "
    "change that counts.",
)

QUESTIONNAIRES = ("rmdq", "psfs")
#: How many scores of a measure the text view lists (the JSON has them all).
TIMELINE_SHOWN = 8


@app.callback(invoke_without_command=True)
def outcomes(ctx: typer.Context, format: Format = OutputFormat.text, db: Db = None) -> None:
    """Show each outcome measure: its scores, and whether the change counts as real."""
    if ctx.invoked_subcommand is not None:
        return
    from backstride.services.outcomes import outcomes_document, runner_outcomes
    from backstride.services.record import open_record

    with open_record(db) as record:
        report = runner_outcomes(record)
    if format is OutputFormat.json:
        print_json(outcomes_document(report))
        return
    print_outcomes(report.measures)


@app.command("add")
def add(
    instrument: Annotated[
        str | None,
        typer.Argument(
            metavar="[rmdq|psfs]",
            help="Answer this questionnaire question by question (without --input).",
            show_default=False,
        ),
    ] = None,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="An outcome questionnaire JSON file (see `backstride schema outcome`).",
            dir_okay=False,
        ),
    ] = None,
    day: Annotated[
        dt.datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="The day the answers are about, when asked question by question; default today.",
            show_default=False,
        ),
    ] = None,
    format: Format = OutputFormat.text,
    db: Db = None,
) -> None:
    """Keep an RMDQ or PSFS questionnaire, from a file or asked question by question."""
    from backstride.errors import InputInvalid
    from backstride.services.outcomes import parse_outcome, read_outcome, save_outcome
    from backstride.services.record import open_record
    from backstride.services.return_to_run import runner_today

    if input is not None and instrument is not None:
        raise InputInvalid("give either --input FILE or rmdq|psfs to be asked, not both")
    if input is None and instrument is None:
        raise InputInvalid(
            "say which questionnaire: `outcomes add rmdq`, `outcomes add psfs`, "
            "or `outcomes add --input FILE`"
        )
    given = None if input is None else parse_outcome(read_outcome(input), origin=input.name)
    if given is None:
        if instrument not in QUESTIONNAIRES:
            raise InputInvalid(
                f"instrument: {instrument!r} is not a questionnaire Backstride asks; choose "
                "rmdq or psfs (pain comes from the check-ins, STarT Back from the assessment)"
            )
        require_terminal("--input FILE")
    with open_record(db) as record:
        today = runner_today(record)
        answers = given or _ask(str(instrument), record, day.date() if day else today)
        saved = save_outcome(record, answers, today=today)
        from backstride.services.outcomes import runner_outcomes

        summary = runner_outcomes(record).measure(saved.answers.instrument)
    if format is OutputFormat.json:
        print_json(_saved_document(saved))
        return
    _print_saved(saved, summary)


def _ask(instrument: str, record: Any, day: dt.date) -> OutcomeAnswers:
    from rich.console import Console

    from backstride.knowledge import load_knowledge
    from backstride.services.outcomes import parse_outcome

    console = Console(highlight=False)
    measure = load_knowledge().outcome_measure(instrument)
    console.print(f"[bold]{measure.name} ({measure.short_name})[/bold] for {_day(day)}")
    if measure.instructions:
        console.print(measure.instructions)
    if instrument == "rmdq":
        document: dict[str, Any] = {"answers": _ask_statements(console, measure)}
    else:
        document = {"activities": _ask_activities(console, measure, _last_activities(record))}
    return parse_outcome(
        {"date": day.isoformat(), "instrument": instrument, **document}, origin="answers"
    )


def _ask_statements(console: Console, measure: OutcomeMeasure) -> list[bool]:
    console.print(
        "[dim]Answer y if the statement describes you today; Enter or n if it does not.[/dim]"
    )
    answers = []
    for number, statement in enumerate(measure.items, start=1):
        while True:
            reply = _input(console, f"({number}/{len(measure.items)}) {statement} [y/N] ")
            choice = reply.strip().lower()
            if choice in ("", "n", "no"):
                answers.append(False)
                break
            if choice in ("y", "yes"):
                answers.append(True)
                break
            console.print("[yellow]Answer y (yes) or n (no); Enter means no.[/yellow]")
    return answers


def _ask_activities(
    console: Console, measure: OutcomeMeasure, last: tuple[str, ...]
) -> list[dict[str, Any]]:
    limits = measure.activities
    most = limits.most if limits is not None else 5
    names: list[str] = []
    if last:
        console.print(f"Last time you rated: {', '.join(last)}.")
        reply = _input(console, "Rate the same activities again? [Y/n] ").strip().lower()
        if reply in ("", "y", "yes"):
            names = list(last)
    while len(names) < most:
        optional = " (Enter when done)" if names else ""
        name = _input(console, f"Activity {len(names) + 1}{optional}: ").strip()
        if not name:
            if names:
                break
            console.print("[yellow]Name at least one activity, e.g. run 5 km.[/yellow]")
            continue
        if name.casefold() in {n.casefold() for n in names}:
            console.print("[yellow]You named that one already.[/yellow]")
            continue
        names.append(name)
    console.print(f"[dim]0 = {measure.rating_low}; 10 = {measure.rating_high}.[/dim]")
    return [{"name": name, "score": _ask_rating(console, name)} for name in names]


def _ask_rating(console: Console, name: str) -> int:
    while True:
        reply = _input(console, f"How well can you {name} today? (0-10) ").strip()
        if reply.isdigit() and 0 <= int(reply) <= 10:
            return int(reply)
        console.print("[yellow]A whole number from 0 to 10.[/yellow]")


def _last_activities(record: Any) -> tuple[str, ...]:
    from backstride.services.outcomes import last_psfs_activities

    return last_psfs_activities(record)


def _input(console: Console, prompt: str) -> str:
    from backstride.errors import InputInvalid

    try:
        return console.input(prompt)
    except EOFError:
        raise InputInvalid(
            "the answers ended before the questionnaire was complete; nothing was saved"
        ) from None


def _saved_document(saved: OutcomeSaved) -> dict[str, Any]:
    from backstride.services.outcomes import score_text

    return {
        "date": saved.answers.date.isoformat(),
        "instrument": saved.answers.instrument,
        "updated": saved.updated,
        "score": float(score_text(saved.score.value)),
        "detail": saved.score.detail,
    }


def _print_saved(saved: OutcomeSaved, summary: MeasureSummary | None) -> None:
    from rich.console import Console

    from backstride.services.outcomes import score_text, verdict_text

    console = Console(highlight=False)
    name = saved.answers.instrument.upper()
    day = _day(saved.answers.date)
    action = (
        "updated: it replaces the one you saved earlier for that date" if saved.updated else "saved"
    )
    console.print(f"{name} for {day} {action}.")
    console.print(f"Score {score_text(saved.score.value)} ({saved.score.detail}).")
    if summary is not None:
        console.print(verdict_text(summary))


def print_outcomes(measures: tuple[MeasureSummary, ...], console: Console | None = None) -> None:
    """Each measure: the scale, the scores by date, and what the change means."""
    from rich.console import Console
    from rich.text import Text

    from backstride.services.outcomes import score_text, verdict_text

    console = console or Console(highlight=False)
    if not any(m.scores for m in measures):
        console.print(
            "No outcome measures yet. Answer `backstride outcomes add rmdq` and "
            "`backstride outcomes add psfs` now and every two weeks; your check-ins give your "
            "pain and the assessment your STarT Back score."
        )
        return
    for summary in measures:
        measure = summary.measure
        console.print(
            Text(
                f"\n{measure.name} ({measure.short_name}), {measure.low}-{measure.high}, "
                f"{measure.better} is better",
                style="bold",
            )
        )
        if summary.scores:
            shown = summary.scores[-TIMELINE_SHOWN:]
            timeline = ", ".join(f"{_short_day(s.day)} {score_text(s.value)}" for s in shown)
            more = (
                f" (the last {TIMELINE_SHOWN} of {len(summary.scores)})"
                if len(shown) < len(summary.scores)
                else ""
            )
            _indented(console, Text(f"{timeline}{more}"))
        _indented(console, Text(verdict_text(summary)))
        if measure.mic is not None:
            _indented(console, Text(measure.mic.text, style="dim"))


def _indented(console: Console, text: Any) -> None:
    from rich.padding import Padding

    console.print(Padding(text, (0, 0, 0, 2), expand=False))


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _short_day(day: dt.date) -> str:
    return f"{day.day} {day:%b}"
