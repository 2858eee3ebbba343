"""/api/v1/resumable-uploads: an export sent in parts (tus 1.0), written to disk as it arrives,
refused over the limit before it is written whole, then imported (personal mode) or queued."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from upload_queue_support import export_zip

from backstride.services.resumable_uploads import UploadFolder
from backstride.services.upload_queue import spool_folder
from backstride.settings import Settings
from backstride.web.app import create_app
from backstride.web.routes import API_PREFIX as API

from .shape import assert_error_shape

pytestmark = pytest.mark.anyio

TUS = {"Tus-Resumable": "1.0.0"}
PART = {**TUS, "Content-Type": "application/offset+octet-stream"}
#: The export limit of the apps built here: small, so a test can go over it cheaply.
LIMIT = 200_000


def metadata(name: str) -> str:
    return f"filename {base64.b64encode(name.encode()).decode()}"


def incoming(settings: Settings) -> list[str]:
    """What waits in the upload folder's incoming folder."""
    folder = spool_folder(settings) / "incoming"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def own_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"data_dir": tmp_path})


@pytest.fixture
async def client(own_settings: Settings, serve) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(own_settings, max_export_bytes=LIMIT)) as client:
        yield client


async def start(client: httpx.AsyncClient, name: str, length: int) -> str:
    response = await client.post(
        f"{API}/resumable-uploads",
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": metadata(name)},
    )
    assert response.status_code == 201, response.text
    return response.headers["location"]


async def test_an_export_sent_in_parts_is_imported_whole(client, own_settings):
    export = export_zip(range(1, 6))
    url = await start(client, "export_2024.zip", len(export))
    assert url.startswith(f"{API}/resumable-uploads/")

    offset = 0
    for part in (export[:1000], export[1000:3000], export[3000:]):
        sent = await client.patch(url, content=part, headers={**PART, "Upload-Offset": str(offset)})
        assert sent.status_code == 204, sent.text
        offset += len(part)
        assert sent.headers["upload-offset"] == str(offset)
        asked = await client.head(url, headers=TUS)
        assert asked.headers["upload-offset"] == str(offset)
        assert asked.headers["upload-length"] == str(len(export))
    shown = (await client.get(url)).json()
    assert shown["complete"] is True and shown["file"] == "export_2024.zip"

    imported = await client.post(shown["import_url"])

    assert imported.status_code == 201, imported.text
    summary = imported.json()
    assert summary["imported"] == 5
    assert {a["file"] for a in summary["activities"]} == {
        f"export_2024.zip/activities/run-{day:02d}.gpx" for day in range(1, 6)
    }
    assert incoming(own_settings) == []  # imported in place, then removed
    assert (await client.head(url, headers=TUS)).status_code == 404


async def test_an_upload_over_the_limit_is_refused_before_any_byte_is_written(client, own_settings):
    response = await client.post(
        f"{API}/resumable-uploads",
        headers={**TUS, "Upload-Length": str(LIMIT + 1), "Upload-Metadata": metadata("big.zip")},
    )

    assert response.status_code == 413
    assert_error_shape(response, 413)
    assert response.json()["error"] == (
        "file: 'big.zip' is a little more than 195 KB, over the limit of 195 KB a file; nothing "
        "was uploaded. "
        "Split the export into smaller zips, or upload the activity files it holds (its "
        "activities folder) in several goes"
    )
    assert incoming(own_settings) == []


async def test_a_part_longer_than_what_the_upload_lacks_is_refused_before_it_is_written(
    client, own_settings
):
    url = await start(client, "export.zip", 1000)
    await client.patch(url, content=b"x" * 400, headers={**PART, "Upload-Offset": "0"})

    response = await client.patch(url, content=b"y" * 700, headers={**PART, "Upload-Offset": "400"})

    assert response.status_code == 413
    assert "more than the 600 still missing of 'export.zip'" in response.json()["error"]
    assert (await client.head(url, headers=TUS)).headers["upload-offset"] == "400"


async def test_a_body_of_unsaid_length_stops_at_the_upload_s_length(client):
    url = await start(client, "export.zip", 3000)

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(1000):  # 1 MB in all, far past the 3000 bytes the upload has
            yield b"z" * 1000

    response = await client.patch(url, content=endless(), headers={**PART, "Upload-Offset": "0"})

    assert response.status_code == 413
    assert "the part past its length was not kept" in response.json()["error"]
    assert (await client.head(url, headers=TUS)).headers["upload-offset"] == "3000"


async def test_a_proxy_s_body_limit_covers_a_part_over_the_export_limit(client):
    url = await start(client, "export.zip", 1000)

    response = await client.patch(
        url, content=b"x" * (LIMIT + 1), headers={**PART, "Upload-Offset": "0"}
    )

    assert response.status_code == 413
    assert "over the limit of 195 KB a file" in response.json()["error"]
    assert (await client.head(url, headers=TUS)).headers["upload-offset"] == "0"


async def test_a_part_that_does_not_start_where_the_upload_ends_is_a_conflict(client):
    url = await start(client, "export.zip", 100)
    await client.patch(url, content=b"a" * 10, headers={**PART, "Upload-Offset": "0"})

    response = await client.patch(url, content=b"b" * 10, headers={**PART, "Upload-Offset": "0"})

    assert response.status_code == 409
    assert response.json()["error"].startswith("Upload-Offset: 0 is not where this upload ends")


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ({"Upload-Length": "10"}, 412, "Tus-Resumable: missing"),
        ({**TUS}, 400, "Upload-Length: missing"),
        ({**TUS, "Upload-Length": "ten"}, 400, "Upload-Length: 'ten' is not a number of bytes"),
        ({**TUS, "Upload-Defer-Length": "1"}, 400, "Upload-Defer-Length: not taken here"),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": "name eA=="}, 400, "filename"),
        ({**TUS, "Upload-Length": "10", "Upload-Metadata": "filename !!"}, 400, "base64"),
        (
            {**TUS, "Upload-Length": "10", "Upload-Metadata": metadata("notes.txt")},
            422,
            "'notes.txt' is not something Backstride imports",
        ),
    ],
)
async def test_a_creation_without_what_it_needs_says_what_is_missing(
    client, own_settings, headers, status, error
):
    if "Upload-Metadata" not in headers and status != 412 and "Upload-Length" in headers:
        headers = {**headers, "Upload-Metadata": metadata("run.fit")}

    response = await client.post(f"{API}/resumable-uploads", headers=headers)

    assert response.status_code == status, response.text
    assert error in response.json()["error"]
    assert incoming(own_settings) == []


async def test_a_part_of_another_type_is_refused(client):
    url = await start(client, "run.fit", 10)

    response = await client.patch(
        url, content=b"x", headers={**TUS, "Upload-Offset": "0", "Content-Type": "text/plain"}
    )

    assert response.status_code == 415
    assert "application/offset+octet-stream" in response.json()["error"]


async def test_an_upload_is_not_imported_before_it_is_whole(client):
    url = await start(client, "export.zip", 100)
    await client.patch(url, content=b"a" * 10, headers={**PART, "Upload-Offset": "0"})

    response = await client.post(f"{url}/import")

    assert response.status_code == 409
    assert "has 10 bytes of 100 bytes; send the rest" in response.json()["error"]


async def test_a_cancelled_upload_leaves_nothing(client, own_settings):
    url = await start(client, "export.zip", 100)
    await client.patch(url, content=b"a" * 10, headers={**PART, "Upload-Offset": "0"})

    assert (await client.delete(url, headers=TUS)).status_code == 204

    assert incoming(own_settings) == []
    assert (await client.head(url, headers=TUS)).status_code == 404


async def test_no_room_on_the_disk_is_said_before_anything_is_sent(
    client, own_settings, monkeypatch
):
    real = shutil.disk_usage

    def nearly_full(path):
        return real(path)._replace(free=600 * 1024 * 1024)

    monkeypatch.setattr(shutil, "disk_usage", nearly_full)

    response = await client.post(
        f"{API}/resumable-uploads",
        headers={**TUS, "Upload-Length": "150000", "Upload-Metadata": metadata("export.zip")},
    )
    assert response.status_code == 201  # 88 MB of room left is enough for 150 KB

    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=1024))
    refused = await client.post(
        f"{API}/resumable-uploads",
        headers={**TUS, "Upload-Length": "150000", "Upload-Metadata": metadata("export.zip")},
    )
    assert refused.status_code == 413
    assert "the server has room for 0 bytes more just now" in refused.json()["error"]


async def test_options_say_the_protocol_and_the_limit(client):
    response = await client.options(f"{API}/resumable-uploads")

    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    assert response.headers["tus-max-size"] == str(LIMIT)
    assert set(response.headers["tus-extension"].split(",")) >= {"creation", "termination"}


async def test_the_activities_page_imports_the_uploads_it_sent(client, own_settings):
    export = export_zip(range(3, 5))
    url = await start(client, "export.zip", len(export))
    await client.patch(url, content=export, headers={**PART, "Upload-Offset": "0"})

    response = await client.post(
        "/activities/upload",
        data={"uploads": url.rsplit("/", 1)[1]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200, response.text[:300]
    assert "Import finished" in response.text
    assert "<strong>2</strong> activities added" in response.text
    page = (await client.get("/activities")).text
    assert 'data-resumable-endpoint="/api/v1/resumable-uploads"' in page
    assert f'data-max-bytes="{LIMIT}"' in page


async def test_the_page_says_so_when_an_upload_it_names_is_gone(client):
    response = await client.post(
        "/activities/upload", data={"uploads": "0" * 32}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    assert "No such upload here" in response.text


# -- the upload folder ----------------------------------------------------------------------


def test_one_append_at_a_time(tmp_path):
    folder = UploadFolder(tmp_path)
    folder.incoming.mkdir()
    upload = folder.create(7, "export.zip", length=10)
    first = folder.receiver(7, upload.id, offset=0)
    try:
        with pytest.raises(Exception, match="another request is sending"):
            folder.receiver(7, upload.id, offset=0)
    finally:
        first.close()
    folder.receiver(7, upload.id, offset=0).close()  # free again once the first is done


def test_an_upload_that_stopped_growing_a_day_ago_is_given_up(tmp_path):
    folder = UploadFolder(tmp_path)
    folder.incoming.mkdir()
    stale = folder.create(7, "old.zip", length=10)
    fresh = folder.create(7, "new.zip", length=10)
    day_ago = stale.created_at.timestamp() - 24 * 60 * 60 - 1
    for path in folder.incoming.glob(f"{stale.id}.*"):
        os.utime(path, (day_ago, day_ago))

    assert folder.remove_given_up() == 1

    assert sorted(p.stem for p in folder.incoming.iterdir()) == [fresh.id, fresh.id]


def test_someone_else_s_upload_is_not_found(tmp_path):
    folder = UploadFolder(tmp_path)
    folder.incoming.mkdir()
    upload = folder.create(7, "export.zip", length=10)

    with pytest.raises(Exception, match="no such upload here"):
        folder.find(8, upload.id)
    with pytest.raises(Exception, match="no such upload here"):
        folder.receiver(8, upload.id, offset=0)
    with pytest.raises(Exception, match="no such upload here"):
        folder.delete(8, upload.id)
    assert folder.find(7, upload.id).offset == 0
