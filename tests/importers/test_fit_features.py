"""FIT features built byte by byte: chained files, compressed timestamps, developer fields,
big-endian definitions and relative times, read the same by the walker and by fitdecode."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backstride.importers.fit import read_fit
from backstride.importers.fit_reference import summarise_fit_reference
from backstride.importers.fit_summary import FIT_EPOCH
from backstride.importers.fit_walk import FitDamaged, summarise_fit

from .fitbuilder import Definition, fit_file

ENUM, UINT16, UINT32, STRING = 0x00, 0x84, 0x86, 0x07
ABSOLUTE = 1_000_000_000  # FIT seconds: 2021-09-09
RELATIVE = 5_000  # seconds since the watch was switched on

FILE_ID = Definition(0, 0, [(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16), (8, 12, STRING)])
CORRELATION = Definition(1, 162, [(253, 4, UINT32), (1, 4, UINT32)])
RECORD = Definition(2, 20, [(253, 4, UINT32), (5, 4, UINT32)], dev_fields=[(0, 3, 0)])
RECORD_NO_TIME = Definition(3, 20, [(5, 4, UINT32)])
ACTIVITY = Definition(0, 34, [(5, 4, UINT32)])  # local_timestamp only
SESSION = Definition(
    1,
    18,
    [
        *((253, 4, UINT32), (2, 4, UINT32), (5, 1, ENUM), (6, 1, ENUM), (7, 4, UINT32)),
        *((8, 4, UINT32), (9, 4, UINT32), (22, 2, UINT16), (23, 2, UINT16)),
    ],
    big_endian=True,
)


def _running_part() -> bytes:
    records = FILE_ID.record() + FILE_ID.data(4, 1, 1, b"Test Watch")
    records += CORRELATION.record() + CORRELATION.data(ABSOLUTE + 100, 100)
    records += RECORD.record() + RECORD.data(RELATIVE, 0, dev=b"\x01\x02\x03")
    records += RECORD_NO_TIME.record()
    for second in range(1, 70):  # compressed headers, rolling over the 5-bit offset twice
        records += RECORD_NO_TIME.compressed(RELATIVE + second, second * 300)
    records += SESSION.record()
    records += SESSION.data(RELATIVE + 70, RELATIVE, 1, 3, 70_000, 69_000, 2_070_000, 12, 10)
    # An activity message whose time comes from a compressed header: timestamp RELATIVE + 71.
    records += ACTIVITY.record() + ACTIVITY.compressed(RELATIVE + 71, ABSOLUTE + 7_271)
    return fit_file(records)


def _cycling_part() -> bytes:
    session = Definition(0, 18, [(2, 4, UINT32), (5, 1, ENUM), (7, 4, UINT32), (9, 4, UINT32)])
    records = FILE_ID.record() + FILE_ID.data(4, 1, 1, b"Test Watch")
    records += session.record() + session.data(ABSOLUTE + 3_600, 2, 1_800_000, 1_500_000)
    return fit_file(records, header_crc=True)


def test_walker_and_fitdecode_agree_on_every_feature() -> None:
    data = _running_part() + _cycling_part()
    walked = summarise_fit(data)
    assert walked == summarise_fit_reference(data)
    assert walked.file_types == ["activity", "activity"]
    assert walked.activity_clocks == [(RELATIVE + 71, ABSOLUTE + 7_271)]


def test_the_features_become_two_activities() -> None:
    run, ride = read_fit(_running_part() + _cycling_part(), file="chained.fit", sha256="x")
    # The relative start is anchored by the timestamp correlation (ABSOLUTE + 100 <-> 100).
    assert run.start == FIT_EPOCH + timedelta(seconds=ABSOLUTE + RELATIVE)
    assert (run.sport, run.sub_sport, run.distance_m) == ("running", "trail", 20_700.0)
    assert (run.elapsed_s, run.timer_s, run.ascent_m, run.descent_m) == (70.0, 69.0, 12.0, 10.0)
    assert run.device == "Garmin Test Watch"
    assert (ride.sport, ride.distance_m, ride.elapsed_s, ride.session_index) == (
        "cycling",
        15_000.0,
        1_800.0,
        1,
    )
    assert ride.start == FIT_EPOCH + timedelta(seconds=ABSOLUTE + 3_600)


def test_a_message_of_an_undefined_type_is_damage() -> None:
    data = fit_file(FILE_ID.record() + FILE_ID.data(4, 1, 1, b"x") + RECORD.data(1, 2, dev=b"abc"))
    with pytest.raises(FitDamaged, match="never defined"):
        summarise_fit(data)


def test_bytes_that_are_not_fit() -> None:
    with pytest.raises(FitDamaged, match="not a FIT file"):
        summarise_fit(b"<gpx></gpx>" + bytes(20))
