"""The threads an app runs its store work on, so that the event loop never waits on the database.

Routes are async: reading the request, deciding and rendering run on the event loop, with no
hand-over to a thread. What reads or writes the store runs in `in_store_thread`, on a few
threads of the app's own, started with the app and stopped with it:

```python
latest = await in_store_thread(request, record.latest_assessment)
```

A short read that every request of a busy route makes (Today's, an assessment's form findings)
goes through `read_briefly` instead: on SQLite it runs at once, on the event loop. A SQLite
reader in WAL mode never waits for a writer, and such a read takes a tenth of a millisecond,
less than the hand-over to a thread and back (about 0.3 ms of a worker's time under load, as
the two threads take turns with the interpreter). Other databases answer over the network:
there the read goes to the store threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

from starlette.requests import Request

__all__ = ["in_store_thread", "read_briefly", "store_threads"]

P = ParamSpec("P")
T = TypeVar("T")

#: Store threads per app (per server worker) by database. SQLite lets one connection write at a
#: time, so more threads would only take turns, and compete with the event loop for the
#: interpreter while they wait. PostgreSQL's queries wait on the network, and two threads keep
#: two in flight; more only took turns for the interpreter (team assessments, 2 workers, 50
#: clients: 364-407/s with one thread, 436-494/s with two, 375-405/s with four).
STORE_THREADS = {"sqlite": 1}
STORE_THREADS_OTHER = 2


#: Databases whose short reads `read_briefly` runs on the event loop.
READ_ON_THE_LOOP = frozenset({"sqlite"})


def store_threads(dialect: str) -> ThreadPoolExecutor:
    """The threads an app runs its store work on (closed by the app when it stops)."""
    count = STORE_THREADS.get(dialect, STORE_THREADS_OTHER)
    return ThreadPoolExecutor(max_workers=count, thread_name_prefix="backstride-store")


async def in_store_thread(
    request: Request, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T:
    """`work(*args, **kwargs)` on the app's store threads: anything that reads or writes the
    store, so that the event loop does not wait for the database."""
    executor = getattr(request.app.state, "store_threads", None)
    if not isinstance(executor, ThreadPoolExecutor):
        raise RuntimeError("the app's store threads are not started: run it with its lifespan")
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, partial(work, *args, **kwargs))


async def read_briefly(
    request: Request, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
) -> T:
    """`work(*args, **kwargs)`, a short read of a few rows: at once on SQLite, on the store
    threads elsewhere (see the module's note)."""
    if getattr(request.app.state, "store_dialect", None) in READ_ON_THE_LOOP:
        return work(*args, **kwargs)
    return await in_store_thread(request, work, *args, **kwargs)
