"""The clock Backstride reads: one moment for the services, the store and the interfaces."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

from pinned_time import NOW, TODAY

from backstride.clock import system_clock, today_in, use_clock, utc_now


def test_the_tests_run_on_the_pinned_day():
    assert today_in(UTC) == TODAY
    assert NOW <= utc_now() < NOW + timedelta(minutes=10)


def test_the_date_is_the_one_where_the_runner_lives():
    late_evening = datetime(2026, 6, 17, 22, 30, tzinfo=UTC)
    with use_clock(lambda: late_evening):
        assert today_in(UTC) == date(2026, 6, 17)
        assert today_in(timezone(timedelta(hours=2))) == date(2026, 6, 18)
        assert today_in(timezone(timedelta(hours=-10))) == date(2026, 6, 17)


def test_a_clock_in_another_zone_is_answered_in_utc():
    paris_noon = datetime(2026, 6, 17, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with use_clock(lambda: paris_noon):
        assert utc_now() == datetime(2026, 6, 17, 10, 0, tzinfo=UTC)
        assert utc_now().tzinfo is UTC


def test_the_clock_in_use_is_read_by_every_thread_and_restored_after():
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    seen: list[datetime] = []
    with use_clock(lambda: moment):
        worker = threading.Thread(target=lambda: seen.append(utc_now()))
        worker.start()
        worker.join()
    assert seen == [moment]
    assert utc_now() != moment


def test_the_system_clock_is_aware_and_in_utc():
    assert system_clock().tzinfo is UTC
