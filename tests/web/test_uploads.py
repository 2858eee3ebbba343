"""Uploading one activity file: imported as `backstride import` does, size-limited."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from backstride.web.app import MAX_UPLOAD_BYTES, create_app
from backstride.web.routes import API_PREFIX as API
from backstride.web.routes.activities import upload_name

from .shape import assert_error_shape

pytestmark = pytest.mark.anyio

CORPUS = (Path(__file__).resolve().parents[2] / "../shared/data/activities").resolve()
RUN = CORPUS / "fit" / "sportstracker_Garmin_Fenix_6S_Pro-Running.fit"
needs_run = pytest.mark.skipif(not RUN.is_file(), reason=f"corpus file not found: {RUN}")


@pytest.mark.corpus
@needs_run
async def test_an_uploaded_fit_file_shows_in_the_activities_and_the_load(client):
    data = RUN.read_bytes()

    response = await client.post(f"{API}/activities", files={"file": (RUN.name, data)})

    assert response.status_code == 201
    summary = response.json()
    assert summary["imported"] == 1
    assert summary["duplicates"] == 0
    assert summary["skipped"] == []
    assert summary["failed"] == []
    added = summary["activities"][0]
    assert added["file"] == RUN.name
    assert added["sport"] == "running"
    assert added["distance_m"] > 0
    listed = (await client.get(f"{API}/activities")).json()
    assert [a["id"] for a in listed] == [added["id"]]
    assert listed[0] == added
    assert (await client.get(f"{API}/activities", params={"sport": "cycling"})).json() == []
    until = added["start"][:10]
    load = (await client.get(f"{API}/load", params={"weeks": 1, "until": until})).json()
    assert load["weeks"][0]["runs"] == 1


@pytest.mark.corpus
@needs_run
async def test_the_same_file_again_adds_nothing(client):
    gzipped = gzip.compress(RUN.read_bytes())
    await client.post(f"{API}/activities", files={"file": (RUN.name, RUN.read_bytes())})

    again = await client.post(f"{API}/activities", files={"file": ("again.fit.gz", gzipped)})

    assert again.status_code == 200
    assert again.json()["imported"] == 0
    assert again.json()["duplicates"] == 1
    assert len((await client.get(f"{API}/activities")).json()) == 1


async def test_an_upload_over_the_limit_is_refused_with_413(settings, serve):
    app = create_app(settings, max_upload_bytes=4096)
    async with serve(app) as client:
        response = await client.post(f"{API}/activities", files={"file": ("big.fit", b"\0" * 5000)})
        assert (await client.get(f"{API}/activities")).json() == []

    body = assert_error_shape(response, 413)
    assert body["error"].startswith("file: the upload is over the limit of 4 KB")


async def test_an_upload_without_a_length_is_counted_as_it_arrives(settings, serve):
    boundary = "xyz"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.fit"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()

    async def chunks():
        yield head
        for _ in range(10):
            yield b"\0" * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    app = create_app(settings, max_upload_bytes=4096)
    async with serve(app) as client:
        response = await client.post(
            f"{API}/activities",
            content=chunks(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    assert "content-length" not in response.request.headers
    assert_error_shape(response, 413)


async def test_the_default_limit_is_refused_from_the_declared_length(client):
    response = await client.post(
        f"{API}/activities",
        content=b"",
        headers={
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(MAX_UPLOAD_BYTES + 1),
        },
    )

    body = assert_error_shape(response, 413)
    assert "64 MB" in body["error"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("run.fit", "run.fit"),
        ("C:\\watch\\Run 1.FIT", "Run 1.FIT"),
        ("../../etc/evil.gpx.gz", "evil.gpx.gz"),
        ("a/b/<script>.tcx", "_script_.tcx"),
    ],
)
def test_upload_names_keep_only_the_file_name(given, kept):
    assert upload_name(given) == kept
