"""`backstride db upgrade`."""

from __future__ import annotations


def test_upgrade_creates_the_schema_then_says_it_is_up_to_date(run_cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = run_cli("db", "upgrade", "--db", url)
    assert first.code == 0, first.err
    assert "upgraded from revision none" in first.out
    again = run_cli("db", "upgrade", "--db", url)
    assert "up to date" in again.out


def test_a_bad_url_is_a_clear_error(run_cli):
    result = run_cli("db", "upgrade", "--db", "nosuchdb://x")
    assert result.code != 0
    assert "Traceback" not in result.err
    assert result.err.startswith("backstride: error:")
