"""The fast FIT walker and the fitdecode reference give the same sessions for every corpus file."""

from __future__ import annotations

import pytest

from backstride.errors import ImportFailed
from backstride.importers import fit
from backstride.importers.fit_reference import summarise_fit_reference
from backstride.importers.fit_summary import FitSummary, to_activities
from backstride.importers.fit_walk import FitDamaged, summarise_fit

from .corpus import corpus_bytes, fit_files, needs_corpus

pytestmark = [pytest.mark.corpus, needs_corpus]


def _walk(data: bytes) -> FitSummary | str:
    try:
        return summarise_fit(data)
    except FitDamaged as exc:
        return f"damaged: {exc}"


def _reference(data: bytes) -> FitSummary | str:
    try:
        return summarise_fit_reference(data)
    except ImportFailed as exc:
        return f"damaged: {exc}"


@pytest.mark.parametrize(("folder", "name"), fit_files())
def test_walker_matches_fitdecode(folder: str, name: str) -> None:
    data = corpus_bytes(folder, name)
    fast, reference = _walk(data), _reference(data)
    if isinstance(fast, str) or isinstance(reference, str):
        # Both refuse the same damaged files (the messages differ: the walker's are plainer).
        assert isinstance(fast, str) and isinstance(reference, str), (fast, reference)
        return
    assert fast.sessions == reference.sessions
    assert fast.file_types == reference.file_types
    assert (fast.file_device, fast.creator_device) == (
        reference.file_device,
        reference.creator_device,
    )
    assert (fast.correlations, fast.activity_clocks) == (
        reference.correlations,
        reference.activity_clocks,
    )
    if fast.sessions:
        assert to_activities(fast, file=name, sha256="x") == to_activities(
            reference, file=name, sha256="x"
        )


def test_a_file_the_walker_cannot_read_falls_back_to_fitdecode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = corpus_bytes("fit", "fitparse_activity-small-fenix2-run.fit")
    expected = fit.read_fit(data, file="run.fit", sha256="x")

    def unreadable(_data: bytes) -> FitSummary:
        raise FitDamaged("a variant the walker does not know")

    monkeypatch.setattr(fit, "summarise_fit", unreadable)
    assert fit.read_fit(data, file="run.fit", sha256="x") == expected


def test_any_walker_error_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus_bytes("fit", "runalyze_Multisession.fit")
    expected = fit.read_fit(data, file="run.fit", sha256="x")

    def broken(_data: bytes) -> FitSummary:
        raise ZeroDivisionError

    monkeypatch.setattr(fit, "summarise_fit", broken)
    assert fit.read_fit(data, file="run.fit", sha256="x") == expected


def test_when_both_fail_the_walkers_plain_words_are_reported() -> None:
    data = corpus_bytes("broken", "fitparse_activity-unexpected-eof.fit")
    with pytest.raises(ImportFailed, match=r"^file ends early at byte 768 of 771$"):
        fit.read_fit(data, file="eof.fit", sha256="x")
