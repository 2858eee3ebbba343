"""`backstride worker`: import the uploads queued by the web app (team mode), through Redis,
and analyse the running-form clips queued with them (services/form_jobs.py)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer

from backstride.cli.options import Db

#: Exit status when the queue cannot be used: a setting to fix before starting again.
QUEUE_UNAVAILABLE_EXIT = 2


def worker(
    burst: Annotated[
        bool,
        typer.Option("--burst", help="Import what is queued now, then stop, instead of waiting."),
    ] = False,
    queue: Annotated[
        str | None,
        typer.Option(
            "--queue",
            metavar="NAME",
            help="The queue to take uploads from; default: the one the web app fills "
            "(BACKSTRIDE_UPLOAD_QUEUE, else backstride-uploads).",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Import queued uploads and analyse queued form clips into each runner's record (needs
    BACKSTRIDE_REDIS_URL).

    Ctrl+C or SIGTERM stop it once the upload in hand is imported; a second one stops it at
    once, and that upload is imported again by the next worker.
    """
    from backstride.services.record import database_url, upgrade_database
    from backstride.services.upload_queue import (
        UploadQueueUnavailable,
        require_upload_queue,
        run_upload_worker,
    )
    from backstride.settings import Settings

    settings = Settings()
    try:
        require_upload_queue(settings)
    except UploadQueueUnavailable as exc:
        _refuse(str(exc))
    url = database_url(db)
    # Migrate the database once here, so a wrong --db fails with one plain line before any
    # upload is taken; each import then opens it for the runner the upload belongs to.
    upgrade_database(url)
    # Imports run in a child process that reads the database from the environment.
    os.environ["BACKSTRIDE_DATABASE_URL"] = url
    try:
        run_upload_worker(settings, queue_name=queue or settings.upload_queue, burst=burst)
    except UploadQueueUnavailable as exc:
        _refuse(str(exc))


def _refuse(message: str) -> NoReturn:
    sys.stderr.write(f"backstride: error: {message}\n")
    raise typer.Exit(QUEUE_UNAVAILABLE_EXIT)
