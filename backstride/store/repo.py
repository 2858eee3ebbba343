"""Reading and writing a runner's record. Nothing outside `store/` writes SQL.

Every function takes keyword arguments only, starting with an SQLAlchemy `session`, and gives
back frozen values from `backstride.store.records`, never rows. Each write is one transaction,
all or nothing; inside a caller's `with session.begin():` it is a savepoint of the caller's
transaction. Database failures raise `StoreError` with a plain message.

```python
with store.session() as session:
    runner = get_or_create_personal_runner(session=session)
    updated = upsert_checkin(session=session, runner_id=runner.id, checkin=checkin_json)
```

Activities and their original files are in `backstride.store.activities`, the outcome
questionnaires in `backstride.store.outcomes`; team mode's accounts
and sessions in `backstride.store.accounts`, its invites, links and audit log in
`backstride.store.links`. All are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.clock import utc_now
from backstride.errors import StoreError
from backstride.store._transaction import (
    all_or_nothing,
    encode_document,
    json_document,
    on_its_own,
    reading,
    writing,
)
from backstride.store.accounts import (
    Account,
    account_of_runner,
    add_login_failure,
    clear_login_failures,
    create_account,
    create_session,
    delete_accounts_of_runner,
    delete_clinician_account,
    delete_session,
    find_login,
    get_account,
    login_failures,
    session_account,
    set_password_hash,
)
from backstride.store.accounts import _account as _account_of_row
from backstride.store.activities import (
    get_activity_file,
    iter_activity_files,
    list_activities,
    save_activities,
    save_activity_file,
)
from backstride.store.form_analyses import (
    form_analysis_media,
    get_form_analysis,
    iter_form_analyses_with_media,
    latest_form_analysis,
    list_form_analyses,
    save_form_analysis,
)
from backstride.store.links import (
    add_audit_event,
    create_invite,
    is_linked,
    linked_athletes,
    list_audit_events,
    list_invites,
    list_links,
    revoke_link,
    use_invite,
    withdraw_invite,
)
from backstride.store.outcomes import latest_outcome_dates, list_outcomes, upsert_outcome
from backstride.store.records import (
    PERSONAL_RUNNER_KEY,
    AssessmentRecord,
    CheckInRecord,
    ReturnToRunState,
    ReturnToRunStatus,
    Runner,
)
from backstride.store.tables import (
    AccountRow,
    AccountSessionRow,
    AssessmentRow,
    Base,
    CheckInRow,
    ReturnToRunRow,
    RunnerRow,
)

__all__ = [
    "account_of_runner",
    "add_audit_event",
    "add_login_failure",
    "all_or_nothing",
    "clear_login_failures",
    "create_account",
    "create_invite",
    "create_runner",
    "create_session",
    "delete_clinician_account",
    "delete_everything_for",
    "delete_session",
    "find_login",
    "first_assessment_time",
    "form_analysis_media",
    "get_account",
    "get_activity_file",
    "get_checkin",
    "get_form_analysis",
    "get_or_create_personal_runner",
    "get_return_to_run",
    "get_runner",
    "is_linked",
    "iter_activity_files",
    "iter_form_analyses_with_media",
    "latest_assessment",
    "latest_form_analysis",
    "latest_outcome_dates",
    "linked_athletes",
    "list_activities",
    "list_assessments",
    "list_audit_events",
    "list_checkins",
    "list_form_analyses",
    "list_invites",
    "list_links",
    "list_outcomes",
    "list_return_to_run",
    "login_failures",
    "on_its_own",
    "return_to_run_is_active",
    "revoke_link",
    "save_activities",
    "save_activity_file",
    "save_assessment",
    "save_form_analysis",
    "save_return_to_run",
    "session_account",
    "session_account_and_runner",
    "set_password_hash",
    "update_runner",
    "upsert_checkin",
    "upsert_outcome",
    "use_invite",
    "withdraw_invite",
]

_STATUSES: dict[str, ReturnToRunStatus] = {
    "active": "active",
    "stopped": "stopped",
    "completed": "completed",
}


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utc_now()


# Runners ---------------------------------------------------------------------------------------


def get_or_create_personal_runner(
    *, session: Session, time_zone: str = "UTC", now: datetime | None = None
) -> Runner:
    """The one runner of personal mode, created (with `time_zone`) the first time."""
    with writing(session, "open your runner profile"):
        row = _runner_by_key(session, PERSONAL_RUNNER_KEY)
        if row is None:
            row = RunnerRow(
                key=PERSONAL_RUNNER_KEY,
                name=None,
                time_zone=time_zone,
                run_days=None,
                created_at=_now(now),
            )
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                # Another process created it between our read and our write: use theirs.
                row = _runner_by_key(session, PERSONAL_RUNNER_KEY)
                if row is None:
                    raise
        return _runner(row)


def create_runner(
    *,
    session: Session,
    key: str,
    name: str | None = None,
    time_zone: str = "UTC",
    now: datetime | None = None,
) -> Runner:
    """A new runner known by `key` (team mode: one per athlete); StoreError if `key` is taken."""
    with writing(session, f"create the runner {key!r}"):
        row = RunnerRow(
            key=key, name=name, time_zone=time_zone, run_days=None, created_at=_now(now)
        )
        session.add(row)
        session.flush()
        return _runner(row)


def session_account_and_runner(
    *, session: Session, token_hash: str, now: datetime
) -> tuple[Account, Runner | None] | None:
    """The account signed in with this token while the session lasts and, for a runner's
    account, their profile; None otherwise. One query: team mode asks it on every request."""
    with reading(session, "read your sign-in"):
        given = {"token_hash": token_hash, "now": now}
        found = session.execute(_SIGNED_IN, given).one_or_none()
        if found is None:
            return None
        account, runner = found
        return _account_of_row(account), _runner(runner) if runner is not None else None


# Built once: team mode asks it on every request, and building took about as long as running it.
_SIGNED_IN = (
    sa.select(AccountRow, RunnerRow)
    .join(AccountSessionRow, AccountSessionRow.account_id == AccountRow.id)
    .outerjoin(RunnerRow, RunnerRow.id == AccountRow.runner_id)
    .where(
        AccountSessionRow.token_hash == sa.bindparam("token_hash"),
        AccountSessionRow.expires_at > sa.bindparam("now"),
    )
)


def get_runner(*, session: Session, runner_id: int) -> Runner:
    """The runner with this id; StoreError when there is none."""
    with reading(session, "read the runner profile"):
        return _runner(_runner_row(session, runner_id))


def update_runner(*, session: Session, runner: Runner) -> Runner:
    """Save `runner`'s name, time zone and run days (`dataclasses.replace` a loaded one)."""
    run_days = _run_days(runner.run_days)
    with writing(session, "save the runner profile"):
        row = _runner_row(session, runner.id)
        row.name = runner.name
        row.time_zone = runner.time_zone
        row.run_days = list(run_days) if run_days is not None else None
        session.flush()
        return _runner(row)


def _run_days(days: Sequence[int] | None) -> tuple[int, ...] | None:
    if days is None:
        return None
    if any(isinstance(day, bool) or day not in range(7) for day in days):
        raise StoreError(
            f"Run days must be weekday numbers from 0 (Monday) to 6 (Sunday), not {list(days)}."
        )
    return tuple(sorted(set(days)))


def _runner_by_key(session: Session, key: str) -> RunnerRow | None:
    return session.scalars(sa.select(RunnerRow).where(RunnerRow.key == key)).one_or_none()


def _runner_row(session: Session, runner_id: int) -> RunnerRow:
    row = session.get(RunnerRow, runner_id)
    if row is None:
        raise StoreError(f"There is no runner {runner_id} in this database.")
    return row


def _runner(row: RunnerRow) -> Runner:
    return Runner(
        id=row.id,
        key=row.key,
        name=row.name,
        time_zone=row.time_zone,
        run_days=tuple(row.run_days) if row.run_days is not None else None,
        created_at=row.created_at,
    )


# Assessments -----------------------------------------------------------------------------------


def save_assessment(
    *,
    session: Session,
    runner_id: int,
    intake: Mapping[str, Any],
    output: Mapping[str, Any],
    created_at: datetime | None = None,
) -> AssessmentRecord:
    """Store an assessment: the intake and output JSON as given, and when it was made.

    Each document is encoded once, here, and stored as that text; the row is written with a
    plain INSERT, as no row object is needed to give back the record.
    """
    intake_doc = encode_document(intake, "assessment intake")
    output_doc = encode_document(output, "assessment output")
    triage_level = _text_at(output_doc.document, ("triage", "level"), "assessment output")
    decision = _text_at(output_doc.document, ("running", "decision"), "assessment output")
    moment = _now(created_at)
    with writing(session, "save the assessment"):
        inserted = session.connection().execute(
            _INSERT_ASSESSMENT,
            {
                "runner_id": runner_id,
                "created_at": moment,
                "intake": intake_doc.text,
                "output": output_doc.text,
                "triage_level": triage_level,
                "running_decision": decision,
            },
        )
        return AssessmentRecord(
            id=inserted.scalar_one(),
            created_at=moment,
            intake=intake_doc.document,
            output=output_doc.document,
            triage_level=triage_level,
            running_decision=decision,
        )


_INSERT_ASSESSMENT = sa.insert(AssessmentRow).returning(AssessmentRow.id)


def list_assessments(*, session: Session, runner_id: int) -> list[AssessmentRecord]:
    """Every assessment of the runner, oldest first."""
    with reading(session, "read the assessments"):
        rows = session.scalars(
            sa.select(AssessmentRow)
            .where(AssessmentRow.runner_id == runner_id)
            .order_by(AssessmentRow.created_at, AssessmentRow.id)
        )
        return [_assessment(row) for row in rows]


def first_assessment_time(*, session: Session, runner_id: int) -> datetime | None:
    """When the runner's first assessment was kept, or None before any."""
    with reading(session, "read the assessments"):
        first: datetime | None = (
            session.connection().execute(_FIRST_ASSESSED, {"runner_id": runner_id}).scalar()
        )
        return first


_FIRST_ASSESSED = sa.select(sa.func.min(AssessmentRow.created_at)).where(
    AssessmentRow.runner_id == sa.bindparam("runner_id")
)


def latest_assessment(*, session: Session, runner_id: int) -> AssessmentRecord | None:
    """The runner's most recent assessment, or None."""
    with reading(session, "read the latest assessment"):
        row = (
            session.connection()
            .execute(_LATEST_ASSESSMENT, {"runner_id": runner_id})
            .mappings()
            .one_or_none()
        )
        return AssessmentRecord(**row) if row is not None else None


#: The columns of `AssessmentRecord`, read with Core: no row objects to build for one record.
_LATEST_ASSESSMENT = (
    sa.select(
        AssessmentRow.id,
        AssessmentRow.created_at,
        AssessmentRow.intake,
        AssessmentRow.output,
        AssessmentRow.triage_level,
        AssessmentRow.running_decision,
    )
    .where(AssessmentRow.runner_id == sa.bindparam("runner_id"))
    .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc())
    .limit(1)
)


def _text_at(document: Mapping[str, Any], path: tuple[str, ...], what: str) -> str:
    value: Any = document
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    if not isinstance(value, str):
        raise StoreError(f"Could not save the {what}: it has no text at {'.'.join(path)}.")
    return value


def _assessment(row: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        created_at=row.created_at,
        intake=row.intake,
        output=row.output,
        triage_level=row.triage_level,
        running_decision=row.running_decision,
    )


# Check-ins -------------------------------------------------------------------------------------


def upsert_checkin(
    *, session: Session, runner_id: int, checkin: Mapping[str, Any], now: datetime | None = None
) -> bool:
    """Store the check-in JSON for its date; True when it replaced one already there.

    `checkin` is the JSON of the check-in contract (a validated model's
    `model_dump(mode="json")`); one check-in per date and runner.
    """
    document = json_document(checkin, "check-in")
    values = _checkin_columns(document)
    moment = _now(now)
    with writing(session, "save the check-in"):
        row = session.scalars(
            sa.select(CheckInRow).where(
                CheckInRow.runner_id == runner_id, CheckInRow.date == values["date"]
            )
        ).one_or_none()
        updated = row is not None
        if row is None:
            row = CheckInRow(runner_id=runner_id, created_at=moment)
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.data = document
        row.updated_at = moment
        session.flush()
        return updated


def get_checkin(*, session: Session, runner_id: int, on: date) -> CheckInRecord | None:
    """The check-in of date `on`, or None."""
    with reading(session, "read the check-in"):
        row = session.scalars(
            sa.select(CheckInRow).where(CheckInRow.runner_id == runner_id, CheckInRow.date == on)
        ).one_or_none()
        return _checkin(row) if row is not None else None


def list_checkins(
    *,
    session: Session,
    runner_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[CheckInRecord]:
    """The runner's check-ins from `date_from` to `date_to` (both included), oldest first."""
    query = _CHECKINS[date_from is not None, date_to is not None]
    given = {"runner_id": runner_id, "date_from": date_from, "date_to": date_to}
    with reading(session, "read the check-ins"):
        return [_checkin(row) for row in session.scalars(query, given)]


def _checkins_query(*, bounded_from: bool, bounded_to: bool) -> sa.Select[CheckInRow]:
    query = sa.select(CheckInRow).where(CheckInRow.runner_id == sa.bindparam("runner_id"))
    if bounded_from:
        query = query.where(CheckInRow.date >= sa.bindparam("date_from"))
    if bounded_to:
        query = query.where(CheckInRow.date <= sa.bindparam("date_to"))
    return query.order_by(CheckInRow.date)


# Built once, one for each pair of bounds given (Today reads the last two weeks on every visit):
# building a statement took longer than running it.
_CHECKINS = {
    (bounded_from, bounded_to): _checkins_query(bounded_from=bounded_from, bounded_to=bounded_to)
    for bounded_from in (False, True)
    for bounded_to in (False, True)
}


def _checkin_columns(document: Mapping[str, Any]) -> dict[str, Any]:
    try:
        day = date.fromisoformat(document["date"])
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            "Could not save the check-in: its date is missing or not YYYY-MM-DD."
        ) from exc
    session_part = document.get("session")
    if session_part is not None and not isinstance(session_part, Mapping):
        raise StoreError("Could not save the check-in: `session` must be an object or null.")
    part: Mapping[str, Any] = session_part or {}
    return {
        "date": day,
        "morning_pain": _typed(document.get("morning_pain"), int, "morning_pain"),
        "session_kind": _typed(part.get("kind"), str, "session.kind"),
        "max_pain": _typed(part.get("max_pain"), int, "session.max_pain"),
        "pain_after": _typed(part.get("pain_after"), int, "session.pain_after"),
        "limp": _typed(part.get("limp"), bool, "session.limp"),
        "new_leg_symptoms": _typed(document.get("new_leg_symptoms"), bool, "new_leg_symptoms"),
    }


def _typed(value: Any, kind: type, name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    raise StoreError(f"Could not save the check-in: {name} must be {kind.__name__} or null.")


def _checkin(row: CheckInRow) -> CheckInRecord:
    return CheckInRecord(
        date=row.date,
        data=row.data,
        morning_pain=row.morning_pain,
        session_kind=row.session_kind,
        max_pain=row.max_pain,
        pain_after=row.pain_after,
        limp=row.limp,
        new_leg_symptoms=row.new_leg_symptoms,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# Return to run ---------------------------------------------------------------------------------


def save_return_to_run(
    *, session: Session, runner_id: int, state: ReturnToRunState, now: datetime | None = None
) -> ReturnToRunState:
    """Save a programme's state: a new programme when `state.id` is None, else an update.

    The store sets `created_at` when the programme is first saved (`state.created_at` is not
    read) and `updated_at` on every save.
    """
    if state.status not in _STATUSES:
        raise StoreError(f"A return-to-run status is one of {', '.join(_STATUSES)}.")
    if isinstance(state.stage, bool) or not isinstance(state.stage, int) or state.stage < 1:
        raise StoreError(f"A return-to-run stage is a whole number from 1, not {state.stage!r}.")
    moment = _now(now)
    with writing(session, "save the return-to-run programme"):
        if state.id is None:
            row = ReturnToRunRow(runner_id=runner_id, created_at=moment)
            session.add(row)
        else:
            row = _return_to_run_row(session, runner_id, state.id)
        row.started_on = state.started_on
        row.stage = state.stage
        row.status = state.status
        row.last_decision = state.last_decision
        row.why = [str(reason) for reason in state.why]
        row.decided_on = state.decided_on
        row.updated_at = moment
        session.flush()
        return _return_to_run(row)


def get_return_to_run(*, session: Session, runner_id: int) -> ReturnToRunState | None:
    """The runner's current (most recently started) programme, or None."""
    with reading(session, "read the return-to-run programme"):
        row = session.scalars(_CURRENT_PROGRAMME, {"runner_id": runner_id}).one_or_none()
        return _return_to_run(row) if row is not None else None


# Built once (Today and every check-in ask for it): building took longer than running it.
_CURRENT_PROGRAMME = (
    sa.select(ReturnToRunRow)
    .where(ReturnToRunRow.runner_id == sa.bindparam("runner_id"))
    .order_by(ReturnToRunRow.id.desc())
    .limit(1)
)


def return_to_run_is_active(*, session: Session, runner_id: int) -> bool:
    """Whether the runner's current programme is active: one small query, without building the
    programme (most assessments are saved by runners who have none)."""
    with reading(session, "read the return-to-run programme"):
        status = session.connection().execute(_CURRENT_STATUS, {"runner_id": runner_id}).scalar()
        return status == "active"


_CURRENT_STATUS = (
    sa.select(ReturnToRunRow.status)
    .where(ReturnToRunRow.runner_id == sa.bindparam("runner_id"))
    .order_by(ReturnToRunRow.id.desc())
    .limit(1)
)


def list_return_to_run(*, session: Session, runner_id: int) -> list[ReturnToRunState]:
    """Every programme the runner has had, oldest first."""
    with reading(session, "read the return-to-run programmes"):
        rows = session.scalars(
            sa.select(ReturnToRunRow)
            .where(ReturnToRunRow.runner_id == runner_id)
            .order_by(ReturnToRunRow.id)
        )
        return [_return_to_run(row) for row in rows]


def _return_to_run_row(session: Session, runner_id: int, programme_id: int) -> ReturnToRunRow:
    row = session.get(ReturnToRunRow, programme_id)
    if row is None or row.runner_id != runner_id:
        raise StoreError(f"There is no return-to-run programme {programme_id} for this runner.")
    return row


def _return_to_run(row: ReturnToRunRow) -> ReturnToRunState:
    status = _STATUSES.get(row.status)
    if status is None:  # the CHECK constraint keeps this from happening
        raise StoreError(f"Return-to-run programme {row.id} has an unknown status {row.status!r}.")
    return ReturnToRunState(
        id=row.id,
        started_on=row.started_on,
        stage=row.stage,
        status=status,
        last_decision=row.last_decision,
        why=tuple(row.why),
        decided_on=row.decided_on,
        updated_at=row.updated_at,
        created_at=row.created_at,
    )


# Forget ----------------------------------------------------------------------------------------

# Children first, so that no database relies on ON DELETE CASCADE.
_RUNNER_TABLES = (
    "activity_file",
    "activity",
    "return_to_run",
    "check_in",
    "assessment",
    "form_analysis",
    "outcome",
)
# Team mode's rows about the runner; none exist in personal mode.
_TEAM_TABLES = ("audit_event", "clinician_link", "invite")


def delete_record_rows(*, session: Session, runner_id: int) -> dict[str, int]:
    """Delete the runner's assessments, check-ins, outcome questionnaires, programmes,
    activities and their files; the runner row (and in team mode the account) stays. The rows
    deleted, per table.
    """
    deleted: dict[str, int] = {}
    with writing(session, "delete your data"):
        for name in _RUNNER_TABLES:
            table = Base.metadata.tables[name]
            deleted[name] = _delete(session, sa.delete(table).where(table.c.runner_id == runner_id))
        # Rows loaded earlier in this session are gone from the database: forget them here too.
        session.expunge_all()
    return deleted


def delete_everything_for(*, session: Session, runner_id: int) -> dict[str, int]:
    """Delete the runner and everything stored about them; the rows deleted, per table.

    In team mode that includes the account that owns the record (its sessions end with it),
    the runner's invite codes, clinician links and audit log; those keys are given only when
    rows were deleted, so personal mode's answer names the record's tables alone.
    """
    deleted: dict[str, int] = {}
    with writing(session, "delete your data"):
        deleted.update(delete_record_rows(session=session, runner_id=runner_id))
        for name in _TEAM_TABLES:
            table = Base.metadata.tables[name]
            count = _delete(session, sa.delete(table).where(table.c.runner_id == runner_id))
            if count:
                deleted[name] = count
        accounts = delete_accounts_of_runner(session=session, runner_id=runner_id)
        if accounts:
            deleted["account"] = accounts
        deleted["runner"] = _delete(session, sa.delete(RunnerRow).where(RunnerRow.id == runner_id))
        # Rows loaded earlier in this session are gone from the database: forget them here too.
        session.expunge_all()
    return deleted


def _delete(session: Session, statement: sa.Delete) -> int:
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount
