"""An export larger than one request may carry, uploaded through the Activities page in a real
browser: tus-js-client sends it as a resumable upload, carries on after the connection is cut
in the middle of a part, and the page shows the import."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from backstride.settings import Settings

from .live import PHONE, PageProblems, open_page, serving

pytestmark = pytest.mark.browser

#: The most one plain form post may carry here: the export below is larger.
ONE_REQUEST_BYTES = 64 * 1024


def gpx_run(day: int) -> bytes:
    points = "".join(
        f'<trkpt lat="45.0" lon="{6.0 + 0.0019 * minute:.4f}"><ele>{300 + day}</ele>'
        f"<time>2024-05-{day:02d}T07:{minute:02d}:00Z</time></trkpt>"
        for minute in range(40)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type>'
        f"<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A Strava-like export: 12 runs, and photos that do not compress, past the one-request
    limit."""
    path = tmp_path / "export_123.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for day in range(1, 13):
            archive.writestr(f"activities/{day}.gpx", gpx_run(day))
        archive.writestr("media/photo.jpg", bytes(range(256)) * 800, zipfile.ZIP_STORED)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size > ONE_REQUEST_BYTES
    return path


@pytest.fixture
def small_limit_page(
    browser: Browser, tmp_path: Path, page_problems: PageProblems
) -> Iterator[Page]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'backstride.db'}", mode="personal", data_dir=tmp_path
    )
    with (
        serving(settings, max_upload_bytes=ONE_REQUEST_BYTES) as base_url,
        open_page(browser, base_url, PHONE, page_problems) as page,
    ):
        yield page


def test_an_export_is_sent_in_parts_and_carries_on_after_the_connection_is_cut(
    small_limit_page: Page, export: Path, page_problems: PageProblems
) -> None:
    page = small_limit_page
    seen: list[str] = []

    def cut_the_first_part(route: Route) -> None:
        request = route.request
        seen.append(request.method)
        if request.method == "PATCH" and seen.count("PATCH") == 1:
            route.abort("connectionreset")
            return
        route.continue_()

    page.route("**/api/v1/resumable-uploads**", cut_the_first_part)
    page.goto("/activities")

    page.get_by_label("Files to upload").set_input_files(export)
    page.get_by_role("button", name="Upload and import").click()

    result = page.locator("#upload-result")
    expect(result.get_by_role("heading")).to_have_text("Import finished")
    expect(result).to_contain_text("12 activities added")
    expect(page.locator("#activity-list tbody tr")).to_have_count(12)
    # Created once, the cut part sent again after asking where the upload ends.
    assert seen[0] == "POST"
    assert seen.count("PATCH") >= 2
    assert "HEAD" in seen[seen.index("PATCH") :]
    # The cut connection is the browser's own console error; nothing else went wrong.
    page_problems.messages[:] = [m for m in page_problems.messages if "ERR_CONNECTION" not in m]


def test_an_export_over_the_limit_is_refused_before_it_is_sent(
    small_limit_page: Page, export: Path, tmp_path: Path
) -> None:
    page = small_limit_page
    page.goto("/activities")
    big = tmp_path / "too_big.zip"
    form = page.locator("form[data-upload-form]")
    form.evaluate("(f) => { f.dataset.maxBytes = '1000'; f.dataset.maxText = '1000 bytes'; }")
    big.write_bytes(export.read_bytes())
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))

    page.get_by_label("Files to upload").set_input_files(big)
    page.get_by_role("button", name="Upload and import").click()

    error = page.locator("#upload-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("over the limit of 1000 bytes a file; nothing was uploaded")
    assert not [url for url in sent if "resumable-uploads" in url or "upload" in url]
