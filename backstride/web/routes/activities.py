"""/api/v1/activities: the runner's activities, and uploading one activity file."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path, PureWindowsPath
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from backstride.errors import InputInvalid
from backstride.services.activities import activity_document, list_runner_activities
from backstride.services.importing import ImportSummary, find_sources, import_sources
from backstride.services.record import Record
from backstride.web.deps import RecordDep
from backstride.web.errors import error_response, problem
from backstride.web.inputs import inputs

router = APIRouter(tags=["activities"])

#: What one upload may be: a single activity file (export zips come with the upload page).
UPLOAD_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
_ALLOWED = ".fit, .gpx or .tcx, each optionally .gz"
# Kept in a file name: letters, digits and a few marks; anything else becomes "_".
_UNSAFE = re.compile(r"[^\w.\- ]")


class ActivitiesQuery(BaseModel):
    """Which activities to list."""

    model_config = ConfigDict(extra="forbid")

    sport: str | None = Field(
        None, max_length=40, description="Only this sport (lower-case FIT name), e.g. running."
    )


@router.get(
    "/activities",
    summary="The imported activities, oldest first",
    response_model=None,
    responses={200: {"description": "Each activity as in the import summary contract."}},
)
@inputs(query=ActivitiesQuery)
def list_activities(query: Annotated[ActivitiesQuery, Query()], record: RecordDep) -> JSONResponse:
    """Every activity kept, as `backstride activities --format json`."""
    stored = list_runner_activities(record, sport=query.sport)
    return JSONResponse([activity_document(s) for s in stored])


@router.post(
    "/activities",
    summary="Upload one activity file (.fit, .gpx, .tcx, optionally .gz)",
    status_code=201,
    response_model=None,
    responses={
        200: {"description": "Nothing added: the file was already there, or holds no activity."},
        201: {"description": "The import summary: the activities added."},
        413: {"description": "The upload is over the size limit."},
        422: {"description": "Not an activity file, or the file could not be read."},
    },
)
def upload_activity(
    file: Annotated[UploadFile, File(description=f"One activity file: {_ALLOWED}.")],
    record: RecordDep,
) -> JSONResponse:
    """Import one uploaded file, as `backstride import FILE --format json` does.

    Re-uploading the same file adds nothing (`duplicates` says so). A file that cannot be read
    is refused with 422 and the reason.
    """
    name = upload_name(file.filename)
    summary = _import_upload(record, name, file)
    document = summary.document()
    if document["failed"]:
        failures = [problem(f"file: {f['file']}: {f['error']}") for f in document["failed"]]
        return error_response(422, failures[0]["message"], failures)
    return JSONResponse(document, status_code=201 if document["imported"] else 200)


def safe_file_name(filename: str | None) -> str:
    """The uploaded file's own name without any folders, with only letters, digits and `.-_ `
    kept (the rest becomes "_"), at most 120 characters; empty when nothing is left.

    ```python
    safe_file_name("C:\\\\watch\\\\my run?.FIT")   # 'my run_.FIT'
    ```
    """
    base = PureWindowsPath(filename or "").name  # also splits on "/"
    return _UNSAFE.sub("_", base).strip(" .")[-120:]


def upload_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folders, safe to create; InputInvalid if none.

    ```python
    upload_name("C:\\\\watch\\\\run.FIT")   # 'run.FIT'
    ```
    """
    base = safe_file_name(filename)
    if not base.lower().endswith(UPLOAD_SUFFIXES):
        shown = (filename or "")[:60]
        raise InputInvalid(
            f"file: {shown!r} is not an activity file Backstride takes here; upload one "
            f"activity file: {_ALLOWED}"
        )
    return base


def _import_upload(record: Record, name: str, file: UploadFile) -> ImportSummary:
    # The import service reads files, so the upload is written to a private folder first and
    # goes through exactly what `backstride import` does (format check, duplicates, original
    # kept). The folder is removed whatever happens.
    with tempfile.TemporaryDirectory(prefix="backstride-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        return import_sources(record, find_sources([path]), workers=1)
