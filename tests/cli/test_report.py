"""`backstride report`: a PDF or HTML file for a physiotherapist."""

from __future__ import annotations

import re

from pypdf import PdfReader
from report_builders import build_record

from backstride.reports.physio_report import SECTION_TITLES

UNTIL = ("--until", "2026-03-14")


def test_report_writes_a_pdf(run_cli, database_url, tmp_path):
    build_record(database_url)
    out = tmp_path / "report.pdf"
    result = run_cli("report", "--out", str(out), *UNTIL, "--db", database_url)
    assert result.code == 0, result.err
    assert "Report written to" in result.out and "(PDF)" in result.out
    reader = PdfReader(out)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for title in SECTION_TITLES:
        assert title in text
    assert "stage 5 of 10" in text and "64% of days (18 of 28)" in text


def test_report_writes_html_when_the_file_says_so(run_cli, database_url, tmp_path):
    build_record(database_url)
    out = tmp_path / "report.html"
    result = run_cli("report", "--out", str(out), *UNTIL, "--db", database_url)
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<section id="red-flags">' in page


def test_format_html_names_a_file_without_suffix(run_cli, database_url, tmp_path):
    build_record(database_url)
    result = run_cli(
        "report", "--out", str(tmp_path / "visit"), "--format", "html", *UNTIL, "--db", database_url
    )
    assert result.code == 0, result.err
    assert (tmp_path / "visit.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_suffix_that_contradicts_the_format_is_refused(run_cli, database_url, tmp_path):
    out = tmp_path / "report.pdf"
    result = run_cli("report", "--out", str(out), "--format", "html", "--db", database_url)
    assert result.code == 2
    assert "report.html" in result.err
    assert not out.exists()


def test_an_empty_record_writes_nothing_and_says_what_to_do(run_cli, database_url, tmp_path):
    out = tmp_path / "report.pdf"
    result = run_cli("report", "--out", str(out), "--db", database_url)
    assert result.code == 1
    assert "nothing to report yet" in result.err and "backstride assess" in result.err
    assert "Traceback" not in result.err
    assert not out.exists()


def test_a_folder_that_does_not_exist_is_a_plain_error(run_cli, database_url, tmp_path):
    build_record(database_url)
    out = tmp_path / "missing" / "report.pdf"
    result = run_cli("report", "--out", str(out), *UNTIL, "--db", database_url)
    assert result.code == 2
    assert "cannot write the report" in result.err


def test_out_is_required(run_cli):
    result = run_cli("report")
    assert result.code == 2
    assert "--out" in result.err
