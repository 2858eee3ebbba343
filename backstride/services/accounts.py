"""Team mode's accounts: sign up, sign in (slowed after failures), sessions, sign out, delete.

Passwords are hashed with argon2id (argon2-cffi's defaults, the RFC 9106 low-memory profile)
and rehashed at the next sign-in when those defaults change. A session is a random token: the
browser keeps it in a cookie, the database keeps only its SHA-256, so signing out or deleting
the account ends it on the server.

Failed sign-ins are counted in the database, per email and per address, so every web worker
process sees the same counts. After a few failures each attempt must wait longer (1 s, 2 s,
4 s, ... up to a minute) and after many the email or address is refused for a while. An
unknown email counts and waits exactly like a known one, and costs the same hash, so the
answers never tell whether an account exists.

```python
account = sign_up(store, email="ana@example.org", password="correct horse battery",
                  role="runner", name="Ana")
signed_in = sign_in(store, email="ana@example.org", password="correct horse battery",
                    address="203.0.113.7")
record = account_record(store, signed_in_account(store, signed_in.token))
```
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from backstride.clock import utc_now
from backstride.errors import BackstrideError, InputInvalid
from backstride.services.data import forget_everything
from backstride.services.profile import checked_time_zone
from backstride.services.record import Record
from backstride.settings import Settings, resolve_database_url
from backstride.store import Store, open_store, repo
from backstride.store.accounts import Account, EmailTaken, Role

__all__ = [
    "LOGIN_LIMITS",
    "PASSWORD_MIN_LENGTH",
    "ROLES",
    "SECRET_KEY_MIN_LENGTH",
    "SESSION_LIFETIME",
    "Account",
    "LoginLimits",
    "NotARunner",
    "Role",
    "SignInRefused",
    "SignInThrottled",
    "SignedIn",
    "Store",
    "account_record",
    "check_team_settings",
    "delete_account",
    "delete_clinician_account",
    "open_team_store",
    "sign_in",
    "sign_out",
    "sign_up",
    "signed_in_account",
    "signed_in_record",
    "start_session",
]

#: The roles an account can have: a runner owns a record; a clinician reads linked ones.
ROLES: tuple[Role, ...] = ("runner", "clinician")
PASSWORD_MIN_LENGTH = 10
#: Long enough for any passphrase or password manager; hashing more is wasted work.
PASSWORD_MAX_LENGTH = 1024
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 80
#: The shortest secret key team mode accepts (`secrets.token_urlsafe(48)` gives 64).
SECRET_KEY_MIN_LENGTH = 32
#: How long a sign-in lasts; then the runner signs in again.
SESSION_LIFETIME = timedelta(days=14)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_REFUSED = "the email or the password is wrong; check both and try again"


class SignInRefused(BackstrideError):
    """The email and password do not match an account (which of the two is never said)."""


class SignInThrottled(SignInRefused):
    """Too many failed sign-ins for this email or from this address: wait `retry_after`."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed sign-ins; try again in {_duration(retry_after)}")


class NotARunner(BackstrideError):
    """A clinician's account asked for a record of its own; clinicians have none."""


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How failed sign-ins slow the next ones, per email and per address.

    Within `window`, after `free` failures each attempt waits 1 s, then 2 s, 4 s, ... (at
    most `max_delay`) after the last failure; from `lock` failures on, attempts are refused
    until the oldest of them leaves the window. An address gets more room than an email:
    several people may share one (an office, a phone network).
    """

    window: timedelta = timedelta(minutes=15)
    max_delay: timedelta = timedelta(seconds=60)
    email_free: int = 3
    email_lock: int = 10
    address_free: int = 10
    address_lock: int = 50


LOGIN_LIMITS = LoginLimits()


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the token for the browser's cookie (shown once) and when it ends."""

    account: Account
    token: str
    expires_at: datetime


def check_team_settings(settings: Settings) -> None:
    """BackstrideError, in one line saying what to set, when team mode cannot start safely."""
    key = settings.secret_key or ""
    if not key:
        raise BackstrideError(
            "team mode needs a secret key: set BACKSTRIDE_SECRET_KEY to a long random string, "
            "the same for every web worker (python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))' makes one)"
        )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise BackstrideError(
            f"BACKSTRIDE_SECRET_KEY is too short: use at least {SECRET_KEY_MIN_LENGTH} random "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )


def open_team_store(settings: Settings) -> Store:
    """The store every account and record of a team lives in, migrated; close it when done."""
    return open_store(resolve_database_url(None, settings=settings))


def sign_up(
    store: Store,
    *,
    email: str,
    password: str,
    role: Role,
    name: str | None = None,
    time_zone: str = "UTC",
    now: datetime | None = None,
) -> Account:
    """A new account; a runner's comes with an empty record. InputInvalid names the field."""
    moment = _now(now)
    email = checked_email(email)
    _check_password(password)
    if role not in ROLES:
        raise InputInvalid(f"role: {role!r} is not allowed; choose runner or clinician")
    name = _checked_name(name)
    zone = _checked_zone(time_zone)
    hashed = _hasher().hash(password)
    with store.session() as session, session.begin():
        runner_id = None
        if role == "runner":
            key = f"account-{secrets.token_hex(16)}"
            runner = repo.create_runner(
                session=session, key=key, name=name, time_zone=zone, now=moment
            )
            runner_id = runner.id
        try:
            return repo.create_account(
                session=session,
                email=email,
                password_hash=hashed,
                role=role,
                name=name,
                runner_id=runner_id,
                now=moment,
            )
        except EmailTaken:
            raise InputInvalid(
                "email: an account with this email exists already; sign in instead"
            ) from None


def sign_in(
    store: Store,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime | None = None,
    limits: LoginLimits = LOGIN_LIMITS,
) -> SignedIn:
    """A new session for the account, or SignInRefused (SignInThrottled: wait, then retry)."""
    moment = _now(now)
    email = email.strip().lower()
    subjects = (_subject("email", email), _subject("address", address))
    with store.session() as session:
        wait = _wait(session, subjects, moment, limits)
        if wait > timedelta(0):
            raise SignInThrottled(wait)
        found = repo.find_login(session=session, email=email) if len(email) < 300 else None
        hasher = _hasher()
        try:
            # An unknown email costs the same hash as a known one.
            hasher.verify(found.password_hash if found else _decoy_hash(), password[:4096])
            matched = found is not None
        except (VerificationError, InvalidHashError):
            matched = False
        if not matched or found is None:
            repo.add_login_failure(
                session=session,
                subjects=subjects,
                now=moment,
                forget_before=moment - limits.window,
            )
            raise SignInRefused(_REFUSED)
        if hasher.check_needs_rehash(found.password_hash):
            repo.set_password_hash(
                session=session, account_id=found.account.id, password_hash=hasher.hash(password)
            )
        repo.clear_login_failures(session=session, subject=subjects[0])
    return start_session(store, found.account, now=moment)


def start_session(store: Store, account: Account, *, now: datetime | None = None) -> SignedIn:
    """A new session for `account` (after sign-up or sign-in): a fresh random token."""
    moment = _now(now)
    token = secrets.token_urlsafe(32)
    expires_at = moment + SESSION_LIFETIME
    with store.session() as session:
        repo.create_session(
            session=session,
            account_id=account.id,
            token_hash=token_digest(token),
            expires_at=expires_at,
            now=moment,
        )
    return SignedIn(account=account, token=token, expires_at=expires_at)


def signed_in_account(store: Store, token: str, *, now: datetime | None = None) -> Account | None:
    """The account whose live session has this token, or None."""
    if not token or len(token) > 200:
        return None
    with store.session() as session:
        return repo.session_account(session=session, token_hash=token_digest(token), now=_now(now))


def signed_in_record(
    store: Store, token: str, *, now: datetime | None = None
) -> tuple[Account, Record | None] | None:
    """The account whose live session has this token and, for a runner's account, their
    record (None for a clinician's); None when no live session has it. One query, which team
    mode runs for every request."""
    if not token or len(token) > 200:
        return None
    with store.single_read() as session:
        found = repo.session_account_and_runner(
            session=session, token_hash=token_digest(token), now=_now(now)
        )
    if found is None:
        return None
    account, runner = found
    return account, Record(store, runner) if runner is not None else None


def sign_out(store: Store, token: str) -> None:
    """End the session with this token; nothing happens for an unknown one."""
    if not token or len(token) > 200:
        return
    with store.session() as session:
        repo.delete_session(session=session, token_hash=token_digest(token))


def account_record(store: Store, account: Account) -> Record:
    """The record a runner's account owns; NotARunner for a clinician's."""
    if account.runner_id is None:
        raise NotARunner(
            "this page is a runner's own record; a clinician's account has none (see /athletes)"
        )
    with store.session() as session:
        return Record(store, repo.get_runner(session=session, runner_id=account.runner_id))


def delete_account(record: Record) -> dict[str, int]:
    """Delete everything kept about the runner and, in team mode, the account that owns the
    record: every session of it ends, every clinician link and invite code goes with it.

    In personal mode there is no account: the record alone is deleted. Gives back how many
    were deleted, as `forget_everything` does, and "account" (0 or 1).
    """
    with record.session() as session:
        owner = repo.account_of_runner(session=session, runner_id=record.runner.id)
    return {**forget_everything(record), "account": 1 if owner is not None else 0}


def delete_clinician_account(store: Store, account: Account) -> None:
    """Delete a clinician's account: its sessions and links end; the runners' audit logs stay."""
    if account.runner_id is not None:
        raise InputInvalid("account: a runner's account goes with their record; see /data")
    with store.session() as session:
        repo.delete_clinician_account(session=session, account_id=account.id)


def checked_email(email: str) -> str:
    """The email, trimmed and in lower case, or InputInvalid saying what to give."""
    cleaned = email.strip().lower()
    if not cleaned:
        raise InputInvalid("email: missing; give the email you sign in with")
    if len(cleaned) > EMAIL_MAX_LENGTH or not _EMAIL.match(cleaned):
        raise InputInvalid("email: not an email address; give one like ana@example.org")
    return cleaned


def token_digest(token: str) -> str:
    """The SHA-256 of a random token, as kept in the database instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InputInvalid(
            f"password: too short; use at least {PASSWORD_MIN_LENGTH} characters (a few "
            "unrelated words make a strong one)"
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InputInvalid(f"password: too long; use at most {PASSWORD_MAX_LENGTH} characters")


def _checked_name(name: str | None) -> str | None:
    if name is None:
        return None
    cleaned = " ".join(name.split())
    if len(cleaned) > NAME_MAX_LENGTH:
        raise InputInvalid(f"name: at most {NAME_MAX_LENGTH} characters, please")
    return cleaned or None


def _checked_zone(time_zone: str) -> str:
    if not time_zone:
        return "UTC"
    try:
        return checked_time_zone(time_zone)
    except InputInvalid as exc:
        # The profile's message names the command-line flag; the sign-up form's field is this.
        reason = str(exc).partition(": ")[2]
        raise InputInvalid(f"time_zone: {reason}") from None


def _wait(
    session: Session, subjects: tuple[str, str], now: datetime, limits: LoginLimits
) -> timedelta:
    """How long the next attempt must wait, the longest over the email and the address."""
    since = now - limits.window
    rules = ((limits.email_free, limits.email_lock), (limits.address_free, limits.address_lock))
    wait = timedelta(0)
    for subject, (free, lock) in zip(subjects, rules, strict=True):
        failures = repo.login_failures(session=session, subject=subject, since=since)
        wait = max(wait, _wait_after(failures, now, free=free, lock=lock, limits=limits))
    return wait


def _wait_after(
    failures: list[datetime], now: datetime, *, free: int, lock: int, limits: LoginLimits
) -> timedelta:
    count = len(failures)
    if count >= lock:
        return failures[count - lock] + limits.window - now
    if count >= free:
        delay = min(timedelta(seconds=2 ** (count - free)), limits.max_delay)
        return failures[-1] + delay - now
    return timedelta(0)


def _subject(kind: Literal["email", "address"], value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _duration(wait: timedelta) -> str:
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utc_now()
