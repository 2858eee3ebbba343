"""Your data (GET /data): report downloads, export, restore, and delete of everything.

The app serves the personal runner; a second runner is made through the store to prove that
deleting touches only the runner served.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pinned_time
import pytest
from builders import SAMPLE_CHECKIN, SAMPLE_INTAKE
from pypdf import PdfReader

from backstride.services.data import record_counts
from backstride.services.record import open_record
from backstride.store import repo
from backstride.web.templating import TEMPLATES_DIR

pytestmark = pytest.mark.anyio

NOTHING = {
    "assessments": 0,
    "check_ins": 0,
    "return_to_run": 0,
    "activities": 0,
    "outcomes": 0,
    "form_analyses": 0,
}
TODAY = re.compile(r"\d{4}-\d{2}-\d{2}")


async def keep_assessment_and_checkin(client) -> None:
    assert (await client.post("/api/v1/assess", json=SAMPLE_INTAKE)).status_code == 200
    today = pinned_time.TODAY.isoformat()
    checkin = {**SAMPLE_CHECKIN, "date": today}
    assert (await client.post("/api/v1/checkins", json=checkin)).status_code in (200, 201)


def make_other_runner(database_url: str) -> int:
    """A second runner in the same database, with an assessment and a check-in."""
    with open_record(database_url) as record, record.session() as session:
        other = repo.create_runner(session=session, key="other-athlete", name="Other")
        repo.save_assessment(
            session=session,
            runner_id=other.id,
            intake=SAMPLE_INTAKE,
            output={"triage": {"level": "self_care"}, "running": {"decision": "reduce"}},
        )
        repo.upsert_checkin(session=session, runner_id=other.id, checkin=SAMPLE_CHECKIN)
        return other.id


def counts_of(database_url: str, runner_id: int | None = None) -> dict[str, int]:
    with open_record(database_url, runner_id=runner_id) as record:
        return record_counts(record)


def no_inline_script(html: str) -> bool:
    return all('src="/static/' in tag for tag in re.findall(r"<script\b[^>]*>", html))


async def test_the_page_offers_every_action_and_says_what_the_record_holds(client):
    await keep_assessment_and_checkin(client)

    response = await client.get("/data")

    html = response.text
    assert response.status_code == 200
    for href in ("/data/report.pdf", "/data/report.html", "/data/export.zip"):
        assert f'href="{href}"' in html
    assert 'action="/data/restore" enctype="multipart/form-data"' in html
    assert 'action="/data/delete"' in html
    assert "1 assessment, 1 check-in, 0 activities" in html
    assert no_inline_script(html)
    assert 'style="' not in html


def test_every_form_of_the_pages_carries_the_csrf_field():
    for name in ("data.html", "assess_form.html"):
        template = (TEMPLATES_DIR / name).read_text()
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", template, re.S)
        assert forms, name
        assert all("{{ csrf_field(request) }}" in form for form in forms), name


async def test_the_report_downloads_as_a_pdf_and_as_html_with_the_date(client):
    await keep_assessment_and_checkin(client)

    pdf = await client.get("/data/report.pdf")
    html = await client.get("/data/report.html")

    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="backstride-report-\d{4}-\d{2}-\d{2}\.pdf"',
        pdf.headers["content-disposition"],
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Backstride" in text
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["content-disposition"].endswith('.html"')
    assert html.text.lstrip().lower().startswith("<!doctype html")


async def test_with_nothing_to_report_the_page_says_what_to_do(client):
    response = await client.get("/data/report.pdf")

    assert response.status_code == 409
    assert "There is nothing to report yet" in response.text
    assert "backstride assess" not in response.text  # the page speaks of pages, not commands


async def test_an_unknown_report_format_is_a_404_page(client):
    response = await client.get("/data/report.docx")

    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text


async def test_the_export_downloads_as_a_zip_and_restores(client, database_url):
    await keep_assessment_and_checkin(client)

    export = await client.get("/data/export.zip")

    assert export.status_code == 200
    assert export.headers["content-type"] == "application/zip"
    name = re.fullmatch(
        r'attachment; filename="(backstride-export-\d{4}-\d{2}-\d{2}\.zip)"',
        export.headers["content-disposition"],
    )
    assert name
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        assert "manifest.json" in archive.namelist()
    deleted = await client.post("/data/delete", data={"confirm": "DELETE"})
    assert deleted.status_code == 200
    assert counts_of(database_url) == {**NOTHING, "activity_files": 0}

    files = {"archive": (name.group(1), export.content, "application/zip")}
    restored = await client.post("/data/restore", files=files)

    assert restored.status_code == 200, restored.text
    assert "Your data was restored" in restored.text
    assert "1 assessment" in restored.text
    assert counts_of(database_url)["assessments"] == 1
    # The app still serves the same runner: Today reads the restored record.
    assert (await client.get("/today")).status_code == 200


async def test_the_temporary_export_is_removed_once_sent(client, monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    response = await client.get("/data/export.zip")

    assert response.status_code == 200
    assert not list(tmp_path.glob("backstride-export-*"))


async def test_a_file_that_is_not_an_export_is_refused_and_nothing_changes(client, database_url):
    await keep_assessment_and_checkin(client)
    foreign = io.BytesIO()
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("notes.txt", "hello")

    for upload in (("photos.zip", foreign.getvalue()), ("notes.txt", b"not a zip at all")):
        files = {"archive": (upload[0], upload[1], "application/zip")}
        response = await client.post("/data/restore", files=files, data={"replace": "yes"})
        assert response.status_code == 422
        error = response.text[response.text.index('id="restore-error"') :]
        assert upload[0] in error[: error.index("</p>")]
        assert "nothing was restored" in error[: error.index("</p>")]
        assert "Traceback" not in response.text
    assert counts_of(database_url)["assessments"] == 1


async def test_restore_replaces_a_record_only_when_the_box_is_ticked(client, database_url):
    await keep_assessment_and_checkin(client)
    export = (await client.get("/data/export.zip")).content
    assert (await client.post("/api/v1/assess", json=SAMPLE_INTAKE)).status_code == 200
    files = {"archive": ("export.zip", export, "application/zip")}

    refused = await client.post("/data/restore", files=files)
    assert refused.status_code == 422
    assert "tick the box" in refused.text
    assert counts_of(database_url)["assessments"] == 2

    replaced = await client.post("/data/restore", files=files, data={"replace": "yes"})
    assert replaced.status_code == 200
    assert counts_of(database_url)["assessments"] == 1


async def test_restore_without_a_file_asks_for_one(client):
    response = await client.post("/data/restore", files={"archive": ("", b"", "application/zip")})

    assert response.status_code == 422
    assert "Choose the zip file" in response.text


@pytest.mark.parametrize("typed", ["", "delete", "yes", "DELETE ME"])
async def test_delete_needs_delete_typed_and_otherwise_deletes_nothing(client, database_url, typed):
    await keep_assessment_and_checkin(client)

    response = await client.post("/data/delete", data={"confirm": typed})

    assert response.status_code == 422
    assert "Nothing was deleted" in response.text
    assert 'aria-invalid="true"' in response.text
    assert counts_of(database_url)["assessments"] == 1


async def test_delete_removes_everything_of_this_runner_and_nothing_of_another(
    client, database_url
):
    await keep_assessment_and_checkin(client)
    other_id = make_other_runner(database_url)
    with open_record(database_url) as record:
        served_id = record.runner.id

    response = await client.post("/data/delete", data={"confirm": " DELETE "})

    assert response.status_code == 200
    html = response.text
    assert "Your data was deleted" in html
    assert "<li>1 assessment</li>" in html and "<li>1 check-in</li>" in html
    assert counts_of(database_url) == {**NOTHING, "activity_files": 0}
    assert counts_of(database_url, other_id)["assessments"] == 1
    assert counts_of(database_url, other_id)["check_ins"] == 1
    with open_record(database_url) as record:
        assert record.runner.id == served_id  # the app's runner is kept, its record emptied
        assert record.runner.name is None
    # The app goes on working for the runner it serves.
    assert (await client.post("/api/v1/assess", json=SAMPLE_INTAKE)).status_code == 200
    assert counts_of(database_url)["assessments"] == 1


def test_the_templates_hold_no_inline_script_or_style():
    for path in Path(TEMPLATES_DIR).glob("*.html"):
        if path.name.startswith(("learn", "data", "not_found", "assess")):
            text = path.read_text()
            assert no_inline_script(text), path.name
            assert "style=" not in text, path.name
