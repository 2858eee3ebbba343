"""What routes are given: the runner's record and the knowledge base, as typed dependencies.

```python
@router.get("/activities")
def activities(record: RecordDep) -> list[dict[str, Any]]: ...
```

Both are opened once per app, when it starts (see `app.create_app`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backstride.knowledge import KnowledgeBase
from backstride.services.record import Record


def get_record(request: Request) -> Record:
    """The record of the runner being served (personal mode: the one runner)."""
    record = getattr(request.app.state, "record", None)
    if not isinstance(record, Record):
        raise RuntimeError("the app's store is not open: serve it with its lifespan running")
    return record


def get_knowledge(request: Request) -> KnowledgeBase:
    """The knowledge base the app loaded when it started."""
    knowledge = getattr(request.app.state, "knowledge", None)
    if not isinstance(knowledge, KnowledgeBase):
        raise RuntimeError("the app's knowledge base is not loaded: run it with its lifespan")
    return knowledge


RecordDep = Annotated[Record, Depends(get_record)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(get_knowledge)]
