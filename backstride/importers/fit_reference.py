"""The reference FIT decoder: fitdecode, streaming and tolerant, mapped onto `FitSummary`.

It decodes every field of every record, so it is slow (see bench/bench_import.py); the importer
uses it for files the fast walker cannot read, and the tests use it to check the walker.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import fitdecode

from backstride.errors import ImportFailed
from backstride.importers.fit_summary import (
    FitDevice,
    FitSession,
    FitSummary,
    as_fit_seconds,
)


def _number(message: Any, name: str) -> float | None:
    value = message.get_value(name, fallback=None)
    # Arrays and damaged fields come back as tuples or bytes: no single number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _integer(message: Any, name: str) -> int | None:
    value = message.get_value(name, fallback=None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _name(message: Any, name: str) -> str | int | None:
    value = message.get_value(name, fallback=None)
    return value if isinstance(value, str | int) else None


def _session(message: Any) -> FitSession:
    return FitSession(
        start_time=as_fit_seconds(message.get_value("start_time", fallback=None)),
        timestamp=as_fit_seconds(message.get_value("timestamp", fallback=None)),
        sport=_name(message, "sport"),
        sub_sport=_name(message, "sub_sport"),
        distance_m=_number(message, "total_distance"),
        elapsed_s=_number(message, "total_elapsed_time"),
        timer_s=_number(message, "total_timer_time"),
        ascent_m=_number(message, "total_ascent"),
        descent_m=_number(message, "total_descent"),
    )


def _device(message: Any) -> FitDevice:
    # fitdecode resolves `product` to the garmin_product name for Garmin-family makers.
    product = message.get_value("product", fallback=None)
    text = message.get_value("product_name", fallback=None)
    return FitDevice(
        manufacturer=_name(message, "manufacturer"),
        product=product if isinstance(product, str | int) else None,
        product_name=text.strip() or None if isinstance(text, str) else None,
    )


def _collect(summary: FitSummary, message: Any) -> None:
    name = message.name
    if name == "session":
        summary.sessions.append(_session(message))
    elif name == "file_id":
        summary.file_types.append(_name(message, "type"))
        summary.file_device = summary.file_device or _device(message)
    elif name == "device_info":
        if message.get_value("device_index", fallback=None) == "creator":
            summary.creator_device = summary.creator_device or _device(message)
    elif name == "activity":
        _add_clock(summary.activity_clocks, message, "timestamp", "local_timestamp")
    elif name == "timestamp_correlation":
        _add_clock(summary.correlations, message, "timestamp", "system_timestamp")


def _add_clock(pairs: list[tuple[int, int]], message: Any, first: str, second: str) -> None:
    a = as_fit_seconds(message.get_value(first, fallback=None))
    b = as_fit_seconds(message.get_value(second, fallback=None))
    if a is not None and b is not None:
        pairs.append((a, b))


def summarise_fit_reference(data: bytes) -> FitSummary:
    """Read the summary of a FIT file with fitdecode. Raises `ImportFailed` if it cannot."""
    summary = FitSummary()
    try:
        with warnings.catch_warnings():
            # fitdecode warns on CRC mismatches and odd field sizes and reads on.
            warnings.simplefilter("ignore")
            with fitdecode.FitReader(io.BytesIO(data), keep_raw_chunks=False) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage):
                        _collect(summary, frame)
    # fitdecode raises its own errors, but also struct, assertion and arithmetic errors on damaged
    # input; whatever it raises, the file could not be read.
    except Exception as exc:
        raise ImportFailed(f"fitdecode could not read it ({exc})") from exc
    return summary
