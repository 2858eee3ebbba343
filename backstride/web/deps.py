"""What routes are given: the runner's record, the knowledge base, and the store's threads.

```python
@router.get("/activities")
async def activities(request: Request, record: RecordDep) -> list[dict[str, Any]]:
    return await in_store_thread(request, list_runner_activities, record)
```

Personal mode: the one runner's record, opened once when the app starts (see
`app.create_app`). Team mode: the signed-in runner's record, from the app's one store, read with
the sign-in for each request (`web.auth`); a clinician's account has none and is sent to their
athletes.

Routes are async; what waits on the database they run with `in_store_thread`
(`web.store_threads`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backstride.knowledge import KnowledgeBase
from backstride.services.accounts import NotARunner
from backstride.services.record import Record
from backstride.web.auth import TeamConfig, require_runner
from backstride.web.store_threads import in_store_thread, read_briefly

__all__ = ["KnowledgeDep", "RecordDep", "in_store_thread", "read_briefly"]


async def get_record(request: Request) -> Record:
    """The record of the runner being served: the personal runner, or the signed-in one.

    Neither needs the database here: personal mode's record is the app's, and team mode's was
    read with the sign-in (`web.auth.authenticate`).
    """
    team = getattr(request.app.state, "team", None)
    if isinstance(team, TeamConfig):
        require_runner(request)
        record = getattr(request.state, "record", None)
        if not isinstance(record, Record):
            raise NotARunner(
                "this page is a runner's own record; a clinician's account has none (see /athletes)"
            )
        return record
    record = getattr(request.app.state, "record", None)
    if not isinstance(record, Record):
        raise RuntimeError("the app's store is not open: serve it with its lifespan running")
    return record


async def get_knowledge(request: Request) -> KnowledgeBase:
    """The knowledge base the app loaded when it started (async: it only reads the app's
    state, so it needs no worker thread)."""
    knowledge = getattr(request.app.state, "knowledge", None)
    if not isinstance(knowledge, KnowledgeBase):
        raise RuntimeError("the app's knowledge base is not loaded: run it with its lifespan")
    return knowledge


RecordDep = Annotated[Record, Depends(get_record)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(get_knowledge)]
