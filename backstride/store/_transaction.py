"""One transaction per store function, and plain-words errors when the database says no.

A store function that finds no transaction open on its session runs in its own and commits it
(reads too, so that nothing is left open). Inside a caller's `with session.begin():` a write
runs in a savepoint instead: if it fails, it undoes only itself, raises, and the caller's
transaction decides what happens to the rest. Inside `all_or_nothing` there is nothing for a
savepoint to keep: any failure undoes the whole transaction, so writes run without one, unless
a part of it is to stand on its own (`on_its_own`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import orjson
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Session

from backstride.errors import StoreError

#: Set in a session's `info` while `all_or_nothing` holds its transaction open.
_ALL_OR_NOTHING = "backstride_all_or_nothing"


@contextmanager
def writing(session: Session, action: str) -> Iterator[None]:
    """Run a write all or nothing; `action` completes "Could not ..." in an error message."""
    try:
        if session.info.get(_ALL_OR_NOTHING):
            yield
        elif session.in_transaction():
            with session.begin_nested():
                yield
        else:
            with session.begin():
                _lock_sqlite_at_begin(session)
                yield
    except SQLAlchemyError as exc:
        raise StoreError(f"Could not {action}: {describe(exc)}") from exc


@contextmanager
def all_or_nothing(session: Session, action: str) -> Iterator[None]:
    """One transaction for several store functions that stand or fall together.

    Any error undoes all of them, so their writes need no savepoints of their own (a savepoint
    costs two statements per write). Use it only where no error is caught and gone past inside:
    that is what a savepoint would be for. `action` completes "Could not ..." in an error
    message.
    """
    if session.in_transaction():
        raise StoreError(
            f"Could not {action}: a transaction is already open on this session; "
            "please report this as a bug."
        )
    try:
        with session.begin():
            _lock_sqlite_at_begin(session)
            session.info[_ALL_OR_NOTHING] = True
            try:
                yield
            finally:
                session.info.pop(_ALL_OR_NOTHING, None)
    except SQLAlchemyError as exc:
        raise StoreError(f"Could not {action}: {describe(exc)}") from exc


@contextmanager
def on_its_own(session: Session, action: str) -> Iterator[None]:
    """A part of an `all_or_nothing` transaction that stands or falls on its own (a savepoint):
    if it fails, it undoes only itself and raises, and the transaction goes on without it.

    For several independent writes that share one commit, e.g. the assessments of many
    requests kept together. `action` completes "Could not ..." in an error message.
    """
    if not session.info.get(_ALL_OR_NOTHING):
        raise StoreError(
            f"Could not {action}: it must run inside all_or_nothing; please report this as a bug."
        )
    try:
        with session.begin_nested():
            yield
    except SQLAlchemyError as exc:
        raise StoreError(f"Could not {action}: {describe(exc)}") from exc


def _lock_sqlite_at_begin(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        # Take SQLite's write lock at BEGIN: a second writer then waits its turn (busy
        # timeout) instead of failing when its snapshot turns out stale.
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


@contextmanager
def reading(session: Session, action: str) -> Iterator[None]:
    """Run a read, in its own short transaction unless the caller has one open."""
    try:
        if session.in_transaction():
            yield
        else:
            with session.begin():
                yield
    except SQLAlchemyError as exc:
        raise StoreError(f"Could not {action}: {describe(exc)}") from exc


def describe(exc: SQLAlchemyError) -> str:
    """What went wrong and what to do, in one line."""
    orig = exc.orig if isinstance(exc, StatementError) else None
    detail = str(orig if orig is not None else exc).strip().splitlines()
    detail_text = f" ({detail[0]})" if detail else ""
    if isinstance(exc, IntegrityError):
        return (
            f"the database refused data that breaks one of its rules{detail_text}. "
            "Nothing was written."
        )
    if isinstance(exc, OperationalError):
        return (
            f"the database could not be reached, is busy or is read-only{detail_text}. "
            "Nothing was written; check the database (--db or BACKSTRIDE_DATABASE_URL) "
            "and try again."
        )
    return (
        f"the database reported an error{detail_text}. Nothing was written; "
        "if `backstride db upgrade` does not help, please report this as a bug."
    )


def json_document(value: Mapping[str, Any], what: str) -> dict[str, Any]:
    """`value` as plain JSON (what will be stored and given back), or StoreError saying why not."""
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"Could not save the {what}: it is not plain JSON ({exc}). "
            "Pass the JSON form, e.g. model.model_dump(mode='json')."
        ) from exc
    document = json.loads(text)
    if not isinstance(document, dict):
        raise StoreError(f"Could not save the {what}: it must be a JSON object.")
    return document


class EncodedJson(str):
    """A JSON document already encoded as text: `serialize_json` stores it as it is."""


def serialize_json(value: Any) -> str:
    """The engines' JSON serializer: `json.dumps`, but text already encoded goes as it is,
    so that a document checked by `encode_document` is not encoded a second time."""
    if type(value) is EncodedJson:
        return value
    return json.dumps(value)


class EncodedDocument(NamedTuple):
    """A document as stored (`text`) and as given back (`document`, plain JSON)."""

    text: EncodedJson
    document: dict[str, Any]


def encode_document(value: Mapping[str, Any], what: str) -> EncodedDocument:
    """`value` encoded once for storing, and as the plain JSON that reads back from it; or
    StoreError saying why it cannot be stored.

    orjson encodes here, not the standard library: an assessment document is about 20 KB,
    and keeping one took the `json` module about 0.14 ms to encode it and read it back, orjson
    about 0.03 ms (measured on the DESIGN sample's output). Dates, times and dataclasses are
    refused, as `json` refuses them: the caller passes the JSON form. A number JSON cannot hold
    (NaN, infinity) is kept as null, an unknown number, as `finite_or_none` keeps it in a
    column; the documents stored are built from checked contracts, which allow neither.
    """
    try:
        encoded = orjson.dumps(value, option=_STRICT)
    except TypeError as exc:
        raise StoreError(
            f"Could not save the {what}: it is not plain JSON ({exc}). "
            "Pass the JSON form, e.g. model.model_dump(mode='json')."
        ) from exc
    document = orjson.loads(encoded)
    if not isinstance(document, dict):
        raise StoreError(f"Could not save the {what}: it must be a JSON object.")
    return EncodedDocument(EncodedJson(encoded.decode()), document)


#: What orjson would write as text on its own but `json` refuses: left to the (absent) default
#: function, which makes orjson refuse them too.
_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def finite_or_none(value: float | None) -> float | None:
    """None for an unknown number: None, NaN or infinity (SQLite cannot keep NaN)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def clean_text(value: str) -> str:
    """Text without NUL characters, which PostgreSQL cannot store."""
    return value.replace("\x00", "")
