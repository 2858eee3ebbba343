"""`backstride activities` and `backstride load` over activities stored in the record."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pinned_time import TODAY

from backstride.domain import Activity
from backstride.store import open_store, repo


def run(day: dt.date, km: float, *, sport: str = "running", descent: float = 50.0) -> Activity:
    start = dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC)
    return Activity(
        start=start,
        sport=sport,
        sub_sport=None,
        distance_m=km * 1000,
        elapsed_s=km * 360,
        timer_s=km * 350,
        ascent_m=descent,
        descent_m=descent,
        device="Test watch",
        source_file=f"{day.isoformat()}-{sport}.fit",
        sha256=f"{day.isoformat()}{sport}".ljust(64, "0"),
        file_format="fit",
    )


MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def db(tmp_path):
    """A record with three weeks of running: 20 km, 22 km, then 33 km with a long run."""
    url = f"sqlite:///{tmp_path / 'load.db'}"
    activities = [
        run(MONDAY - dt.timedelta(days=14), 10),
        run(MONDAY - dt.timedelta(days=12), 10),
        run(MONDAY - dt.timedelta(days=7), 11),
        run(MONDAY - dt.timedelta(days=5), 11),
        run(MONDAY, 10),
        run(MONDAY + dt.timedelta(days=2), 8),
        run(MONDAY + dt.timedelta(days=5), 15),
        run(MONDAY + dt.timedelta(days=1), 30, sport="cycling"),
    ]
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        repo.save_activities(session=session, runner_id=runner.id, activities=activities)
    return url


def test_load_json_follows_the_contract(run_cli, db):
    result = run_cli(
        "load", "--weeks", "4", "--until", "2026-03-08", "--format", "json", "--db", db
    )
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert [w["week_start"] for w in document["weeks"]] == [
        "2026-02-09",
        "2026-02-16",
        "2026-02-23",
        "2026-03-02",
    ]
    assert [w["distance_km"] for w in document["weeks"]] == [0, 20, 22, 33]
    assert document["weeks"][3]["runs"] == 3  # the ride does not count
    assert document["weeks"][3]["longest_run_km"] == 15
    ids = [f["id"] for f in document["flags"]]
    assert ids == ["weekly_increase_over_30pct", "single_run_spike"]
    weekly, spike = document["flags"]
    assert weekly["week_start"] == "2026-03-02" and "33.0 km" in weekly["text"]
    assert "65%" in weekly["text"] and weekly["sources"] == ["nielsen_2014"]
    assert spike["date"] == "2026-03-07" and spike["sources"] == ["frandsen_2025"]
    assert document["acwr"]["method"] == "ewma" and document["acwr"]["value"] > 1
    assert {s["id"] for s in document["sources"]} >= {"nielsen_2014", "frandsen_2025"}


def test_load_text_marks_the_flagged_week_and_explains_it(run_cli, db):
    result = run_cli("load", "--weeks", "4", "--until", "2026-03-08", "--db", db)
    assert result.code == 0, result.err
    assert "rise > 30%" in result.out
    assert "Warnings" in result.out and "Sources" in result.out
    assert "never as a risk score" in " ".join(result.out.split())


def test_load_plot_writes_a_png(run_cli, db, tmp_path):
    chart = tmp_path / "load.png"
    result = run_cli("load", "--until", "2026-03-08", "--plot", str(chart), "--db", db)
    assert result.code == 0, result.err
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "0"], "--weeks 0"),
        (["--until", "March"], "March"),
        (["--until", "0001-01-01"], "choose a date between 1900 and 2199"),
        (["--until", "9999-12-31"], "choose a date between 1900 and 2199"),
    ],
)
def test_load_bad_options(run_cli, db, args, message):
    result = run_cli("load", *args, "--db", db)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_activities_lists_what_was_stored(run_cli, db):
    result = run_cli("activities", "--format", "json", "--db", db)
    rows = json.loads(result.out)
    assert len(rows) == 8
    assert rows[0]["start"] == "2026-02-16T07:00:00Z"
    assert rows[0]["distance_m"] == 10000
    only_rides = json.loads(
        run_cli("activities", "--sport", "Cycling", "-f", "json", "--db", db).out
    )
    assert [r["sport"] for r in only_rides] == ["cycling"]
    text = run_cli("activities", "--db", db)
    assert "8 activities" in text.out


def test_activities_when_there_are_none(run_cli, tmp_path):
    result = run_cli("activities", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.code == 0
    assert "backstride import" in result.out


def test_assess_with_history_quotes_the_runners_real_weeks(run_cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'history.db'}"
    this_monday = TODAY - dt.timedelta(days=TODAY.weekday())
    weekly = [20, 22, 24, 33]  # the last four complete weeks, oldest first
    runs = []
    for weeks_ago, km in zip(range(4, 0, -1), weekly, strict=True):
        monday = this_monday - dt.timedelta(weeks=weeks_ago)
        runs += [run(monday, km / 2, descent=20 * km), run(monday + dt.timedelta(days=3), km / 2)]
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        repo.save_activities(session=session, runner_id=runner.id, activities=runs)
    intake = tmp_path / "intake.json"
    intake.write_text(
        json.dumps({"age": 40, "pain": {"nrs_now": 2}, "training": {"weekly_distance_km": [5]}})
    )
    result = run_cli("assess", "-i", str(intake), "--history", "-f", "json", "--db", url)
    assert result.code == 0, result.err
    factors = {f["id"]: f["evidence"] for f in json.loads(result.out)["factors"]}
    last = this_monday - dt.timedelta(weeks=1)
    assert "from 22 km to 33 km" in factors["rapid_mileage_increase"]
    assert f"the week of {last.day} {last:%B}" in factors["rapid_mileage_increase"]
    assert "50% of your recent runs descended" in factors["downhill_running"]


def test_assess_with_history_but_no_runs_says_so(run_cli, tmp_path):
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"age": 40, "pain": {}}))
    result = run_cli(
        "assess", "-i", str(intake), "--history", "--db", f"sqlite:///{tmp_path / 'e.db'}"
    )
    assert result.code == 0
    assert "no runs stored" in result.err
