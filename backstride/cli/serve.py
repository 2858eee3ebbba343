"""`backstride serve`: the web app and its JSON API.

Personal mode (the default) serves one runner without a login, on 127.0.0.1 unless told
otherwise. Team mode (`BACKSTRIDE_MODE=team`) serves accounts behind sign-in on the address
given; before any worker starts it checks, one plain line each, the secret key, the upload
queue's Redis and the database (which it migrates).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from backstride.cli.options import Db

#: The app factory uvicorn runs in each worker; a string, so the command line never imports
#: the web layer itself.
APP_FACTORY = "backstride.web.app:app_from_environment"
#: The event loop of each worker (`backstride.web.event_loop`), named the same way.
EVENT_LOOP = "backstride.web.event_loop:new_event_loop"

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. Personal mode has no login: keep 127.0.0.1 unless you "
            "trust everyone who can reach the address you give. Team mode signs everyone in: "
            "0.0.0.0 behind an HTTPS reverse proxy.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=1, max=64, help="Worker processes to serve with."),
    ] = 1,
    db: Db = None,
    open_browser: Annotated[
        bool,
        typer.Option("--open", help="Open the app in this machine's web browser once it is up."),
    ] = False,
) -> None:
    """Start the web app and its JSON API (personal mode: one runner, no login; team mode:
    accounts for runners and clinicians, see BACKSTRIDE_MODE)."""
    from backstride.services.record import database_url, open_record
    from backstride.settings import Settings

    team = Settings().mode == "team"
    url = database_url(db)
    if team:
        _check_team(url)
    else:
        # Open (and migrate) the store once here, so a wrong --db fails with one plain line
        # before any worker starts; each worker then opens it again for itself.
        with open_record(url):
            pass
    # The workers build their app from the environment: pass the chosen database on.
    os.environ["BACKSTRIDE_DATABASE_URL"] = url
    if not team and host not in LOOPBACK:
        sys.stderr.write(
            f"backstride: warning: serving on {host}; personal mode has no login, so anyone "
            "who can reach this address can read and change your record\n"
        )
    url = f"http://{host}:{port}/"
    sys.stderr.write(f"backstride: serving {url} (Ctrl+C stops it)\n")
    if open_browser:
        _open_when_up(url)
    import uvicorn

    uvicorn.run(
        APP_FACTORY, factory=True, host=host, port=port, workers=workers, **server_options(team)
    )


def server_options(team: bool) -> dict[str, Any]:
    """How uvicorn serves the app (bench/bench_web.py serves its bare route the same way)."""
    return {
        "server_header": False,
        # The standard library's loop, taking new connections a few at a time, not uvloop
        # (backstride.web.event_loop says why).
        "loop": EVENT_LOOP,
        # Team mode sits behind an HTTPS reverse proxy: trust its X-Forwarded-For and
        # X-Forwarded-Proto, from the addresses in FORWARDED_ALLOW_IPS only (127.0.0.1 unless
        # set), so that sign-in limits count the real client's address.
        "proxy_headers": team,
    }


def _check_team(url: str) -> None:
    """Refuse to start team mode, in one plain line, when a setting or a service is wrong."""
    from backstride.services.accounts import check_team_settings, open_team_store
    from backstride.services.upload_queue import require_upload_queue, spool_folder
    from backstride.settings import Settings

    settings = Settings(database_url=url)
    check_team_settings(settings)
    require_upload_queue(settings).close()
    spool_folder(settings)  # shared with the workers: it must be there and writable
    with open_team_store(settings):
        pass


def _open_when_up(url: str) -> None:
    """Open `url` in the default browser a moment after the server starts; on a machine
    without one (no screen), nothing happens and the address printed above is the way in."""
    import threading
    import webbrowser

    timer = threading.Timer(1.5, webbrowser.open, args=(url,))
    timer.daemon = True
    timer.start()
