"""`backstride progress`: the weekly table, the chart, and an empty record."""

from __future__ import annotations

import re
import struct

from report_builders import build_record


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_progress_prints_the_last_weeks(run_cli, database_url):
    build_record(database_url)
    result = run_cli("progress", "--weeks", "4", "--until", "2026-03-14", "--db", database_url)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    week = next(line for line in lines if "9 Mar 2026" in line)
    assert re.search(r"9 Mar 2026\D+6\D+1\.0\D+3\D+16\.4\D+5 of 10", week), week
    assert any(re.search(r"23 Feb 2026.*3\.0.*11\.6.*3 of 10", line) for line in lines)
    assert "20 Feb: back to stage 2" in result.out and "12 Mar: up to stage 5" in result.out
    assert "16 Feb 2026" in result.out and "9 Feb 2026" not in result.out


def test_progress_draws_a_png(run_cli, database_url, tmp_path):
    build_record(database_url)
    chart = tmp_path / "progress.png"
    result = run_cli(
        "progress", "--plot", str(chart), "--until", "2026-03-14", "--db", database_url
    )
    assert result.code == 0, result.err
    assert f"Chart written to {chart}" in result.out.replace("\n", "")
    data = chart.read_bytes()
    assert png_size(data) == (990, 495)
    assert 20_000 < len(data) < 500_000


def test_an_empty_record_says_what_to_do(run_cli, database_url, tmp_path):
    result = run_cli("progress", "--db", database_url)
    assert result.code == 0, result.err
    # The last 8 weeks up to the tests' fixed today, laid out at their fixed width.
    assert result.out == (
        "Nothing to show for 27 Apr 2026 to 17 Jun 2026: no check-ins with pain, no runs \n"
        "and no return-to-run programme. Log a day with `backstride checkin`, import runs\n"
        "with `backstride import`, or choose more weeks with --weeks.\n"
    )


def test_an_empty_record_draws_no_chart(run_cli, database_url, tmp_path):
    chart = tmp_path / "progress.png"
    result = run_cli("progress", "--plot", str(chart), "--db", database_url)
    assert result.code == 1
    assert "nothing to show" in result.err and "Traceback" not in result.err
    assert not chart.exists()


def test_a_chart_that_cannot_be_written_is_a_plain_error(run_cli, database_url, tmp_path):
    build_record(database_url)
    chart = tmp_path / "missing" / "progress.png"
    result = run_cli(
        "progress", "--plot", str(chart), "--until", "2026-03-14", "--db", database_url
    )
    assert result.code == 2
    assert "cannot write the chart" in result.err


def test_weeks_out_of_range_are_refused(run_cli, database_url):
    result = run_cli("progress", "--weeks", "0", "--db", database_url)
    assert result.code == 2
    assert "--weeks 0" in result.err
