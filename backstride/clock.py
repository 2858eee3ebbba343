"""The one place Backstride reads the time.

The services, the store and the interfaces ask `utc_now()` for the current moment (aware, in
UTC) and `today_in(zone)` for the date somewhere; the coach never reads a clock, its `today`
comes in as an argument. A test, or a program embedding Backstride, runs a block on another
clock with `use_clock()`:

```python
with use_clock(lambda: datetime(2026, 3, 18, 12, 0, tzinfo=UTC)):
    week = week_ahead(record, today=runner_today(record))
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo

__all__ = ["Clock", "system_clock", "today_in", "use_clock", "utc_now"]

#: A clock answers the current moment as an aware datetime.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


_clock: Clock = system_clock


def utc_now() -> datetime:
    """The current moment, in UTC, by the clock in use."""
    return _clock().astimezone(UTC)


def today_in(zone: tzinfo | None) -> date:
    """Today's date in `zone`; None means the machine's own time zone."""
    return utc_now().astimezone(zone).date()


@contextmanager
def use_clock(clock: Clock) -> Iterator[None]:
    """Read the time from `clock` inside the block, in every thread; the old one comes back."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = previous
