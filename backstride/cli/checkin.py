"""`backstride checkin`: the day's pain diary, from a JSON file or asked question by question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from backstride.cli.options import Db, Format, OutputFormat, print_json, require_terminal

if TYPE_CHECKING:
    from rich.console import Console

    from backstride.contracts.checkin import CheckIn
    from backstride.services.checkin import CheckInSaved

T = TypeVar("T")

SESSION_KINDS = ("walk", "run", "cross_training", "strength")


def checkin(
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="A check-in JSON file (see DESIGN.md, 'Check-in'). Without it, Backstride asks "
            "the day's questions one by one.",
            dir_okay=False,
        ),
    ] = None,
    format: Format = OutputFormat.text,
    db: Db = None,
) -> None:
    """Log a day: morning pain and stiffness, your session, exercises and safety questions."""
    from backstride.services.checkin import (
        parse_checkin,
        read_checkin,
        save_checkin,
        saved_document,
    )
    from backstride.services.record import open_record
    from backstride.services.return_to_run import runner_today

    given = None if input is None else parse_checkin(read_checkin(input), origin=input.name)
    if given is None:
        require_terminal("--input FILE")
    with open_record(db) as record:
        today = runner_today(record)
        checkin = given or ask_checkin(today=today)
        saved = save_checkin(record, checkin, today=today)
    if format is OutputFormat.json:
        print_json(saved_document(saved))
        return
    print_saved(saved)


def print_saved(saved: CheckInSaved, console: Console | None = None) -> None:
    """Say what was saved, any warning sign first, then where the programme stands."""
    from rich.console import Console
    from rich.text import Text

    from backstride.cli.report import LEVEL_LABEL, LEVEL_STYLE
    from backstride.cli.rtr import print_bullet, print_programme
    from backstride.services.return_to_run import status_document

    console = console or Console()
    day = saved.checkin.date
    when = f"{day:%A} {day.day} {day:%B %Y}"
    if saved.updated:
        console.print(
            f"Check-in for {when} updated: it replaces the one you saved earlier for that date."
        )
    else:
        console.print(f"Check-in for {when} saved.")
    triage = saved.triage
    if triage is not None and triage.level != "self_care":
        label = Text(f"\n{LEVEL_LABEL[triage.level]}", style=LEVEL_STYLE[triage.level])
        console.print(label)
        console.print(Text(triage.title, style="bold"))
        for reason in triage.reasons:
            print_bullet(console, reason.text)
        console.print(Text(triage.advice))
    if saved.programme is not None:
        print_programme(status_document(saved.programme), console)


def ask_checkin(console: Console | None = None, *, today: dt.date | None = None) -> CheckIn:
    """Ask the day's questions one by one and return the checked check-in."""
    from rich.console import Console

    from backstride.clock import today_in
    from backstride.services.checkin import parse_checkin

    console = console or Console()
    day = today or today_in(None)
    console.print(
        "[bold]Backstride check-in[/bold]: a few numbers about your back today. Press Enter to "
        "skip a question you would rather not answer. The safety questions cannot be skipped: "
        "each needs a yes (y) or a no (n)."
    )
    document: dict[str, Any] = {
        "date": _ask(console, "Which day is this for?", _date, hint="YYYY-MM-DD", default=day),
        "morning_pain": _ask(console, "Back pain on waking this morning?", _score, hint="0-10"),
        "morning_stiffness_min": _ask(
            console, "Minutes of stiffness after waking?", _minutes, hint="minutes", default=None
        ),
    }
    document["session"] = _ask_session(console)
    document["exercises_done"] = _ask_exercises(console)
    document["new_leg_symptoms"] = _ask(
        console, "Any new pain, numbness, tingling or weakness in a leg?", _yes_no, safety=True
    )
    document["red_flags"] = _ask_red_flags(console)
    document["notes"] = _ask(console, "Anything else to note?", str.strip, default=None) or None
    return parse_checkin({k: v for k, v in document.items() if v is not None}, origin="answers")


def _ask_session(console: Console) -> dict[str, Any] | None:
    kind = _ask(
        console,
        "Did you do a session today?",
        _kind,
        hint="walk, run, cross_training or strength; Enter for a rest day",
        default=None,
    )
    if kind is None:
        return None
    session: dict[str, Any] = {
        "kind": kind,
        "max_pain": _ask(console, "Highest back pain during it?", _score, hint="0-10"),
        "pain_after": _ask(console, "Back pain just after it?", _score, hint="0-10"),
        "limp": _ask(console, "Did you limp during or after it?", _yes_no),
        "distance_km": _ask(console, "Distance?", _number(300), hint="km", default=None),
        "duration_min": _ask(console, "How long did it last?", _number(1440), hint="minutes"),
    }
    return {k: v for k, v in session.items() if v is not None}


def _ask_exercises(console: Console) -> list[str]:
    from backstride.services.checkin import exercise_names

    known = exercise_names()

    def parse(reply: str) -> list[str]:
        ids = [part.strip().lower().replace(" ", "_") for part in reply.split(",") if part.strip()]
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(
                f"not known: {', '.join(unknown)}; use ids such as {', '.join(list(known)[:4])}"
            )
        return ids

    done: list[str] | None = _ask(
        console,
        "Which exercises did you do?",
        parse,
        hint="ids separated by commas, e.g. dead_bug, glute_bridge",
        default=None,
    )
    return done or []


def _ask_red_flags(console: Console) -> dict[str, bool]:
    """The warning signs, listed and answered as one explicit yes or no, every day.

    A no to the whole list (read in full) is an explicit no to each sign; a yes asks them one
    by one, so the record says which. Neither answer has a default.
    """
    from backstride.services.checkin import red_flag_questions

    questions = red_flag_questions()
    console.print("\n[bold]Safety questions[/bold]: the warning signs to check each day.")
    for _, question in questions:
        console.print(f"  - {question}")
    if not _ask(console, "Any of these today?", _yes_no, safety=True):
        return {name: False for name, _ in questions}
    console.print("Which ones? Answer each.")
    return {name: _ask(console, question, _yes_no, safety=True) for name, question in questions}


_MISSING: Any = object()


def _ask(
    console: Console,
    question: str,
    parse: Callable[[str], T],
    *,
    hint: str = "y/n",
    default: Any = _MISSING,
    safety: bool = False,
) -> T:
    """Ask until the reply parses; Enter gives `default` when there is one.

    A safety question has no default: Enter alone is never taken as "no".
    """
    from backstride.errors import InputInvalid

    optional = "" if default is _MISSING else ", Enter to skip"
    while True:
        try:
            reply = console.input(f"{question} [dim]({hint}{optional})[/dim] ").strip()
        except EOFError:
            raise InputInvalid(
                "the answers ended before the check-in was complete; nothing was saved"
            ) from None
        if not reply:
            if safety:
                console.print(
                    "[yellow]This is a safety question and cannot be skipped: answer y (yes) "
                    "or n (no).[/yellow]"
                )
                continue
            if default is _MISSING:
                console.print("[yellow]This one is needed.[/yellow]")
                continue
            return default  # type: ignore[no-any-return]
        try:
            return parse(reply)
        except ValueError as exc:
            console.print(f"[yellow]{exc}[/yellow]")


def _date(reply: str) -> str:
    try:
        return dt.date.fromisoformat(reply).isoformat()
    except ValueError:
        raise ValueError("write the date as YYYY-MM-DD, e.g. 2026-03-02") from None


def _score(reply: str) -> int:
    if reply.isdigit() and 0 <= int(reply) <= 10:
        return int(reply)
    raise ValueError("a whole number from 0 (no pain) to 10 (worst imaginable)")


def _minutes(reply: str) -> int:
    if reply.isdigit() and int(reply) <= 1440:
        return int(reply)
    raise ValueError("a whole number of minutes, e.g. 10")


def _number(limit: float) -> Callable[[str], float]:
    def parse(reply: str) -> float:
        try:
            value = float(reply.replace(",", "."))
        except ValueError:
            raise ValueError("a number, e.g. 2.5") from None
        if not 0 <= value <= limit:
            raise ValueError(f"a number from 0 to {limit:g}")
        return value

    return parse


def _kind(reply: str) -> str:
    kind = reply.lower().replace(" ", "_").replace("-", "_")
    if kind in SESSION_KINDS:
        return kind
    raise ValueError(f"one of: {', '.join(SESSION_KINDS)}")


def _yes_no(reply: str) -> bool:
    answer = reply.lower()
    if answer in ("y", "yes"):
        return True
    if answer in ("n", "no"):
        return False
    raise ValueError("answer y or n")
