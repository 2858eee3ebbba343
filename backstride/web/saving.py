"""Assessments kept together: the requests that come at once share one commit.

Under load a server worker has many assessments to keep at the same moment. Kept one by one,
each takes the database's write lock for itself; with SQLite the other worker process then waits
in SQLite's busy handler, which sleeps and retries with growing pauses, and half the time a
save took was spent waiting there. Here each app keeps one queue: an assessment to keep joins
it, and one writer on the app's store threads keeps everything waiting with one commit
(`services.record.save_assessments`), each assessment on its own, then the next lot. The longer
a lot waits for the lock, the more it holds when it gets it.

```python
kept = await assessments_saved(request).save(record, intake, output)
```

A request is answered only once its assessment is committed; one that cannot be kept gets its
own error, as it would alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

from starlette.requests import Request

from backstride.services.record import (
    AssessmentRecord,
    AssessmentToKeep,
    Record,
    Store,
    save_assessments,
)

__all__ = ["AssessmentSaver", "assessments_saved"]

#: The most assessments one commit keeps: enough for every request a worker holds at once,
#: few enough that the write lock is soon free for another process.
LOT_LIMIT = 64


class AssessmentSaver:
    """An app's queue of assessments to keep, written in lots by one writer at a time."""

    def __init__(self, store: Store, threads: Executor) -> None:
        self._store = store
        self._threads = threads
        self._waiting: list[tuple[AssessmentToKeep, asyncio.Future[AssessmentRecord]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def save(
        self, record: Record, intake: Mapping[str, Any], output: Mapping[str, Any]
    ) -> AssessmentRecord:
        """Keep an assessment, as `Record.save_assessment` does, once its lot is committed."""
        kept: asyncio.Future[AssessmentRecord] = asyncio.get_running_loop().create_future()
        # Read the outcome even if the request stopped waiting, so that none goes unseen.
        kept.add_done_callback(_seen)
        self._waiting.append((AssessmentToKeep(record, intake, output), kept))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        # Shielded: a request given up (the client went away) still has its assessment kept
        # with its lot, as a save already started is not taken back.
        return await asyncio.shield(kept)

    async def close(self) -> None:
        """Wait until every assessment waiting is kept (the app is stopping)."""
        if self._writer is not None:
            await self._writer

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            lot, self._waiting = self._waiting[:LOT_LIMIT], self._waiting[LOT_LIMIT:]
            items = [item for item, _ in lot]
            try:
                results = await loop.run_in_executor(
                    self._threads, save_assessments, self._store, items
                )
            except Exception as exc:  # nothing of the lot was kept; each request is told
                results = [exc] * len(lot)
            for (_, kept), result in zip(lot, results, strict=True):
                if kept.done():
                    continue
                if isinstance(result, Exception):
                    kept.set_exception(result)
                else:
                    kept.set_result(result)


def _seen(kept: asyncio.Future[AssessmentRecord]) -> None:
    if not kept.cancelled():
        kept.exception()


def assessments_saved(request: Request) -> AssessmentSaver:
    """The app's queue of assessments to keep (started with the app)."""
    saver = getattr(request.app.state, "assessment_saver", None)
    if not isinstance(saver, AssessmentSaver):
        raise RuntimeError("the app's store threads are not started: run it with its lifespan")
    return saver
