"""Team accounts: sign up, sign in and its limits, sessions, sign out, deleting an account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from backstride.errors import InputInvalid
from backstride.services.accounts import (
    LOGIN_LIMITS,
    NotARunner,
    SignInRefused,
    SignInThrottled,
    account_record,
    delete_account,
    delete_clinician_account,
    sign_in,
    sign_out,
    sign_up,
    signed_in_account,
    signed_in_record,
    start_session,
)
from backstride.store import Store, open_store, repo

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with open_store(database_url) as store:
        yield store


def _sign_in(store: Store, email: str, password: str, at: datetime, address: str = "192.0.2.1"):
    return sign_in(store, email=email, password=password, address=address, now=at)


def test_a_runner_signs_up_with_a_record_of_their_own(store: Store) -> None:
    account = sign_up(
        store, email=" Ana@Example.org ", password=PASSWORD, role="runner", name="Ana", now=T0
    )

    assert (account.email, account.role, account.name) == ("ana@example.org", "runner", "Ana")
    record = account_record(store, account)
    assert record.runner.id == account.runner_id
    assert record.runner.name == "Ana"
    with store.session() as session:
        login = repo.find_login(session=session, email="ana@example.org")
    assert login is not None
    assert login.password_hash.startswith("$argon2id$")
    assert PASSWORD not in login.password_hash


def test_a_clinician_has_no_record(store: Store) -> None:
    clinician = sign_up(store, email="physio@example.org", password=PASSWORD, role="clinician")

    assert clinician.runner_id is None
    with pytest.raises(NotARunner, match="clinician"):
        account_record(store, clinician)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "email: not an email address"),
        ({"email": ""}, "email: missing"),
        ({"password": "short"}, "password: too short; use at least 10 characters"),
        ({"password": "x" * 1025}, "password: too long"),
        ({"role": "admin"}, "role: 'admin' is not allowed"),
        ({"name": "n" * 81}, "name: at most 80 characters"),
        ({"time_zone": "Mars/Base"}, "not a time zone name"),
    ],
)
def test_sign_up_names_what_is_wrong(store: Store, changes: dict, message: str) -> None:
    given = {"email": "ana@example.org", "password": PASSWORD, "role": "runner", **changes}
    with pytest.raises(InputInvalid, match=message):
        sign_up(store, **given)


def test_one_account_per_email(store: Store) -> None:
    sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    with pytest.raises(InputInvalid, match="exists already; sign in instead"):
        sign_up(store, email="ANA@example.org", password=PASSWORD, role="clinician")
    with store.session() as session:
        # The refused sign-up left no runner behind.
        assert repo.account_of_runner(session=session, runner_id=2) is None


def test_sign_in_starts_a_session_that_sign_out_ends(store: Store) -> None:
    account = sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")

    signed_in = _sign_in(store, "ANA@example.org", PASSWORD, T0)

    assert signed_in.account == account
    assert signed_in.expires_at == T0 + timedelta(days=14)
    assert signed_in_account(store, signed_in.token, now=T0) == account
    assert signed_in_account(store, signed_in.token, now=signed_in.expires_at) is None
    second = start_session(store, account, now=T0)
    assert second.token != signed_in.token
    sign_out(store, signed_in.token)
    assert signed_in_account(store, signed_in.token, now=T0) is None
    # Signing out one browser leaves the other signed in.
    assert signed_in_account(store, second.token, now=T0) == account
    assert signed_in_account(store, "", now=T0) is None
    assert signed_in_account(store, "x" * 500, now=T0) is None


def test_a_session_gives_its_account_and_a_runners_record(store: Store) -> None:
    runner = sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    clinician = sign_up(store, email="physio@example.org", password=PASSWORD, role="clinician")
    ana = _sign_in(store, "ana@example.org", PASSWORD, T0)
    physio = _sign_in(store, "physio@example.org", PASSWORD, T0)

    found = signed_in_record(store, ana.token, now=T0)
    assert found is not None
    account, record = found
    assert account == runner
    assert record == account_record(store, runner)
    assert signed_in_record(store, physio.token, now=T0) == (clinician, None)
    assert signed_in_record(store, ana.token, now=ana.expires_at) is None
    assert signed_in_record(store, "", now=T0) is None
    assert signed_in_record(store, "x" * 500, now=T0) is None


def test_a_wrong_password_and_an_unknown_email_are_refused_alike(store: Store) -> None:
    sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")

    with pytest.raises(SignInRefused) as wrong_password:
        _sign_in(store, "ana@example.org", "not the password", T0)
    with pytest.raises(SignInRefused) as unknown_email:
        _sign_in(store, "nobody@example.org", PASSWORD, T0)

    assert str(wrong_password.value) == str(unknown_email.value)
    assert "email or the password is wrong" in str(unknown_email.value)


def test_repeated_failures_are_slowed_then_refused_for_a_while(store: Store) -> None:
    sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    at = T0
    waits: list[timedelta] = []
    for _ in range(LOGIN_LIMITS.email_lock):
        try:
            _sign_in(store, "ana@example.org", "wrong password", at)
        except SignInThrottled as throttled:
            waits.append(throttled.retry_after)
            at += throttled.retry_after
            with pytest.raises(SignInRefused):
                _sign_in(store, "ana@example.org", "wrong password", at)
        except SignInRefused:
            pass
        at += timedelta(milliseconds=1)

    # Three free failures, then 1, 2, 4, ... seconds between attempts, a minute at most.
    assert [round(w.total_seconds()) for w in waits] == [1, 2, 4, 8, 16, 32, 60]
    # Ten failures: refused, even with the right password, until the first leaves the window.
    with pytest.raises(SignInThrottled, match=r"try again in \d+ minutes?") as locked:
        _sign_in(store, "ana@example.org", PASSWORD, at)
    assert timedelta(minutes=12) < locked.value.retry_after <= timedelta(minutes=15)
    signed_in = _sign_in(store, "ana@example.org", PASSWORD, at + locked.value.retry_after)
    assert signed_in.account.email == "ana@example.org"


def test_an_unknown_email_is_slowed_like_a_known_one(store: Store) -> None:
    for email in ("ana@example.org", "nobody@example.org"):
        if email == "ana@example.org":
            sign_up(store, email=email, password=PASSWORD, role="runner")
        for _ in range(LOGIN_LIMITS.email_free):
            with pytest.raises(SignInRefused):
                _sign_in(store, email, "wrong password", T0, address=email)
        with pytest.raises(SignInThrottled, match=r"try again in 1 second$"):
            _sign_in(store, email, "wrong password", T0, address=email)


def test_failures_from_one_address_slow_every_email_from_it(store: Store) -> None:
    for number in range(LOGIN_LIMITS.address_free):
        with pytest.raises(SignInRefused):
            _sign_in(store, f"guess{number}@example.org", "wrong password", T0)
    with pytest.raises(SignInThrottled):
        _sign_in(store, "fresh@example.org", "wrong password", T0)
    with pytest.raises(SignInRefused) as elsewhere:
        _sign_in(store, "fresh@example.org", "wrong password", T0, address="198.51.100.9")
    assert not isinstance(elsewhere.value, SignInThrottled)


def test_a_success_clears_the_emails_failures(store: Store) -> None:
    sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    for _ in range(LOGIN_LIMITS.email_free):
        with pytest.raises(SignInRefused):
            _sign_in(store, "ana@example.org", "wrong password", T0)
    _sign_in(store, "ana@example.org", PASSWORD, T0 + timedelta(seconds=2))
    with pytest.raises(SignInRefused) as next_failure:
        _sign_in(store, "ana@example.org", "wrong password", T0 + timedelta(seconds=2))
    assert not isinstance(next_failure.value, SignInThrottled)


def test_an_old_hash_is_rehashed_at_sign_in(store: Store) -> None:
    account = sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with store.session() as session:
        repo.set_password_hash(session=session, account_id=account.id, password_hash=weak)

    _sign_in(store, "ana@example.org", PASSWORD, T0)

    with store.session() as session:
        login = repo.find_login(session=session, email="ana@example.org")
    assert login is not None
    assert login.password_hash != weak
    assert not PasswordHasher().check_needs_rehash(login.password_hash)


def test_deleting_a_runners_account_ends_it_everywhere(store: Store) -> None:
    account = sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    other = sign_up(store, email="bo@example.org", password=PASSWORD, role="runner")
    signed_in = _sign_in(store, "ana@example.org", PASSWORD, T0)
    record = account_record(store, account)
    repo_checkin = {"date": "2026-03-01", "morning_pain": 2}
    with record.session() as session:
        repo.upsert_checkin(session=session, runner_id=record.runner.id, checkin=repo_checkin)

    deleted = delete_account(record)

    assert deleted["check_ins"] == 1
    assert (deleted["runner"], deleted["account"]) == (1, 1)
    assert signed_in_account(store, signed_in.token, now=T0) is None
    with pytest.raises(SignInRefused):
        _sign_in(store, "ana@example.org", PASSWORD, T0)
    assert account_record(store, other).runner.id == other.runner_id
    # The email can sign up again, to a new empty record.
    again = sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    assert again.runner_id != account.runner_id


def test_deleting_a_clinicians_account(store: Store) -> None:
    clinician = sign_up(store, email="physio@example.org", password=PASSWORD, role="clinician")
    runner = sign_up(store, email="ana@example.org", password=PASSWORD, role="runner")
    signed_in = _sign_in(store, "physio@example.org", PASSWORD, T0)

    with pytest.raises(InputInvalid, match="goes with their record"):
        delete_clinician_account(store, runner)
    delete_clinician_account(store, clinician)

    assert signed_in_account(store, signed_in.token, now=T0) is None
    with pytest.raises(SignInRefused):
        _sign_in(store, "physio@example.org", PASSWORD, T0)
