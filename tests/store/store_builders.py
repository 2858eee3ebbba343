"""Builders and strategies for the store tests."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from builders import SAMPLE_CHECKIN
from hypothesis import strategies as st

from backstride.domain import Activity

T0 = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_activity(**changes: Any) -> Activity:
    """A 10 km road run starting at T0, from run.fit; pass fields to change."""
    base = Activity(
        start=T0,
        sport="running",
        sub_sport="street",
        distance_m=10_012.3,
        elapsed_s=3600.0,
        timer_s=3500.0,
        ascent_m=120.0,
        descent_m=118.0,
        device="Garmin Forerunner 935",
        source_file="run.fit",
        sha256=sha("run.fit"),
        file_format="fit",
    )
    return dataclasses.replace(base, **changes)


def make_checkin(day: str = "2026-03-02", **changes: Any) -> dict[str, Any]:
    """The check-in of DESIGN.md for `day`; pass top-level keys to change."""
    checkin: dict[str, Any] = {**copy.deepcopy(SAMPLE_CHECKIN), "date": day}
    checkin.update(changes)
    return checkin


_text = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00", exclude_categories=("Cs",)),
    max_size=30,
)
_number = st.one_of(
    st.none(), st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
)


# Mostly close together, so that the 60-second rule is exercised at its edges.
_starts = st.one_of(
    st.integers(-300, 300).map(lambda s: T0 + timedelta(seconds=s)),
    st.integers(-300_000_000, 300_000_000).map(lambda us: T0 + timedelta(microseconds=us)),
    st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    """Any activity the importers could give, start in UTC to the microsecond."""
    return Activity(
        start=draw(_starts),
        sport=draw(st.sampled_from(["running", "cycling", "walking", "swimming", "hiking"])),
        sub_sport=draw(st.one_of(st.none(), _text)),
        distance_m=draw(_number),
        elapsed_s=draw(_number),
        timer_s=draw(_number),
        ascent_m=draw(_number),
        descent_m=draw(_number),
        device=draw(st.one_of(st.none(), _text)),
        source_file=draw(_text),
        sha256=sha(draw(st.sampled_from("abcdefgh"))),
        file_format=draw(st.sampled_from(["fit", "gpx", "tcx", "csv", "json"])),
        session_index=draw(st.integers(0, 3)),
    )


def expected_kept(existing: list[Activity], batch: list[Activity]) -> list[Activity]:
    """What save_activities should add, by the rule in words: first one wins."""
    kept: list[Activity] = []
    for activity in batch:
        if not any(_same(activity, other) for other in [*existing, *kept]):
            kept.append(activity)
    return kept


def _same(a: Activity, b: Activity) -> bool:
    same_file = (a.sha256, a.session_index) == (b.sha256, b.session_index)
    same_start = a.sport == b.sport and abs(a.start - b.start) <= timedelta(seconds=60)
    return same_file or same_start
