"""The interactive assessment: asks each question in plain words; Enter skips optional ones.

The safety questions each need an explicit yes or no: Enter alone is never taken as "no". So is
"does it ease when you rest?" once the pain given reaches 7/10.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from backstride.contracts.intake import Intake


def ask_intake(console: Console | None = None) -> Intake:
    """Ask the questions one by one and return the checked intake."""
    from backstride.knowledge import load_knowledge
    from backstride.services.questionnaire import STARTBACK_SECTION, build_intake, questions

    console = console or Console(highlight=False)
    console.print(
        "[bold]Backstride assessment[/bold]: answer in a few words or numbers. "
        "Press Enter to skip a question you would rather not answer. The safety questions "
        "cannot be skipped: each needs a yes (y) or a no (n)."
    )
    answers: dict[tuple[str, ...], Any] = {}
    section = ""
    asked = list(questions(load_knowledge()))
    for number, question in enumerate(asked, start=1):
        if question.section != section:
            section = question.section
            console.print(f"\n[bold underline]{section}[/bold underline]")
            if section == STARTBACK_SECTION and not _wants_startback(console):
                break
        answers[question.path] = _ask(console, question, number, len(asked), answers)
    return build_intake(answers)


def _input(console: Console, prompt: str) -> str:
    try:
        return console.input(prompt)
    except EOFError:
        from backstride.errors import InputInvalid

        raise InputInvalid(
            "the answers ended before the assessment was complete; nothing was saved"
        ) from None


def _wants_startback(console: Console) -> bool:
    reply = _input(
        console,
        "Nine short questions on how your back affects you help judge how much support you "
        "need. Answer them? [y/N] ",
    )
    return reply.strip().lower() in ("y", "yes")


def _ask(console: Console, question: Any, number: int, total: int, answers: dict[Any, Any]) -> Any:
    from backstride.services.questionnaire import REST_QUESTION_NEEDED

    must = question.is_safety or question.is_needed(answers)
    while True:
        optional = "" if must else ", Enter to skip"
        reply = _input(
            console,
            f"[dim]({number}/{total})[/dim] {question.text} "
            f"[dim]({question.hint}{optional})[/dim] ",
        )
        if not reply.strip():
            if question.is_safety:
                console.print(
                    "[yellow]This is a safety question and cannot be skipped: answer y (yes) "
                    "or n (no).[/yellow]"
                )
                continue
            if question.required:
                console.print("[yellow]This one is needed to assess you.[/yellow]")
                continue
            if must:
                console.print(f"[yellow]{REST_QUESTION_NEEDED}[/yellow]")
                continue
            return None
        try:
            return question.parse(reply)
        except ValueError as exc:
            console.print(f"[yellow]{exc}[/yellow]")
