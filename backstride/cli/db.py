"""`backstride db`: look after the database."""

from __future__ import annotations

import typer

from backstride.cli.options import Db

app = typer.Typer(help="Look after the database (migrations).", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: Db = None) -> None:
    """Bring the database schema up to date (this also happens on first use)."""
    from backstride.services.record import upgrade_database

    result = upgrade_database(db)
    if result.changed:
        typer.echo(f"Database upgraded from revision {result.before or 'none'} to {result.after}.")
    else:
        typer.echo(f"Database is up to date (revision {result.after}).")
