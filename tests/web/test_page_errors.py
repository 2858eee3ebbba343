"""Errors met on a page are pages: a browser never shows the API's raw JSON.

The JSON API keeps its one error shape (tests/web/test_error_shape.py); a request for one of the
site's pages that accepts HTML gets the same one line on a page in the site's style.
"""

from __future__ import annotations

import pytest

from backstride.web.app import create_app
from tests.web.shape import assert_error_shape

pytestmark = pytest.mark.anyio

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FILE_LIMIT = 4096


async def test_an_unknown_page_is_a_page_saying_so(client):
    response = await client.get("/no-such-page", headers=BROWSER)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text
    assert "There is no page at /no-such-page." in response.text
    assert 'href="/today">Back to Today' in response.text


async def test_an_unknown_api_route_keeps_the_error_shape(client):
    response = await client.get("/api/v1/no-such-route", headers=BROWSER)

    body = assert_error_shape(response, 404)
    assert "no such route" in body["error"]


async def test_a_page_upload_over_the_limit_is_a_page_with_the_limit(settings, serve):
    files = [("files", (f"run{i}.fit", b"\0" * FILE_LIMIT)) for i in range(40)]
    async with serve(create_app(settings, max_upload_bytes=FILE_LIMIT)) as client:
        response = await client.post("/activities/upload", files=files, headers=BROWSER)

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "That upload is too large" in response.text
    assert "over the limit of 128 KB in all (4 KB a file)" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/activities/upload", "/data/restore", "/api/v1/uploads"])
async def test_uploads_of_several_files_are_not_held_to_the_json_limit(settings, serve, path):
    # Larger than the 1 MB a JSON request may be, within the limit for several files.
    limit = 512 * 1024
    files = [("files", (f"run{i}.fit", b"\0" * (limit - 1024))) for i in range(3)]
    async with serve(create_app(settings, max_upload_bytes=limit)) as client:
        response = await client.post(path, files=files, headers=BROWSER)

    assert response.status_code != 413, response.text[:300]
