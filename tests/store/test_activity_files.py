"""Original activity files come back byte for byte."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy.orm import Session

from backstride.errors import StoreError
from backstride.store import Runner, repo


def test_a_file_comes_back_byte_for_byte(session: Session, runner: Runner) -> None:
    content = os.urandom(1_000_000) + b"\x00\xff" * 10
    assert repo.save_activity_file(
        session=session, runner_id=runner.id, file_name="Morning Run.fit.gz", content=content
    )
    digest = hashlib.sha256(content).hexdigest()
    stored = repo.get_activity_file(session=session, runner_id=runner.id, sha256=digest)
    assert stored is not None
    assert stored.content == content
    assert (stored.sha256, stored.file_name) == (digest, "Morning Run.fit.gz")


def test_the_same_file_is_kept_once(session: Session, runner: Runner) -> None:
    content = b".FIT and some bytes"
    kwargs = {"session": session, "runner_id": runner.id, "content": content}
    assert repo.save_activity_file(file_name="a.fit", **kwargs) is True  # type: ignore[arg-type]
    assert repo.save_activity_file(file_name="copy.fit", **kwargs) is False  # type: ignore[arg-type]
    files = list(repo.iter_activity_files(session=session, runner_id=runner.id))
    assert [f.file_name for f in files] == ["a.fit"]


def test_files_are_listed_in_the_order_stored(session: Session, runner: Runner) -> None:
    contents = [f"file {i}".encode() * (i + 1) for i in range(40)]
    for i, content in enumerate(contents):
        repo.save_activity_file(
            session=session, runner_id=runner.id, file_name=f"{i}.gpx", content=content
        )
    files = list(repo.iter_activity_files(session=session, runner_id=runner.id))
    assert [f.content for f in files] == contents
    assert not session.in_transaction()


def test_a_hash_that_does_not_match_is_refused(session: Session, runner: Runner) -> None:
    with pytest.raises(StoreError, match="does not match"):
        repo.save_activity_file(
            session=session, runner_id=runner.id, file_name="a.fit", content=b"x", sha256="0" * 64
        )
    assert list(repo.iter_activity_files(session=session, runner_id=runner.id)) == []


def test_a_given_hash_that_matches_is_accepted(session: Session, runner: Runner) -> None:
    digest = hashlib.sha256(b"x").hexdigest().upper()
    assert repo.save_activity_file(
        session=session, runner_id=runner.id, file_name="a.fit", content=b"x", sha256=digest
    )
    assert repo.get_activity_file(session=session, runner_id=runner.id, sha256=digest) is not None
