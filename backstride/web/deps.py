"""What routes are given: the runner's record and the knowledge base, as typed dependencies.

```python
@router.get("/activities")
def activities(record: RecordDep) -> list[dict[str, Any]]: ...
```

Personal mode: the one runner's record, opened once when the app starts (see
`app.create_app`). Team mode: the signed-in runner's record, from the app's one store, for
each request; a clinician's account has none and is sent to their athletes (`web.auth`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from backstride.knowledge import KnowledgeBase
from backstride.services.accounts import account_record
from backstride.services.record import Record
from backstride.web.auth import TeamConfig, require_runner, team_store


async def get_record(request: Request) -> Record:
    """The record of the runner being served: the personal runner, or the signed-in one.

    Async: personal mode only reads the app's state, which needs no worker thread; team mode
    reads the runner from the database in one.
    """
    team = getattr(request.app.state, "team", None)
    if isinstance(team, TeamConfig):
        return await run_in_threadpool(account_record, team_store(request), require_runner(request))
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
