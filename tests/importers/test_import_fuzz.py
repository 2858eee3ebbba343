"""Generated and mutated files never crash the importers: activities or a clean ImportFailed."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.domain import Activity
from backstride.errors import ImportFailed
from backstride.importers import read_data
from backstride.importers.fit import read_fit
from backstride.importers.fit_walk import FitDamaged, summarise_fit
from backstride.importers.gpx import read_gpx
from backstride.importers.tcx import read_tcx

from .builders import gpx, tcx, tcx_activity
from .corpus import CORPUS, corpus_bytes

_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_number_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["", "abc", "1e400", "-0", " 12 ", "NaN"]),
)
_time_text = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(["", "yesterday", "2024-13-45T99:99:99Z", "0001-01-01T00:00:00+14:00"]),
)
_point = st.tuples(
    st.one_of(st.none(), st.floats(-100, 100)),
    st.one_of(st.none(), st.floats(-200, 200)),
    st.one_of(st.none(), _number_text),
    st.one_of(st.none(), _time_text),
)
_segments = st.lists(st.lists(_point, max_size=8), max_size=4)


def _sane(activities: list[Activity]) -> None:
    assert activities
    for a in activities:
        assert a.start.tzinfo is not None
        for value in (a.distance_m, a.elapsed_s, a.timer_s, a.ascent_m, a.descent_m):
            assert value is None or (math.isfinite(value) and value >= 0)


def _read_or_fail(reader, data: bytes) -> None:  # type: ignore[no-untyped-def]
    try:
        activities = reader(data, file="f", sha256="x")
    except ImportFailed:
        return
    _sane(activities)


@_settings
@given(_segments, st.one_of(st.none(), st.text(max_size=12)))
def test_generated_gpx(segments: list, sport: str | None) -> None:  # type: ignore[type-arg]
    safe_sport = None if sport is None else sport.replace("<", "").replace("&", "")
    _read_or_fail(read_gpx, gpx(segments, sport=safe_sport))


@_settings
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Running", "Biking", "Other", "", "x"]),
            st.lists(
                st.tuples(
                    _time_text,
                    st.floats(-10, 1e5),
                    st.floats(-10, 1e6),
                    st.lists(_point, max_size=5),
                ),
                max_size=3,
            ),
        ),
        max_size=3,
    )
)
def test_generated_tcx(activities: list) -> None:  # type: ignore[type-arg]
    _read_or_fail(read_tcx, tcx(tcx_activity(sport, laps) for sport, laps in activities))


@_settings
@given(st.binary(max_size=400), st.sampled_from(["a.gpx", "a.tcx", "a.fit", "a.fit.gz"]))
def test_random_bytes(data: bytes, name: str) -> None:
    outcome = read_data(name, data)
    assert outcome.status in ("imported", "skipped", "failed")
    if outcome.status != "imported":
        assert outcome.reason


_SMALL_XML = gpx(
    [[(1.0, 2.0, 3.0, "2024-01-01T10:00:00Z"), (1.001, 2.0, 4.0, "2024-01-01T10:01:00Z")]]
)


@_settings
@given(st.data())
def test_mutated_xml(data: st.DataObject) -> None:
    document = _mutate(data, _SMALL_XML)
    _read_or_fail(read_gpx, document)
    _read_or_fail(read_tcx, document)


def _mutate(data: st.DataObject, original: bytes) -> bytes:
    blob = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if not blob:
            break
        at = data.draw(st.integers(0, len(blob) - 1))
        if kind == "flip":
            blob[at] = data.draw(st.integers(0, 255))
        elif kind == "cut":
            del blob[at:]
        elif kind == "insert":
            blob[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            del blob[at : at + data.draw(st.integers(1, 16))]
    return bytes(blob)


_FIT_SEEDS = [
    ("fit", "gpsbabel_garmin-vivosmart-hr.fit"),
    ("fit", "fitparse_Settings.fit"),
    ("fit", "fitparse_WorkoutRepeatSteps.fit"),
    ("broken", "fitparse_activity-filecrc.fit"),
    ("fit", "fitparse_compressed-speed-distance.fit"),
]


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found")
@_settings
@given(st.sampled_from(_FIT_SEEDS), st.data())
def test_mutated_fit(seed: tuple[str, str], data: st.DataObject) -> None:
    mutated = _mutate(data, corpus_bytes(*seed))
    with contextlib.suppress(FitDamaged):  # the walker's only complaint is a plain FitDamaged
        summarise_fit(mutated)
    _read_or_fail(read_fit, mutated)
