"""Team mode's rows: accounts, sessions, invites, links, the audit log and failed sign-ins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from backstride.store import EmailTaken, Runner, repo

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DIGEST = "a" * 64


def _runner_account(session: Session, email: str = "ana@example.org") -> tuple[Runner, int]:
    runner = repo.create_runner(session=session, key=f"account-{email}")
    account = repo.create_account(
        session=session, email=email, password_hash="h", role="runner", runner_id=runner.id
    )
    return runner, account.id


def _clinician(session: Session, email: str = "physio@example.org") -> int:
    account = repo.create_account(
        session=session, email=email, password_hash="h", role="clinician", name="Dr Physio"
    )
    return account.id


def test_an_email_has_one_account(session: Session) -> None:
    _runner_account(session)
    with pytest.raises(EmailTaken, match="exists already"):
        _clinician(session, "ana@example.org")
    login = repo.find_login(session=session, email="ana@example.org")
    assert login is not None
    assert (login.account.role, login.password_hash) == ("runner", "h")
    assert repo.find_login(session=session, email="nobody@example.org") is None


def test_a_session_signs_in_until_it_expires_or_ends(session: Session) -> None:
    _, account_id = _runner_account(session)
    repo.create_session(
        session=session, account_id=account_id, token_hash=DIGEST, expires_at=T0 + timedelta(1)
    )

    found = repo.session_account(session=session, token_hash=DIGEST, now=T0)
    assert found is not None and found.id == account_id
    later = T0 + timedelta(days=1)
    assert repo.session_account(session=session, token_hash=DIGEST, now=later) is None
    assert repo.session_account(session=session, token_hash="b" * 64, now=T0) is None
    assert repo.delete_session(session=session, token_hash=DIGEST) == 1
    assert repo.session_account(session=session, token_hash=DIGEST, now=T0) is None


def test_one_read_gives_the_signed_in_account_and_its_runner(session: Session) -> None:
    runner, account_id = _runner_account(session)
    clinician_id = _clinician(session)
    end = T0 + timedelta(days=1)
    repo.create_session(session=session, account_id=account_id, token_hash=DIGEST, expires_at=end)
    repo.create_session(
        session=session, account_id=clinician_id, token_hash="c" * 64, expires_at=end
    )

    found = repo.session_account_and_runner(session=session, token_hash=DIGEST, now=T0)
    assert found is not None
    account, profile = found
    assert account == repo.session_account(session=session, token_hash=DIGEST, now=T0)
    assert profile == runner
    physio = repo.session_account_and_runner(session=session, token_hash="c" * 64, now=T0)
    assert physio is not None
    assert (physio[0].id, physio[0].role, physio[1]) == (clinician_id, "clinician", None)
    assert repo.session_account_and_runner(session=session, token_hash=DIGEST, now=end) is None
    assert repo.session_account_and_runner(session=session, token_hash="b" * 64, now=T0) is None


def test_an_invite_links_once_and_only_before_it_expires(session: Session) -> None:
    runner, _ = _runner_account(session)
    clinician = _clinician(session)
    other = _clinician(session, "coach@example.org")
    end = T0 + timedelta(days=7)
    repo.create_invite(
        session=session, runner_id=runner.id, code_hash=DIGEST, expires_at=end, now=T0
    )
    repo.create_invite(
        session=session, runner_id=runner.id, code_hash="c" * 64, expires_at=end, now=T0
    )

    link = repo.use_invite(session=session, code_hash=DIGEST, clinician_id=clinician, now=T0)
    assert link is not None
    assert (link.runner_id, link.clinician_email, link.revoked_at) == (
        runner.id,
        "physio@example.org",
        None,
    )
    assert repo.use_invite(session=session, code_hash=DIGEST, clinician_id=other, now=T0) is None
    assert repo.use_invite(session=session, code_hash="c" * 64, clinician_id=other, now=end) is None
    assert repo.use_invite(session=session, code_hash="d" * 64, clinician_id=other, now=T0) is None
    assert repo.is_linked(session=session, clinician_id=clinician, runner_id=runner.id)
    assert not repo.is_linked(session=session, clinician_id=other, runner_id=runner.id)
    [athlete] = repo.linked_athletes(session=session, clinician_id=clinician)
    assert (athlete.runner_id, athlete.email) == (runner.id, "ana@example.org")


def test_only_the_runner_can_withdraw_an_invite_or_revoke_a_link(session: Session) -> None:
    runner, _ = _runner_account(session)
    stranger, _ = _runner_account(session, "bo@example.org")
    clinician = _clinician(session)
    end = T0 + timedelta(days=7)
    invite = repo.create_invite(
        session=session, runner_id=runner.id, code_hash=DIGEST, expires_at=end, now=T0
    )
    waiting = repo.create_invite(
        session=session, runner_id=runner.id, code_hash="e" * 64, expires_at=end, now=T0
    )
    link = repo.use_invite(session=session, code_hash=DIGEST, clinician_id=clinician, now=T0)
    assert link is not None

    assert not repo.withdraw_invite(session=session, runner_id=stranger.id, invite_id=waiting.id)
    assert not repo.withdraw_invite(session=session, runner_id=runner.id, invite_id=invite.id)
    assert [i.id for i in repo.list_invites(session=session, runner_id=runner.id, now=T0)] == [
        waiting.id
    ]
    assert repo.withdraw_invite(session=session, runner_id=runner.id, invite_id=waiting.id)
    assert repo.list_invites(session=session, runner_id=runner.id, now=T0) == []

    assert not repo.revoke_link(session=session, runner_id=stranger.id, link_id=link.id, now=T0)
    assert repo.is_linked(session=session, clinician_id=clinician, runner_id=runner.id)
    assert repo.revoke_link(session=session, runner_id=runner.id, link_id=link.id, now=T0)
    assert not repo.is_linked(session=session, clinician_id=clinician, runner_id=runner.id)
    assert repo.linked_athletes(session=session, clinician_id=clinician) == []
    [kept] = repo.list_links(session=session, runner_id=runner.id)
    assert kept.revoked_at == T0


def test_the_audit_log_is_the_runners_own_and_outlives_the_clinician(session: Session) -> None:
    runner, _ = _runner_account(session)
    other, _ = _runner_account(session, "bo@example.org")
    clinician = _clinician(session)
    for minutes, action in ((0, "view:overview"), (5, "view:load")):
        repo.add_audit_event(
            session=session,
            runner_id=runner.id,
            actor_id=clinician,
            actor_email="physio@example.org",
            action=action,
            now=T0 + timedelta(minutes=minutes),
        )

    repo.delete_clinician_account(session=session, account_id=clinician)

    log = repo.list_audit_events(session=session, runner_id=runner.id)
    assert [(e.action, e.actor_email) for e in log] == [
        ("view:load", "physio@example.org"),
        ("view:overview", "physio@example.org"),
    ]
    assert repo.list_audit_events(session=session, runner_id=other.id) == []
    assert repo.get_account(session=session, account_id=clinician) is None


def test_forgetting_a_runner_ends_their_account_and_its_sessions(session: Session) -> None:
    runner, account_id = _runner_account(session)
    other, other_account = _runner_account(session, "bo@example.org")
    clinician = _clinician(session)
    end = T0 + timedelta(days=7)
    for owner, account in ((runner, account_id), (other, other_account)):
        repo.create_session(
            session=session,
            account_id=account,
            token_hash=f"{owner.id:064d}",
            expires_at=end,
        )
        repo.create_invite(
            session=session,
            runner_id=owner.id,
            code_hash=f"{owner.id:063d}x",
            expires_at=end,
            now=T0,
        )
    repo.use_invite(session=session, code_hash=f"{runner.id:063d}x", clinician_id=clinician, now=T0)

    deleted = repo.delete_everything_for(session=session, runner_id=runner.id)

    assert deleted["account"] == 1
    assert deleted["invite"] == 1
    assert deleted["clinician_link"] == 1
    token = f"{runner.id:064d}"
    assert repo.session_account(session=session, token_hash=token, now=T0) is None
    assert repo.get_account(session=session, account_id=account_id) is None
    assert repo.get_account(session=session, account_id=other_account) is not None
    still = repo.session_account(session=session, token_hash=f"{other.id:064d}", now=T0)
    assert still is not None and still.id == other_account
    assert repo.linked_athletes(session=session, clinician_id=clinician) == []


def test_failed_sign_ins_are_counted_per_subject_and_forgotten_with_time(session: Session) -> None:
    for minutes in (0, 1, 2):
        repo.add_login_failure(
            session=session,
            subjects=("email:x", "address:y"),
            now=T0 + timedelta(minutes=minutes),
            forget_before=T0 - timedelta(minutes=15),
        )
    assert len(repo.login_failures(session=session, subject="email:x", since=T0)) == 3
    recent = repo.login_failures(
        session=session, subject="email:x", since=T0 + timedelta(minutes=1)
    )
    assert recent == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]

    repo.clear_login_failures(session=session, subject="email:x")
    assert repo.login_failures(session=session, subject="email:x", since=T0) == []
    assert len(repo.login_failures(session=session, subject="address:y", since=T0)) == 3
    # A failure an hour later clears those older than its window.
    repo.add_login_failure(
        session=session,
        subjects=("email:z",),
        now=T0 + timedelta(hours=1),
        forget_before=T0 + timedelta(minutes=45),
    )
    assert repo.login_failures(session=session, subject="address:y", since=T0) == []
