"""/api/v1/resumable-uploads: large files (a whole export) sent in parts, with the tus 1.0
protocol (tus.io), then imported.

```text
POST   /api/v1/resumable-uploads            Upload-Length, Upload-Metadata: filename <base64>
                                            -> 201, Location: /api/v1/resumable-uploads/{id}
PATCH  /api/v1/resumable-uploads/{id}       Upload-Offset, application/offset+octet-stream
HEAD   /api/v1/resumable-uploads/{id}       -> Upload-Offset: where to carry on from
DELETE /api/v1/resumable-uploads/{id}       cancel
POST   /api/v1/resumable-uploads/{id}/import   once whole: import it (personal mode) or queue
                                               it for the worker (team mode)
```

Any tus client works (tus-js-client in the Activities page, tuspy from Python). The bytes are
written to the upload folder as they arrive (`services.resumable_uploads`), never held whole in
memory and never copied. tuspyserver, the FastAPI tus router, was weighed and left: its storage
backend gathers a whole PATCH body in memory before writing it, and its filesystem path waits
for its lock by sleeping on the event loop; with 4 GB exports neither will do, so the protocol's
few headers are spoken here.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from backstride.errors import BackstrideError, InputInvalid
from backstride.services.resumable_uploads import (
    MAX_EXPORT_BYTES,
    ResumableUpload,
    UploadBusy,
    UploadFolder,
    UploadIncomplete,
    UploadNotFound,
    UploadOffsetMismatch,
    UploadOverLimit,
    import_resumable,
    queue_resumable,
)
from backstride.services.upload_queue import UploadQueueUnavailable
from backstride.web.deps import RecordDep
from backstride.web.errors import error_response
from backstride.web.routes.uploads import (
    QueueNameDep,
    SettingsDep,
    job_document,
    queue_unavailable,
    queued_upload_name,
)
from backstride.web.templating import team_mode

router = APIRouter(tags=["resumable uploads"])

#: Where resumable uploads are created (under the API prefix).
RESUMABLE_PATH = "/resumable-uploads"
TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,expiration,termination"
#: The one body type a PATCH may have.
OFFSET_STREAM = "application/offset+octet-stream"

UploadId = Annotated[str, Path(max_length=64, description="The upload's id, from Location.")]
# The tus headers, declared for the API's description; the routes read and check them
# themselves, to answer each mistake with its own status and line.
TusResumable = Annotated[
    str | None, Header(alias="Tus-Resumable", description="The protocol version: 1.0.0.")
]
UploadLength = Annotated[
    str | None, Header(alias="Upload-Length", description="The whole file's size in bytes.")
]
UploadMetadata = Annotated[
    str | None,
    Header(
        alias="Upload-Metadata",
        description="`filename <the file's name, base64>` (comma-separated `key value` pairs).",
    ),
]
UploadOffset = Annotated[
    str | None,
    Header(alias="Upload-Offset", description="Where this part starts: the upload's offset."),
]


def export_size_limit(request: Request) -> int:
    """The most bytes one resumable upload may have: the app's export limit."""
    limit = getattr(request.app.state, "max_export_bytes", None)
    return limit if isinstance(limit, int) else MAX_EXPORT_BYTES


def upload_folder(settings: SettingsDep) -> UploadFolder:
    """The upload folder of the app's settings (shared by every web process and worker)."""
    return UploadFolder.of(settings)


ExportLimitDep = Annotated[int, Depends(export_size_limit)]
UploadFolderDep = Annotated[UploadFolder, Depends(upload_folder)]


@router.options(RESUMABLE_PATH, summary="What this tus server supports", status_code=204)
def resumable_options(max_bytes: ExportLimitDep) -> Response:
    """The tus version, extensions and largest upload taken."""
    return Response(
        status_code=204,
        headers={
            **_tus_headers(),
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": TUS_EXTENSIONS,
            "Tus-Max-Size": str(max_bytes),
        },
    )


@router.post(
    RESUMABLE_PATH,
    summary="Start a resumable upload (tus creation)",
    status_code=201,
    response_model=None,
    responses={
        201: {"description": "Created; `Location` is the upload's URL to send its bytes to."},
        400: {"description": "Upload-Length or Upload-Metadata missing or malformed."},
        412: {"description": "Tus-Resumable is not 1.0.0."},
        413: {"description": "Over the size limit, or more than the server has room for."},
        422: {"description": "The file name is not one Backstride imports."},
    },
)
def create_resumable_upload(
    request: Request,
    record: RecordDep,
    folder: UploadFolderDep,
    max_bytes: ExportLimitDep,
    header_version: TusResumable = None,
    header_length: UploadLength = None,
    header_metadata: UploadMetadata = None,
) -> Response:
    """Start an upload of `Upload-Length` bytes named by `Upload-Metadata`'s `filename`.

    Refused before any byte is sent when the file is over the limit (413, saying the limit)
    or is not an activity file or export zip (422).
    """
    refused = _version_refused(request)
    if refused is not None:
        return refused
    if "upload-defer-length" in request.headers:
        return _bad_request(
            "Upload-Defer-Length: not taken here; give Upload-Length, the file's size in bytes"
        )
    try:
        length = _header_int(request, "upload-length")
        name = queued_upload_name(_metadata(request).get("filename"))
        upload = folder.create(record.runner.id, name, length=length, max_bytes=max_bytes)
    except BackstrideError as exc:
        return _refusal(exc)
    location = str(request.url_for("resumable_upload", upload_id=upload.id).path)
    return Response(
        status_code=201,
        headers={**_tus_headers(upload), "Location": location, "Upload-Offset": "0"},
    )


@router.get(
    f"{RESUMABLE_PATH}/{{upload_id}}",
    name="resumable_upload",
    summary="Where a resumable upload stands",
    response_model=None,
    responses={404: {"description": "No such upload for this runner (or it was given up)."}},
)
def show_resumable_upload(
    upload_id: UploadId, request: Request, record: RecordDep, folder: UploadFolderDep
) -> Response:
    """How much of the upload has arrived (`offset`), and where to import it once whole."""
    try:
        upload = folder.find(record.runner.id, upload_id)
    except BackstrideError as exc:
        return _refusal(exc)
    document = {
        "id": upload.id,
        "file": upload.file,
        "length": upload.length,
        "offset": upload.offset,
        "complete": upload.is_complete,
        "expires_at": upload.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "import_url": str(request.url_for("import_resumable_upload", upload_id=upload.id).path),
    }
    return JSONResponse(document, headers=_tus_headers(upload))


@router.head(
    f"{RESUMABLE_PATH}/{{upload_id}}",
    summary="Where the next part of a resumable upload starts (tus core)",
    response_model=None,
    responses={
        200: {"description": "`Upload-Offset`: the bytes that arrived; `Upload-Length`."},
        404: {"description": "No such upload for this runner (or it was given up)."},
    },
)
def resumable_upload_offset(
    upload_id: UploadId,
    request: Request,
    record: RecordDep,
    folder: UploadFolderDep,
    header_version: TusResumable = None,
) -> Response:
    """`Upload-Offset` is where the next part starts."""
    try:
        upload = folder.find(record.runner.id, upload_id)
    except BackstrideError as exc:
        return _refusal(exc)
    refused = _version_refused(request)
    return refused or Response(status_code=200, headers=_tus_headers(upload))


@router.patch(
    f"{RESUMABLE_PATH}/{{upload_id}}",
    summary="Send the next part of a resumable upload (tus core)",
    status_code=204,
    response_model=None,
    responses={
        204: {"description": "Taken; `Upload-Offset` is where the next part starts."},
        404: {"description": "No such upload for this runner."},
        409: {"description": "Upload-Offset is not where the upload ends: ask with HEAD."},
        413: {"description": "More bytes than the upload lacks; none past its length kept."},
        415: {"description": "The body is not application/offset+octet-stream."},
        423: {"description": "Another request is sending this upload's bytes just now."},
    },
)
async def append_to_resumable_upload(
    upload_id: UploadId,
    request: Request,
    record: RecordDep,
    folder: UploadFolderDep,
    header_version: TusResumable = None,
    header_offset: UploadOffset = None,
) -> Response:
    """Write the body to the upload's file as it arrives, starting at `Upload-Offset`.

    A connection lost halfway keeps what arrived: HEAD says where to carry on.
    """
    try:
        await run_in_threadpool(folder.find, record.runner.id, upload_id)
    except BackstrideError as exc:
        return _refusal(exc)
    refused = _version_refused(request)
    if refused is not None:
        return refused
    if request.headers.get("content-type", "").split(";")[0].strip() != OFFSET_STREAM:
        return error_response(
            415, f"Content-Type: send the upload's bytes as {OFFSET_STREAM}", headers=_tus_headers()
        )
    try:
        offset = _header_int(request, "upload-offset")
        declared = _header_int(request, "content-length") if _has_length(request) else None
        receiver = await run_in_threadpool(
            folder.receiver, record.runner.id, upload_id, offset=offset, declared=declared
        )
    except BackstrideError as exc:
        return _refusal(exc)
    try:
        # The body is taken as it arrives; the disk is written from a worker thread a buffer
        # at a time, so neither the event loop nor the memory waits on a slow disk.
        async for chunk in request.stream():
            ready = receiver.take(chunk)
            if ready is not None:
                await run_in_threadpool(receiver.write, ready)
    except ClientDisconnect:
        pass  # what arrived is kept; the client asks where to carry on (HEAD)
    except UploadOverLimit as exc:
        await run_in_threadpool(receiver.close)
        return _refusal(exc)
    except OSError as exc:
        # The disk filled up (or went away) under the upload: what was written is kept.
        return error_response(
            507,
            f"the server could not write the upload ({exc.strerror or type(exc).__name__}); "
            "try again later, or ask whoever runs this Backstride to free space",
            headers=_tus_headers(),
        )
    finally:
        await run_in_threadpool(receiver.close)
    try:
        upload = await run_in_threadpool(folder.find, record.runner.id, upload_id)
    except BackstrideError as exc:
        return _refusal(exc)
    return Response(status_code=204, headers=_tus_headers(upload))


@router.delete(
    f"{RESUMABLE_PATH}/{{upload_id}}",
    summary="Cancel a resumable upload (tus termination)",
    status_code=204,
    response_model=None,
    responses={404: {"description": "No such upload for this runner."}},
)
def cancel_resumable_upload(
    upload_id: UploadId,
    request: Request,
    record: RecordDep,
    folder: UploadFolderDep,
    header_version: TusResumable = None,
) -> Response:
    """Remove the upload and every byte of it that arrived."""
    try:
        folder.find(record.runner.id, upload_id)
        refused = _version_refused(request)
        if refused is not None:
            return refused
        folder.delete(record.runner.id, upload_id)
    except BackstrideError as exc:
        return _refusal(exc)
    return Response(status_code=204, headers=_tus_headers())


@router.post(
    f"{RESUMABLE_PATH}/{{upload_id}}/import",
    name="import_resumable_upload",
    summary="Import a whole resumable upload (team mode: queue it for the worker)",
    response_model=None,
    responses={
        200: {"description": "Imported (personal mode): the import summary, nothing added."},
        201: {"description": "Imported (personal mode): the import summary."},
        202: {"description": "Queued (team mode): the job, as POST /api/v1/uploads answers."},
        404: {"description": "No such upload for this runner."},
        409: {"description": "Bytes are still missing: send the rest first."},
        503: {"description": "The upload queue cannot be reached (team mode)."},
    },
)
def import_resumable_upload(
    upload_id: UploadId,
    request: Request,
    record: RecordDep,
    settings: SettingsDep,
    folder: UploadFolderDep,
    queue_name: QueueNameDep,
) -> JSONResponse:
    """Import the upload as `backstride import` would, once every byte has arrived.

    Personal mode imports it now and answers the import summary; team mode hands it to the
    upload queue and answers the job to follow (202), as POST /api/v1/uploads does.
    """
    try:
        if team_mode(request):
            job = queue_resumable(
                settings, folder, record.runner.id, upload_id, queue_name=queue_name
            )
            document = job_document(job, request)
            return JSONResponse(
                {"jobs": [document]}, status_code=202, headers={"Location": document["url"]}
            )
        summary = import_resumable(record, folder, upload_id)
    except UploadQueueUnavailable as exc:
        return queue_unavailable(str(exc), retry=True)
    except BackstrideError as exc:
        return _refusal(exc)
    document = summary.document()
    return JSONResponse(document, status_code=201 if document["imported"] else 200)


def _refusal(exc: BackstrideError) -> JSONResponse:
    """The answer to a refused request, in the error shape, with the tus headers."""
    status = 422
    if isinstance(exc, UploadNotFound):
        status = 404
    elif isinstance(exc, UploadOverLimit):
        status = 413
    elif isinstance(exc, UploadOffsetMismatch | UploadIncomplete):
        status = 409
    elif isinstance(exc, UploadBusy):
        status = 423
    elif isinstance(exc, _HeaderInvalid):
        status = 400
    elif not isinstance(exc, InputInvalid):
        raise exc  # the app's error handler answers it (a database that is down, say)
    return error_response(status, str(exc), headers=_tus_headers())


class _HeaderInvalid(InputInvalid):
    """A tus header is missing or malformed (400)."""


def _bad_request(message: str) -> JSONResponse:
    return _refusal(_HeaderInvalid(message))


def _version_refused(request: Request) -> JSONResponse | None:
    given = request.headers.get("tus-resumable")
    if given == TUS_VERSION:
        return None
    return error_response(
        412,
        f"Tus-Resumable: {given[:20] if given else 'missing'}; this server speaks tus "
        f"{TUS_VERSION}, so send Tus-Resumable: {TUS_VERSION}",
        headers={**_tus_headers(), "Tus-Version": TUS_VERSION},
    )


def _header_int(request: Request, name: str) -> int:
    value = request.headers.get(name)
    shown = "-".join(part.capitalize() for part in name.split("-"))
    if value is None:
        raise _HeaderInvalid(f"{shown}: missing; give it in bytes")
    if not value.isdigit() or len(value) > 19:
        raise _HeaderInvalid(f"{shown}: {value[:20]!r} is not a number of bytes")
    return int(value)


def _has_length(request: Request) -> bool:
    return "content-length" in request.headers


def _metadata(request: Request) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs (tus creation)."""
    pairs: dict[str, str] = {}
    for item in request.headers.get("upload-metadata", "").split(","):
        key, _, value = item.strip().partition(" ")
        if not key:
            continue
        try:
            pairs[key] = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _HeaderInvalid(
                f"Upload-Metadata: the value of {key[:20]!r} is not base64-encoded UTF-8"
            ) from None
    if "filename" not in pairs:
        raise _HeaderInvalid(
            "Upload-Metadata: give the file's name as 'filename <base64 of the name>'"
        )
    return pairs


def _tus_headers(upload: ResumableUpload | None = None) -> dict[str, str]:
    headers = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}
    if upload is not None:
        headers["Upload-Offset"] = str(upload.offset)
        headers["Upload-Length"] = str(upload.length)
        headers["Upload-Expires"] = upload.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return headers
