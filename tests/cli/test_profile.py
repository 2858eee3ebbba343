"""`backstride profile`."""

from __future__ import annotations

import json


def test_show_then_change_the_name_and_time_zone(run_cli, database_url):
    shown = json.loads(run_cli("profile", "-f", "json", "--db", database_url).out)
    assert shown["name"] is None and shown["run_days"] is None
    result = run_cli(
        "profile",
        "--name",
        "  Ana   Müller ",
        "--time-zone",
        "Europe/Paris",
        "-f",
        "json",
        "--db",
        database_url,
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["name"] == "Ana Müller"
    again = json.loads(run_cli("profile", "-f", "json", "--db", database_url).out)
    assert (again["name"], again["time_zone"]) == ("Ana Müller", "Europe/Paris")


def test_an_unknown_time_zone_is_refused_with_suggestions(run_cli, database_url):
    result = run_cli("profile", "--time-zone", "Paris", "--db", database_url)
    assert result.code == 2
    assert "not a time zone name" in result.err and "Europe/Paris" in result.err
    shown = json.loads(run_cli("profile", "-f", "json", "--db", database_url).out)
    assert shown["time_zone"] != "Paris"


def test_the_text_shows_the_time_zone(run_cli, database_url):
    run_cli("profile", "--time-zone", "Pacific/Auckland", "--db", database_url)
    text = run_cli("profile", "--db", database_url).out
    assert "Time zone: Pacific/Auckland" in text
