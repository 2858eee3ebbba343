"""A fast FIT reader: walk every record header, decode only the messages a summary needs.

Why hand-written rather than a library (measured; see bench/bench_import.py and
shared/research/activity-data.md):

* fitdecode, the maintained and tolerant reference, decodes every field of every record. That runs
  at about 0.6 MB/s, some 200 times slower than walking the record headers, and a summary needs
  five message types out of the tens of thousands of records in a file.
* fitfast (Rust) is the only fast library. It rejects valid files whose header CRC is 0 (the FIT
  spec allows it; older Garmin watches and Zwift write it), panics on malformed input, and its
  summary path is still about 3 times slower than this walk.

The walker reads each record header, keeps the definitions, skips data payloads by their defined
size and unpacks only file_id, session, device_info, activity and timestamp_correlation messages.
It handles chained files, compressed-timestamp headers, developer fields and big-endian
definitions. It does not check CRCs: the reference decoder only warns about them by default, and a
CRC over every byte in Python would cost more than the whole walk. Whatever it cannot read raises
`FitDamaged`; `fit.read_fit` then asks fitdecode, and a test checks that every corpus file gives
the same sessions through both.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

from backstride.importers.fit_summary import (
    FILE_TYPES,
    MANUFACTURERS,
    SPORTS,
    SUB_SPORTS,
    FitDevice,
    FitSession,
    FitSummary,
    name_of,
    product_of,
)

Values = dict[str, Any]
Unpack = Callable[[bytes, int], tuple[Any, ...]]


class FitDamaged(ValueError):
    """The bytes are not a FIT file this walker can read; the message says where and why."""


# Base type byte -> (struct code, size, invalid value). Others (byte arrays, unknown) are skipped.
_NUMBER_TYPES: dict[int, tuple[str, int, float]] = {
    0x00: ("B", 1, 0xFF),
    0x01: ("b", 1, 0x7F),
    0x02: ("B", 1, 0xFF),
    0x83: ("h", 2, 0x7FFF),
    0x84: ("H", 2, 0xFFFF),
    0x85: ("i", 4, 0x7FFFFFFF),
    0x86: ("I", 4, 0xFFFFFFFF),
    0x88: ("f", 4, math.nan),
    0x89: ("d", 8, math.nan),
    0x0A: ("B", 1, 0),
    0x8B: ("H", 2, 0),
    0x8C: ("I", 4, 0),
    0x8E: ("q", 8, 0x7FFFFFFFFFFFFFFF),
    0x8F: ("Q", 8, 0xFFFFFFFFFFFFFFFF),
    0x90: ("Q", 8, 0),
}
_STRING = 0x07

# Global message number -> {field number: name} of the fields the summary reads.
_WANTED: dict[int, dict[int, str]] = {
    0: {0: "type", 1: "manufacturer", 2: "product", 8: "product_name"},
    18: {
        253: "timestamp",
        2: "start_time",
        5: "sport",
        6: "sub_sport",
        7: "total_elapsed_time",
        8: "total_timer_time",
        9: "total_distance",
        22: "total_ascent",
        23: "total_descent",
    },
    23: {0: "device_index", 2: "manufacturer", 4: "product", 27: "product_name"},
    34: {253: "timestamp", 5: "local_timestamp"},
    162: {253: "timestamp", 1: "system_timestamp"},
}
_TIMESTAMP = 253


class _FieldReader:
    """Reads one wanted field of a data message at a fixed offset."""

    __slots__ = ("invalid", "is_string", "name", "offset", "size", "unpack")

    def __init__(self, name: str, offset: int, size: int, base_type: int, endian: str) -> None:
        self.name = name
        self.offset = offset
        self.size = size
        self.is_string = base_type == _STRING
        self.unpack: Unpack | None = None
        self.invalid: float = 0
        number = _NUMBER_TYPES.get(base_type)
        # A field whose size is not its type's size is an array or damaged; the reference decoder
        # then gives no single number either.
        if number is not None and number[1] == size:
            self.unpack = struct.Struct(endian + number[0]).unpack_from
            self.invalid = number[2]

    def read(self, buf: bytes, start: int) -> Any:
        if self.is_string:
            raw = buf[start + self.offset : start + self.offset + self.size].split(b"\0", 1)[0]
            return raw.decode("utf-8", "replace").strip() or None
        if self.unpack is None:
            return None
        value = self.unpack(buf, start + self.offset)[0]
        if value == self.invalid or value != value:  # NaN marks an invalid float
            return None
        return value


class _Definition:
    """A local message definition: its payload size and, for wanted messages, field readers."""

    __slots__ = ("global_num", "readers", "size", "ts_offset", "ts_unpack")

    def __init__(self, global_num: int, size: int) -> None:
        self.global_num = global_num
        self.size = size
        self.readers: list[_FieldReader] | None = None
        self.ts_offset = -1
        self.ts_unpack: Unpack | None = None


# Devices repeat the same definitions many times per file and across files, and building one
# costs more than walking a hundred records, so built definitions are kept by their bytes.
_DEFINITIONS: dict[bytes, _Definition] = {}
_DEFINITIONS_KEPT = 4096


def _read_definition(buf: bytes, pos: int, end: int) -> tuple[_Definition, int]:
    """Parse the definition record at `pos` (its header byte); return it and the next position."""
    if pos + 6 > end:
        raise FitDamaged(f"damaged data: a message definition is cut off at byte {pos}")
    after = pos + 6 + 3 * buf[pos + 5]
    dev_count = 0
    if buf[pos] & 0x20:
        if after >= end:
            raise FitDamaged(f"damaged data: a message definition is cut off at byte {pos}")
        dev_count = buf[after]
        after += 1 + 3 * dev_count
    if after > end:
        raise FitDamaged(f"damaged data: a message definition is cut off at byte {pos}")
    key = buf[pos + 1 : after]
    definition = _DEFINITIONS.get(key)
    if definition is None:
        definition = _build_definition(key, dev_count)
        if len(_DEFINITIONS) >= _DEFINITIONS_KEPT:
            _DEFINITIONS.clear()
        _DEFINITIONS[key] = definition
    return definition, after


def _build_definition(content: bytes, dev_count: int) -> _Definition:
    """Build a definition from its content (the record after its header byte)."""
    big_endian = content[1] != 0
    endian = ">" if big_endian else "<"
    global_num = int.from_bytes(content[2:4], "big" if big_endian else "little")
    specs = content[5 : 5 + 3 * content[4]]
    dev_specs = content[len(content) - 3 * dev_count :] if dev_count else b""
    definition = _Definition(global_num, sum(specs[1::3]) + sum(dev_specs[1::3]))
    _add_readers(definition, specs, endian)
    return definition


def _add_readers(definition: _Definition, specs: bytes, endian: str) -> None:
    wanted = _WANTED.get(definition.global_num)
    readers: list[_FieldReader] = []
    offset = 0
    for i in range(0, len(specs), 3):
        number, size, base_type = specs[i], specs[i + 1], specs[i + 2]
        if number == _TIMESTAMP and size == 4:
            definition.ts_offset = offset
            definition.ts_unpack = struct.Struct(endian + "I").unpack_from
        if wanted is not None and number in wanted:
            readers.append(_FieldReader(wanted[number], offset, size, base_type, endian))
        offset += size
    if wanted is not None:
        definition.readers = readers


def _collect(summary: FitSummary, global_num: int, values: Values) -> None:
    """File what one wanted message says into the summary."""
    if global_num == 18:
        summary.sessions.append(_session(values))
    elif global_num == 0:
        summary.file_types.append(name_of(FILE_TYPES, values.get("type")))
        if summary.file_device is None:
            summary.file_device = _device(values)
    elif global_num == 23:
        if values.get("device_index") == 0 and summary.creator_device is None:
            summary.creator_device = _device(values)
    elif global_num == 34:
        stamp, local = values.get("timestamp"), values.get("local_timestamp")
        if stamp is not None and local is not None:
            summary.activity_clocks.append((stamp, local))
    else:
        stamp, system = values.get("timestamp"), values.get("system_timestamp")
        if stamp is not None and system is not None:
            summary.correlations.append((stamp, system))


def _scaled(value: int | float | None, scale: int) -> float | None:
    return None if value is None else value / scale


def _session(values: Values) -> FitSession:
    ascent, descent = values.get("total_ascent"), values.get("total_descent")
    return FitSession(
        start_time=values.get("start_time"),
        timestamp=values.get("timestamp"),
        sport=name_of(SPORTS, values.get("sport")),
        sub_sport=name_of(SUB_SPORTS, values.get("sub_sport")),
        distance_m=_scaled(values.get("total_distance"), 100),
        elapsed_s=_scaled(values.get("total_elapsed_time"), 1000),
        timer_s=_scaled(values.get("total_timer_time"), 1000),
        ascent_m=None if ascent is None else float(ascent),
        descent_m=None if descent is None else float(descent),
    )


def _device(values: Values) -> FitDevice:
    manufacturer = values.get("manufacturer")
    return FitDevice(
        manufacturer=name_of(MANUFACTURERS, manufacturer),
        product=product_of(manufacturer, values.get("product")),
        product_name=values.get("product_name"),
    )


def _decode(definition: _Definition, buf: bytes, start: int, timestamp: int | None) -> Values:
    values: Values = {}
    for reader in definition.readers or ():
        values[reader.name] = reader.read(buf, start)
    if timestamp is not None and values.get("timestamp") is None:
        values["timestamp"] = timestamp
    return values


class _CompressedTimestamps(Exception):
    """The file uses compressed timestamp headers: walk it again keeping the clock."""


_UNDEFINED = -(1 << 40)


def _walk(buf: bytes, pos: int, end: int, summary: FitSummary) -> int:
    """Walk the records of one FIT file body from `pos` to `end`; return where it stopped.

    This loop runs once per record (hundreds of thousands per file), so the common case, a data
    message nobody wants, costs one list lookup: `sizes` holds the payload size of each local
    type, or a negative number for wanted or undefined types.
    """
    sizes = [_UNDEFINED] * 16
    defs: list[_Definition | None] = [None] * 16
    while pos < end:
        header = buf[pos]
        if header < 0x40:  # a normal data message
            size = sizes[header & 0x0F]
            if size >= 0:
                pos += 1 + size
                continue
            found = defs[header & 0x0F]
            if found is None:
                raise FitDamaged(f"damaged data at byte {pos}: a message uses a type never defined")
            if pos + 1 + found.size <= end:
                _collect(summary, found.global_num, _decode(found, buf, pos + 1, None))
            pos += 1 + found.size
        elif header < 0x80:  # a definition
            definition, pos = _read_definition(buf, pos, end)
            defs[header & 0x0F] = definition
            is_wanted = definition.readers is not None
            sizes[header & 0x0F] = -1 if is_wanted else definition.size
        else:
            raise _CompressedTimestamps
    return pos


def _walk_tracking_time(buf: bytes, pos: int, end: int, summary: FitSummary) -> int:
    """Walk like `_walk`, also keeping the clock that compressed timestamp headers count from.

    Only files that use compressed headers come here, so it favours plainness over speed.
    """
    defs: list[_Definition | None] = [None] * 16
    last_ts = 0  # the reference for compressed timestamps, as the FIT SDK keeps it
    while pos < end:
        header = buf[pos]
        if 0x40 <= header < 0x80:
            defs[header & 0x0F], pos = _read_definition(buf, pos, end)
            continue
        compressed = header >= 0x80
        found = defs[(header >> 5) & 0x03 if compressed else header & 0x0F]
        if found is None:
            raise FitDamaged(f"damaged data at byte {pos}: a message uses a type never defined")
        start = pos + 1
        fits = start + found.size <= end
        if compressed:
            offset = header & 0x1F
            last_ts = (last_ts & ~0x1F) + offset + (0x20 if offset < (last_ts & 0x1F) else 0)
        elif found.ts_unpack is not None and fits:
            stamp = found.ts_unpack(buf, start + found.ts_offset)[0]
            last_ts = last_ts if stamp == 0xFFFFFFFF else stamp
        if found.readers is not None and fits:
            stamp_given = last_ts if compressed else None
            _collect(summary, found.global_num, _decode(found, buf, start, stamp_given))
        pos = start + found.size
    return pos


def _walk_part(buf: bytes, start: int, end: int, summary: FitSummary) -> int:
    part = FitSummary()
    try:
        stopped = _walk(buf, start, end, part)
    except _CompressedTimestamps:
        part = FitSummary()
        stopped = _walk_tracking_time(buf, start, end, part)
    summary.merge(part)
    return stopped


def _read_header(buf: bytes, pos: int) -> tuple[int, int]:
    """Check the FIT file header at `pos`; return where its records start and end."""
    total = len(buf)
    if total - pos < 12 or buf[pos + 8 : pos + 12] != b".FIT" or buf[pos] < 12:
        if pos == 0:
            raise FitDamaged("not a FIT file (no FIT header at the start)")
        raise FitDamaged(f"another FIT file is chained at byte {pos} but its header is damaged")
    header_size = buf[pos]
    data_size = int.from_bytes(buf[pos + 4 : pos + 8], "little")
    start = pos + header_size
    end = start + data_size
    if end + 2 > total:
        raise FitDamaged(f"file ends early at byte {total} of {end + 2}")
    return start, end


def summarise_fit(buf: bytes) -> FitSummary:
    """Read the summary of a FIT file (chained parts included) from its bytes.

    Raises `FitDamaged` with a plain description of what is wrong and where.
    """
    summary = FitSummary()
    pos = 0
    try:
        while pos < len(buf):
            start, end = _read_header(buf, pos)
            stopped = _walk_part(buf, start, end, summary)
            if stopped > end:
                raise FitDamaged(
                    f"damaged data: the last message runs past the end of the data "
                    f"(byte {stopped} of {end})"
                )
            pos = end + 2
    except (struct.error, IndexError) as exc:
        raise FitDamaged(f"damaged data near byte {pos}") from exc
    return summary
