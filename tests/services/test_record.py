"""Opening the runner's record."""

from __future__ import annotations

from backstride.services.record import local_time_zone, open_record


def test_the_personal_runner_lives_in_this_machines_time_zone(tmp_path, monkeypatch):
    import tzlocal

    monkeypatch.setenv("TZ", "Europe/Paris")
    tzlocal.reload_localzone()  # tzlocal caches the zone it found first
    assert local_time_zone() == "Europe/Paris"
    with open_record(f"sqlite:///{tmp_path / 'r.db'}") as record:
        assert record.runner.time_zone == "Europe/Paris"
    monkeypatch.delenv("TZ")
    tzlocal.reload_localzone()


def test_an_unknown_zone_falls_back_to_utc(monkeypatch):
    import tzlocal

    def broken() -> str:
        raise LookupError("no zone configured")

    monkeypatch.setattr(tzlocal, "get_localzone_name", broken)
    assert local_time_zone() == "UTC"
