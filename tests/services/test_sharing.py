"""Invite codes, clinician links and the audit log a runner reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backstride.errors import InputInvalid
from backstride.services.accounts import Account, account_record, sign_up
from backstride.services.audit import audit_log, record_view
from backstride.services.sharing import (
    CODE_ALPHABET,
    INVITE_LIFETIME,
    NotFound,
    athlete_record,
    clinician_links,
    create_invite,
    invites,
    link_athlete,
    linked_athletes,
    revoke_clinician,
    withdraw_invite,
)
from backstride.store import Store, open_store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with open_store(database_url) as store:
        yield store


def _account(store: Store, email: str, role: str = "runner") -> Account:
    return sign_up(store, email=email, password=PASSWORD, role=role, name=email.split("@")[0])  # type: ignore[arg-type]


def test_an_invite_code_links_a_clinician_once(store: Store) -> None:
    runner = _account(store, "ana@example.org")
    physio = _account(store, "physio@example.org", "clinician")
    coach = _account(store, "coach@example.org", "clinician")
    record = account_record(store, runner)

    made = create_invite(record, now=T0)

    assert len(made.code) == 14 and made.code.count("-") == 2
    assert set(made.code.replace("-", "")) <= set(CODE_ALPHABET)
    assert made.invite.expires_at == T0 + INVITE_LIFETIME
    assert [i.id for i in invites(record, now=T0)] == [made.invite.id]
    # Typed in lower case, without the dashes: still the code.
    link = link_athlete(store, physio, made.code.replace("-", " ").lower(), now=T0)
    assert link.runner_id == runner.runner_id
    assert invites(record, now=T0) == []
    with pytest.raises(InputInvalid, match="code: this invite code does not work"):
        link_athlete(store, coach, made.code, now=T0)
    assert [a.email for a in linked_athletes(store, physio)] == ["ana@example.org"]
    assert linked_athletes(store, coach) == []
    assert athlete_record(store, physio, runner.runner_id or 0).runner.id == runner.runner_id


def test_an_expired_or_withdrawn_code_does_not_work(store: Store) -> None:
    record = account_record(store, _account(store, "ana@example.org"))
    physio = _account(store, "physio@example.org", "clinician")
    expired = create_invite(record, now=T0)
    withdrawn = create_invite(record, now=T0)

    withdraw_invite(record, withdrawn.invite.id)

    for made, at in ((expired, T0 + INVITE_LIFETIME), (withdrawn, T0)):
        with pytest.raises(InputInvalid, match="does not work"):
            link_athlete(store, physio, made.code, now=at)
    with pytest.raises(InputInvalid, match="does not work"):
        link_athlete(store, physio, "not a code", now=T0)
    with pytest.raises(NotFound):
        withdraw_invite(record, withdrawn.invite.id)


def test_only_a_clinician_can_link(store: Store) -> None:
    record = account_record(store, _account(store, "ana@example.org"))
    other_runner = _account(store, "bo@example.org")
    made = create_invite(record, now=T0)

    with pytest.raises(InputInvalid, match="only a clinician"):
        link_athlete(store, other_runner, made.code, now=T0)
    with pytest.raises(NotFound):
        athlete_record(store, other_runner, record.runner.id)


def test_another_runners_ids_are_not_found(store: Store) -> None:
    ana = account_record(store, _account(store, "ana@example.org"))
    bo = account_record(store, _account(store, "bo@example.org"))
    physio = _account(store, "physio@example.org", "clinician")
    made = create_invite(ana, now=T0)
    waiting = create_invite(ana, now=T0)
    link = link_athlete(store, physio, made.code, now=T0)

    with pytest.raises(NotFound):
        withdraw_invite(bo, waiting.invite.id)
    with pytest.raises(NotFound):
        revoke_clinician(bo, link.id, now=T0)
    assert [i.id for i in invites(ana, now=T0)] == [waiting.invite.id]
    assert athlete_record(store, physio, ana.runner.id).runner.id == ana.runner.id
    assert clinician_links(bo) == []


def test_after_revoking_the_clinician_sees_nothing(store: Store) -> None:
    record = account_record(store, _account(store, "ana@example.org"))
    physio = _account(store, "physio@example.org", "clinician")
    link = link_athlete(store, physio, create_invite(record, now=T0).code, now=T0)

    revoke_clinician(record, link.id, now=T0 + timedelta(days=1))

    assert linked_athletes(store, physio) == []
    with pytest.raises(NotFound):
        athlete_record(store, physio, record.runner.id)
    [kept] = clinician_links(record)
    assert kept.revoked_at == T0 + timedelta(days=1)
    with pytest.raises(NotFound):
        revoke_clinician(record, link.id, now=T0)
    # A new code links them again.
    link_athlete(store, physio, create_invite(record, now=T0).code, now=T0 + timedelta(days=2))
    assert athlete_record(store, physio, record.runner.id).runner.id == record.runner.id


def test_the_audit_log_says_who_saw_what_and_when(store: Store) -> None:
    record = account_record(store, _account(store, "ana@example.org"))
    other = account_record(store, _account(store, "bo@example.org"))
    physio = _account(store, "physio@example.org", "clinician")
    link = link_athlete(store, physio, create_invite(record, now=T0).code, now=T0)

    record_view(store, clinician=physio, runner_id=record.runner.id, view="checkins", now=T0)
    revoke_clinician(record, link.id, now=T0 + timedelta(hours=1))

    log = audit_log(record)
    assert [(line.who, line.what) for line in log] == [
        ("physio@example.org", "lost access: you ended the link"),
        ("physio@example.org", "viewed the pain diary"),
        ("physio@example.org", "linked to your record with an invite code"),
    ]
    assert log[0].at == T0 + timedelta(hours=1)
    assert audit_log(other) == []
    with pytest.raises(InputInvalid, match="not a part of a record"):
        record_view(store, clinician=physio, runner_id=record.runner.id, view="everything")
