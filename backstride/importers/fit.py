"""FIT reader: the fast walker first, fitdecode for whatever the walker cannot read."""

from __future__ import annotations

from backstride.domain import Activity
from backstride.errors import ImportFailed
from backstride.importers.fit_summary import FitSummary, to_activities
from backstride.importers.fit_walk import FitDamaged, summarise_fit


def summarise(data: bytes) -> FitSummary:
    """The summary of a FIT file: walked fast, or decoded by fitdecode when the walk fails."""
    try:
        return summarise_fit(data)
    # The walker is pure Python, so nothing it raises escapes `Exception`; whatever it is (a
    # damaged file, or a variant the walker does not know), the reference decoder gets a go.
    except Exception as walk_error:
        # Imported here: fitdecode takes a while to load, and most files never need it.
        from backstride.importers.fit_reference import summarise_fit_reference

        try:
            return summarise_fit_reference(data)
        except ImportFailed as reference_error:
            # The walker says where and why in plain words; fitdecode's words are the fallback.
            if isinstance(walk_error, FitDamaged):
                raise ImportFailed(str(walk_error)) from reference_error
            raise


def read_fit(data: bytes, *, file: str, sha256: str) -> list[Activity]:
    """Read the sessions of a FIT file as activities. Raises `ImportFailed` subclasses."""
    return to_activities(summarise(data), file=file, sha256=sha256)
