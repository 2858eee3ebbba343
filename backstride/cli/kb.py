"""`backstride kb`: browse the knowledge base (exercises, causes, red flags, sources)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from backstride.cli.options import OutputFormat, print_json
from backstride.errors import InputInvalid

app = typer.Typer(
    help="Browse exercises, causes, red flags, advice and sources.", no_args_is_help=True
)


@app.command("list")
def list_entries(
    kind: Annotated[
        str | None,
        typer.Argument(
            help="exercises, factors, red_flags, self_care, sources, ... (all if left out)."
        ),
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
) -> None:
    """List the entries of one KIND, or of every kind."""
    from backstride.knowledge import load_knowledge
    from backstride.knowledge.models import ENTRY_KINDS

    kb = load_knowledge()
    kinds = ENTRY_KINDS if kind is None else (_check_kind(kind, ENTRY_KINDS),)
    rows = [{"kind": k, "id": e.id, "name": _title(e)} for k in kinds for e in getattr(kb, k)]
    if format is OutputFormat.json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("kind", "id", "name", box=None, pad_edge=False)
    for row in rows:
        table.add_row(row["kind"], row["id"], row["name"])
    Console().print(table)


@app.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="An id from `backstride kb list`.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
) -> None:
    """Show one entry in full, with its sources."""
    from backstride.knowledge import load_knowledge

    kb = load_knowledge()
    found = kb.find(entry_id)
    if found is None:
        raise InputInvalid(f"no entry with id {entry_id!r}; see `backstride kb list` for the ids")
    kind, entry = found
    document = {"kind": kind, **entry.model_dump(mode="json")}
    if format is OutputFormat.json:
        print_json(document)
        return
    from backstride.cli.report import print_entry

    sources = [kb.source(s) for s in getattr(entry, "sources", [])] if kind != "sources" else []
    print_entry(document, [s.model_dump(mode="json") for s in sources])


def _check_kind(kind: str, kinds: tuple[str, ...]) -> str:
    normalised = kind.replace("-", "_")
    if normalised not in kinds:
        raise InputInvalid(f"unknown kind {kind!r}; choose one of: {', '.join(kinds)}")
    return normalised


def _title(entry: Any) -> str:
    for attribute in ("name", "title", "question"):
        value = getattr(entry, attribute, None)
        if value:
            return str(value)
    text = str(getattr(entry, "text", ""))
    return text if len(text) <= 70 else text[:67] + "..."
