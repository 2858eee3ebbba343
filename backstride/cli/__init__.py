"""The `backstride` command line: thin, it parses input, calls services and renders output.

Imports of anything heavier than Typer happen inside the commands, so that `--help` and a
single command start fast.
"""

from __future__ import annotations

import os
import sys

import typer

from backstride.cli import assess as _assess
from backstride.cli import checkin as _checkin
from backstride.cli import data as _data
from backstride.cli import db as _db
from backstride.cli import form as _form
from backstride.cli import importing as _importing
from backstride.cli import kb as _kb
from backstride.cli import outcomes as _outcomes
from backstride.cli import physio_report as _physio_report
from backstride.cli import plan as _plan
from backstride.cli import profile as _profile
from backstride.cli import progress as _progress
from backstride.cli import rtr as _rtr
from backstride.cli import schema as _schema
from backstride.cli import serve as _serve
from backstride.cli import training as _training
from backstride.cli import worker as _worker

app = typer.Typer(
    name="backstride",
    help="Backstride: a back-pain coach for runners. Your data stays on this machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("assess")(_assess.assess)
app.command("checkin")(_checkin.checkin)
app.command("import")(_importing.import_files)
app.command("form")(_form.form)
app.command("activities")(_training.activities)
app.command("load")(_training.load)
app.command("progress")(_progress.progress)
app.command("report")(_physio_report.report)
app.command("plan")(_plan.plan)
app.command("profile")(_profile.profile)
app.command("export")(_data.export)
app.command("restore")(_data.restore)
app.command("forget")(_data.forget)
app.command("serve")(_serve.serve)
app.command("worker")(_worker.worker)
app.add_typer(_kb.app, name="kb")
app.add_typer(_rtr.app, name="rtr")
app.add_typer(_outcomes.app, name="outcomes")
app.add_typer(_schema.app, name="schema")
app.add_typer(_db.app, name="db")

INPUT_ERROR_EXIT = 2
OTHER_ERROR_EXIT = 1


def main() -> None:
    """Run the command line; errors become one plain line on standard error, never a traceback."""
    from backstride.errors import BackstrideError, InputInvalid

    try:
        app()
    except InputInvalid as exc:
        _fail(str(exc), INPUT_ERROR_EXIT)
    except BackstrideError as exc:
        _fail(str(exc), OTHER_ERROR_EXIT)
    except KeyboardInterrupt:
        _fail("stopped; nothing was saved from the unfinished step", 130)
    except Exception as exc:
        if os.environ.get("BACKSTRIDE_DEBUG"):
            raise
        _fail(
            f"unexpected error ({type(exc).__name__}: {exc}); run again with BACKSTRIDE_DEBUG=1 "
            "to see the details, and please report it",
            OTHER_ERROR_EXIT,
        )


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"backstride: error: {message}\n")
    raise SystemExit(code)
