"""The runner's record: open the store for the runner being served, in one place.

Personal mode has exactly one runner; team mode passes the signed-in athlete's id.

```python
with open_record(db=None) as record:      # --db URL, or BACKSTRIDE_DATABASE_URL, or the default
    record.save_assessment(intake_document, output_document)
```
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from backstride.errors import StoreError
from backstride.settings import Settings, resolve_database_url
from backstride.store import (
    AssessmentRecord,
    CheckInRecord,
    Runner,
    SchemaUpgrade,
    Store,
    open_store,
    repo,
    upgrade,
)

__all__ = [
    "AssessmentRecord",
    "AssessmentToKeep",
    "CheckInRecord",
    "Record",
    "Store",
    "open_record",
    "save_assessments",
    "upgrade_database",
]


@dataclass(frozen=True)
class Record:
    """An open store and the runner whose record it is."""

    store: Store
    runner: Runner
    #: The session every read of this record shares, inside its transaction (`snapshot`).
    _within: Session | None = field(default=None, compare=False, repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for several reads or writes; each store function is its own transaction
        (in a `snapshot`, the snapshot's session)."""
        if self._within is not None:
            yield self._within
            return
        with self.store.session() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session with its transaction open, for reads that must see one state of the
        record (in a `snapshot`, the snapshot's, whose transaction is open already)."""
        with self.session() as session:
            if session.in_transaction():
                yield session
                return
            with session.begin():
                yield session

    @contextmanager
    def snapshot(self) -> Iterator[Record]:
        """This record with every read through one session and one transaction: a page that
        reads several parts of the record sees one state of it, and pays for one BEGIN and
        one COMMIT. Only for reads: what writes wants its own transaction."""
        with self.transaction() as session:
            yield dataclasses.replace(self, _within=session)

    def latest_assessment(self) -> AssessmentRecord | None:
        """The runner's most recent assessment, as kept, or None."""
        with self.session() as session:
            return repo.latest_assessment(session=session, runner_id=self.runner.id)

    def checkins_since(self, day: date) -> list[CheckInRecord]:
        """The runner's check-ins dated `day` or later, oldest first, as kept."""
        with self.session() as session:
            return repo.list_checkins(session=session, runner_id=self.runner.id, date_from=day)

    def save_assessment(
        self, intake: Mapping[str, Any], output: Mapping[str, Any]
    ) -> AssessmentRecord:
        """Keep an assessment (the intake as given, the output as printed) and re-judge the
        return-to-run programme with it, in one transaction: an assessment above self-care
        stops the programme at once, not at the next check-in.
        """
        with self.session() as session, repo.all_or_nothing(session, "save the assessment"):
            return _keep_assessment(session, self.runner.id, intake, output)


@dataclass(frozen=True, slots=True)
class AssessmentToKeep:
    """An assessment waiting to be kept: the record it goes to, the intake as given, the
    output as answered."""

    record: Record
    intake: Mapping[str, Any]
    output: Mapping[str, Any]


def save_assessments(
    store: Store, assessments: Sequence[AssessmentToKeep]
) -> list[AssessmentRecord | Exception]:
    """Keep several assessments of the runners of `store` with one commit, each as
    `Record.save_assessment` keeps one (with the return-to-run programme re-judged) and each
    on its own: one that cannot be kept leaves the others kept, and its place in the list
    given back holds the exception that says why.

    One commit for many saves is what lets a server keep up when requests come together: the
    database's write lock is taken once for all of them. When the transaction itself fails
    (the database is busy beyond its timeout, or cannot be written), nothing is kept and every
    place holds that StoreError.

    The lot is first written without a savepoint around each assessment (two statements
    fewer each, a third of the statements of a lot); only if one of them fails is the whole
    transaction undone and the lot written again, each assessment in its own savepoint.
    """
    try:
        return _save_lot(store, assessments, each_on_its_own=False)
    except _OneFailed:
        return _save_lot(store, assessments, each_on_its_own=True)


class _OneFailed(Exception):
    """An assessment of a lot written without savepoints failed: the lot is undone."""


def _save_lot(
    store: Store, assessments: Sequence[AssessmentToKeep], *, each_on_its_own: bool
) -> list[AssessmentRecord | Exception]:
    results: list[AssessmentRecord | Exception] = []
    try:
        with store.session() as session, repo.all_or_nothing(session, "save the assessments"):
            for item in assessments:
                runner_id, intake, output = item.record.runner.id, item.intake, item.output
                if not each_on_its_own:
                    try:
                        results.append(_keep_assessment(session, runner_id, intake, output))
                    except Exception as exc:
                        raise _OneFailed from exc
                    continue
                try:
                    with repo.on_its_own(session, "save the assessment"):
                        kept = _keep_assessment(session, runner_id, intake, output)
                except Exception as exc:  # each request is told its own error
                    results.append(exc)
                else:
                    results.append(kept)
    except StoreError as exc:
        return [exc] * len(assessments)
    return results


def _keep_assessment(
    session: Session, runner_id: int, intake: Mapping[str, Any], output: Mapping[str, Any]
) -> AssessmentRecord:
    # Imported here: the return-to-run service itself builds on `Record`.
    from backstride.knowledge import load_knowledge
    from backstride.services.return_to_run import rejudge

    saved = repo.save_assessment(session=session, runner_id=runner_id, intake=intake, output=output)
    rejudge(session=session, runner_id=runner_id, knowledge=load_knowledge())
    return saved


def local_time_zone() -> str:
    """The IANA name of this machine's time zone (e.g. "Europe/Paris"); "UTC" when unknown.

    The personal runner lives where their computer is: weeks and days are counted there.
    """
    import tzlocal

    try:
        name = tzlocal.get_localzone_name()
    except (LookupError, ValueError, OSError):
        return "UTC"
    return name or "UTC"


def database_url(db: str | None = None) -> str:
    """The URL to use: `--db` > BACKSTRIDE_DATABASE_URL > a SQLite file in the data folder."""
    return resolve_database_url(db, settings=Settings())


def upgrade_database(db: str | None = None) -> SchemaUpgrade:
    """Run the database migrations up to date (`backstride db upgrade`)."""
    return upgrade(database_url(db))


@contextmanager
def open_record(db: str | None = None, *, runner_id: int | None = None) -> Iterator[Record]:
    """Open the store (migrating it on first use) with the personal runner or `runner_id`."""
    with open_store(database_url(db)) as store, store.session() as session:
        if runner_id is None:
            runner = repo.get_or_create_personal_runner(
                session=session, time_zone=local_time_zone()
            )
        else:
            runner = repo.get_runner(session=session, runner_id=runner_id)
        yield Record(store, runner)
