"""The Activities page (GET /activities) and its upload (POST /activities/upload)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from report_builders import TODAY, activity, build_record

from backstride.services.record import open_record
from backstride.store import repo
from backstride.web.routes.activities_page import LIST_STEP, UploadQueued
from backstride.web.routes.uploads import MAX_FILES_PER_REQUEST
from backstride.web.templating import templates
from tests.web.test_pages import Page

pytestmark = pytest.mark.anyio

CORPUS = (Path(__file__).resolve().parents[2] / "../shared/data/activities").resolve()
RUN = CORPUS / "fit" / "sportstracker_Garmin_Fenix_6S_Pro-Running.fit"
OTHER_RUN = CORPUS / "fit" / "runpandas_run.fit"
TRUNCATED = CORPUS / "broken" / "fitparse_activity-unexpected-eof.fit"
needs_corpus = pytest.mark.skipif(
    not all(p.is_file() for p in (RUN, OTHER_RUN, TRUNCATED)),
    reason=f"corpus files not found under {CORPUS}",
)
HTMX = {"HX-Request": "true"}


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def load_chart(html: str) -> dict[str, list[dict[str, object]]]:
    found = re.search(r'<canvas data-chart="load" data-chart-figures=\'([^\']*)\'', html)
    assert found, "the page carries no chart data"
    return dict(json.loads(found.group(1)))


def listed_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="activity-(\d+)">', html)


def inline_scripts(html: str) -> list[str]:
    """Script elements not loaded from a file (the CSP refuses them)."""
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)


async def test_without_activities_the_page_offers_the_upload(client):
    response = await client.get("/activities")

    assert response.status_code == 200
    html = response.text
    main = main_of(html)
    assert "No activities yet" in main
    assert 'enctype="multipart/form-data"' in main
    assert 'action="/activities/upload"' in main and 'hx-post="/activities/upload"' in main
    assert 'hx-encoding="multipart/form-data"' in main
    assert "<progress" in main
    assert 'type="file" id="u-files" name="files" multiple' in main
    assert inline_scripts(html) == []
    assert "No runs in these weeks" in main
    assert "data-chart=" not in main
    page = Page(html)
    assert page.label_for["u-files"].startswith("Files to upload")
    for landmark in ("header", "main", "footer", "nav", "form", "h1"):
        assert landmark in page.tags


@pytest.mark.corpus
@needs_corpus
async def test_an_uploaded_fit_file_shows_in_the_list_and_the_chart(client):
    response = await client.post(
        "/activities/upload", files={"files": (RUN.name, RUN.read_bytes())}
    )

    assert response.status_code == 200
    html = response.text
    main = main_of(html)
    assert "Import finished" in main
    assert re.search(r"<strong>1</strong> activity added", main)
    assert len(listed_rows(main)) == 1
    assert "Run" in main.split('id="activity-list"', 1)[1]
    weeks = load_chart(html)["weeks"]
    assert sum(1 for w in weeks if float(str(w["distance_km"])) > 0) == 1
    # The file is from years ago: the chart ends with its week and says so.
    assert "Your latest activity is from" in main

    again = await client.post(
        "/activities/upload", files={"files": ("again.fit.gz", gzip.compress(RUN.read_bytes()))}
    )

    assert re.search(r"<strong>0</strong> activities added", again.text)
    assert re.search(r"<strong>1</strong> already there", again.text)
    assert len(listed_rows(again.text)) == 1


@pytest.mark.corpus
@needs_corpus
async def test_with_htmx_the_answer_is_the_refreshed_part_of_the_page(client):
    response = await client.post(
        "/activities/upload",
        files=[("files", (RUN.name, RUN.read_bytes())), ("files", (OTHER_RUN.name, b"x"))],
        headers=HTMX,
    )

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="activity-record">')
    assert "<main" not in html and "<form" not in html
    assert 'id="upload-result"' in html and 'data-chart="load"' in html
    assert len(listed_rows(html)) == 1
    assert "runpandas_run.fit" in html  # the second file failed, and its name is given
    assert inline_scripts(html) == []


@pytest.mark.corpus
@needs_corpus
async def test_a_broken_file_gives_its_reason_and_the_good_one_is_kept(client):
    response = await client.post(
        "/activities/upload",
        files=[
            ("files", (TRUNCATED.name, TRUNCATED.read_bytes())),
            ("files", (RUN.name, RUN.read_bytes())),
        ],
    )

    assert response.status_code == 200
    main = main_of(response.text)
    assert re.search(r"<strong>1</strong> file could not be read", main)
    failed = main.split("Could not be read</h3>", 1)[1].split("</ul>", 1)[0]
    assert TRUNCATED.name in failed
    assert re.search(r"ends early|truncated|end of file", failed, re.IGNORECASE)
    assert len(listed_rows(main)) == 1


@pytest.mark.corpus
@needs_corpus
async def test_a_zip_export_is_imported_whole(client):
    export = io.BytesIO()
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/1.fit", RUN.read_bytes())
        archive.writestr("activities/2.fit.gz", gzip.compress(OTHER_RUN.read_bytes()))
        archive.writestr("activities/3.fit", TRUNCATED.read_bytes())
        archive.writestr("../outside.fit", RUN.read_bytes())
        archive.writestr("profile.csv", b"name\nrunner\n")

    response = await client.post(
        "/activities/upload", files={"files": ("export_12345.zip", export.getvalue())}
    )

    assert response.status_code == 200
    main = main_of(response.text)
    assert re.search(r"<strong>2</strong> activities added", main)
    assert len(listed_rows(main)) == 2
    failed = main.split("Could not be read</h3>", 1)[1].split("</ul>", 1)[0]
    assert "export_12345.zip/activities/3.fit" in failed
    assert "outside.fit" in failed  # a path escaping the archive is refused, by name
    assert "profile.csv" not in main


async def test_a_file_of_the_wrong_type_is_one_clear_line(client):
    response = await client.post(
        "/activities/upload",
        files=[("files", ("notes.txt", b"not a run")), ("files", ("run.fit", b"x"))],
    )

    assert response.status_code == 422
    main = main_of(response.text)
    assert "Nothing was imported" in main
    errors = re.findall(r'<p class="error" role="alert">(.*?)</p>', main)
    assert errors == [
        "&#39;notes.txt&#39; is not a file Backstride can import; nothing was uploaded. "
        "Choose .fit, .gpx or .tcx files (each optionally .gz), or a Strava or Garmin Connect "
        "export .zip."
    ]
    assert "No activities yet" in main  # run.fit was not imported either


async def test_an_upload_without_files_asks_for_one(client):
    response = await client.post(
        "/activities/upload", data={"note": "nothing"}, files={"files": ("", b"")}
    )

    assert response.status_code == 422
    assert "Choose at least one file to upload" in response.text


async def test_with_htmx_a_refused_upload_is_the_part_with_its_line(client):
    response = await client.post(
        "/activities/upload", files={"files": ("export.rar", b"rar")}, headers=HTMX
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<div id="activity-record">')
    assert "&#39;export.rar&#39; is not a file Backstride can import" in response.text


async def test_the_list_is_newest_first_capped_with_show_more(client, database_url):
    first_day = dt.date(2025, 1, 6)
    runs = [activity(first_day + dt.timedelta(days=2 * n), 5.0) for n in range(LIST_STEP + 10)]
    with open_record(database_url) as record, record.session() as session:
        repo.save_activities(session=session, runner_id=record.runner.id, activities=runs)

    first = main_of((await client.get("/activities")).text)

    listed = first.split('id="activity-list"', 1)[1]
    starts = re.findall(r'<time datetime="([^"]+)">', listed)
    assert len(starts) == LIST_STEP
    assert starts == sorted(starts, reverse=True)
    assert starts[0].startswith((first_day + dt.timedelta(days=2 * (LIST_STEP + 9))).isoformat())
    assert f"Your activities ({LIST_STEP + 10})" in listed
    assert f'href="/activities?shown={2 * LIST_STEP}#activity-list">Show 10 more' in listed

    more = main_of((await client.get("/activities", params={"shown": 2 * LIST_STEP})).text)

    assert len(listed_rows(more)) == LIST_STEP + 10
    assert "more</a>" not in more


async def test_the_chart_marks_flagged_weeks_and_the_flags_cite_sources(client, database_url):
    build_record(database_url)

    html = (await client.get("/activities", params={"until": TODAY.isoformat()})).text

    main = main_of(html)
    weeks = load_chart(html)["weeks"]
    assert len(weeks) == 12
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    assert weeks[-1]["label"] == f"{monday.day} {monday:%b}"
    # The story's runs rise fast from mid-February: weekly rises and long-run spikes.
    assert {w["label"] for w in weeks if w["flagged"]} == {"16 Feb", "23 Feb", "2 Mar", "9 Mar"}
    flags_part = main.split('id="flags-heading"', 1)[1].split("</section>", 1)[0]
    flags = re.findall(r'<li class="flag flag-([a-z0-9_]+)">(.*?)</li>', flags_part, re.DOTALL)
    assert [name for name, _ in flags].count("weekly_increase_over_30pct") == 2
    assert [name for name, _ in flags].count("single_run_spike") == 3
    for _, text in flags:
        assert 'class="sources">Source' in text
    table = main.split('id="load-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 12
    assert table.count("Weekly distance up more than 30%") == 2


async def test_a_wrong_chart_date_is_one_line(client):
    response = await client.get("/activities", params={"until": "yesterday"})

    assert response.status_code == 422
    assert "&#39;yesterday&#39; is not a date" in response.text
    assert "Traceback" not in response.text


async def test_a_queued_upload_polls_its_status(client):
    # The team mode's upload queue answers with this state; the page part polls until done.
    html = templates.get_template("_activities_result.html").render(
        queued=UploadQueued(status_url="/activities/uploads/abc", files=3)
    )

    assert 'hx-get="/activities/uploads/abc"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "3 files queued" in html
    assert 'href="/activities/uploads/abc"' in html  # without JavaScript: a link to look again


async def test_more_files_than_one_upload_takes_is_one_clear_line(client):
    files = [("files", (f"run{i}.gpx", b"<gpx/>")) for i in range(MAX_FILES_PER_REQUEST + 1)]

    response = await client.post("/activities/upload", files=files)

    assert response.status_code == 422
    assert f"That is {MAX_FILES_PER_REQUEST + 1} files; nothing was uploaded." in response.text
    assert "a file." in (await client.get("/activities")).text.split("Files you uploaded")[0]
