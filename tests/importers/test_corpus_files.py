"""Every file of the shared corpus imports with its sport and numbers, or says why not."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC

import pytest

from backstride.importers import read_source, scan

from .corpus import CORPUS, corpus_bytes, corpus_file, manifest_rows, needs_corpus
from .expectations import EXPECTED, Imported, Refused

pytestmark = [pytest.mark.corpus, needs_corpus]

_ROWS = manifest_rows()


def test_every_manifest_file_has_an_expectation() -> None:
    listed = {name for _, name, _ in _ROWS}
    assert listed == set(EXPECTED), "update tests/importers/expectations.py"


def test_the_manifests_list_every_file() -> None:
    on_disk = {(p.parent.name, p.name) for p in CORPUS.glob("*/*") if p.name != "MANIFEST.tsv"}
    assert on_disk == {(folder, name) for folder, name, _ in _ROWS}


@pytest.mark.parametrize(("folder", "name"), [(f, n) for f, n, _ in _ROWS])
def test_corpus_file(folder: str, name: str) -> None:
    [source] = list(scan([corpus_file(folder, name)]))
    outcome = read_source(source)
    expected = EXPECTED[name]
    if isinstance(expected, Refused):
        assert outcome.status == expected.status, outcome
        assert outcome.reason and expected.reason in outcome.reason
        assert not re.search(r"Traceback|Error\(|\bNone\b", outcome.reason)
        return
    assert outcome.status == "imported", outcome
    _check_sessions(expected, outcome.activities)
    digest = hashlib.sha256(corpus_bytes(folder, name)).hexdigest()
    assert {a.sha256 for a in outcome.activities} == {digest}


def _check_sessions(expected: Imported, activities: tuple) -> None:  # type: ignore[type-arg]
    got = [(a.sport, a.sub_sport) for a in activities]
    assert got == [(s.sport, s.sub_sport) for s in expected.sessions]
    for session, activity in zip(expected.sessions, activities, strict=True):
        if session.distance_m is not None or activity.distance_m is None:
            assert activity.distance_m == pytest.approx(session.distance_m, abs=0.01)
        assert activity.start.tzinfo is UTC
        # Never a zero-length activity: some time or distance is always there.
        assert any(v and v > 0 for v in (activity.elapsed_s, activity.timer_s, activity.distance_m))
        for value in (activity.elapsed_s, activity.timer_s, activity.ascent_m, activity.descent_m):
            assert value is None or value >= 0
    assert [a.session_index for a in activities] == sorted({a.session_index for a in activities})
    if expected.date:
        assert activities[0].start.date().isoformat() == expected.date


def test_the_corpus_is_read_in_place() -> None:
    assert CORPUS.name == "activities"
    assert "main" not in CORPUS.parts[-3:]
