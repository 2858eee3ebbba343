"""`backstride worker` for the upload queue's tests: quick to notice a lost worker, and slow.

The timings are shortened (heartbeat every second, a lost worker noticed after a few seconds,
maintenance every second) so a test need not wait minutes. When BACKSTRIDE_TEST_SLOW_MARKER
names a file, each import stores every file on its own and pauses a second after each, writing
how many files it has stored so far to that file: a test can kill the worker mid-import.

Run as `python tests/upload_queue_slow_worker.py worker --queue NAME`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from backstride.cli import main
from backstride.importers import ImportOutcome
from backstride.services import importing, upload_queue

upload_queue.HEARTBEAT_SECONDS = 1
upload_queue.HEARTBEAT_GRACE_SECONDS = 3
upload_queue.MAINTENANCE_SECONDS = 1

MARKER = os.environ.get("BACKSTRIDE_TEST_SLOW_MARKER")


def slow_import_sources(record: Any, sources: Any, **options: Any) -> importing.ImportSummary:
    """The real import, one file per batch, a second's pause after each file it stored."""
    assert MARKER is not None
    marker = Path(MARKER)
    done = 0

    def pause(outcome: ImportOutcome) -> None:
        nonlocal done
        done += 1
        marker.write_text(str(done), encoding="utf-8")
        time.sleep(1.0)

    return importing.import_sources(record, sources, on_outcome=pause, **options)


if MARKER:
    importing.BATCH_ACTIVITIES = 1
    upload_queue.import_sources = slow_import_sources  # type: ignore[assignment]

if __name__ == "__main__":
    main()
