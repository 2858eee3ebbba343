"""Persistence: SQLAlchemy rows, Alembic migrations and the functions that read and write them.

```python
from backstride.store import open_store, repo

with open_store(url) as store, store.session() as session:
    runner = repo.get_or_create_personal_runner(session=session)
    repo.save_activities(session=session, runner_id=runner.id, activities=activities)
```
"""

from __future__ import annotations

from backstride.store import repo
from backstride.store.accounts import Account, AccountLogin, EmailTaken, Role
from backstride.store.engine import (
    SchemaUpgrade,
    Store,
    head_revision,
    make_engine,
    make_sessionmaker,
    open_store,
    release_deleted_pages,
    schema_revision,
    upgrade,
)
from backstride.store.form_analyses import MAX_KEPT_VIDEO_BYTES, FormAnalysisWithMedia
from backstride.store.links import AuditEvent, ClinicianLink, Invite, LinkedAthlete
from backstride.store.records import (
    PERSONAL_RUNNER_KEY,
    ActivitiesSaved,
    ActivityFile,
    AssessmentRecord,
    CheckInRecord,
    FormAnalysisRecord,
    OutcomeRecord,
    ReturnToRunState,
    ReturnToRunStatus,
    Runner,
    StoredActivity,
)

__all__ = [
    "MAX_KEPT_VIDEO_BYTES",
    "PERSONAL_RUNNER_KEY",
    "Account",
    "AccountLogin",
    "ActivitiesSaved",
    "ActivityFile",
    "AssessmentRecord",
    "AuditEvent",
    "CheckInRecord",
    "ClinicianLink",
    "EmailTaken",
    "FormAnalysisRecord",
    "FormAnalysisWithMedia",
    "Invite",
    "LinkedAthlete",
    "OutcomeRecord",
    "ReturnToRunState",
    "ReturnToRunStatus",
    "Role",
    "Runner",
    "SchemaUpgrade",
    "Store",
    "StoredActivity",
    "head_revision",
    "make_engine",
    "make_sessionmaker",
    "open_store",
    "release_deleted_pages",
    "repo",
    "schema_revision",
    "upgrade",
]
