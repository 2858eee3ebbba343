"""Your data (GET /data): the physio report, an export of everything, restore, and delete.

- `GET /data/report.pdf` and `GET /data/report.html`: the report `backstride report` writes.
- `GET /data/export.zip`: the zip `backstride export` writes, built in a temporary folder that
  is removed once it has been sent.
- `POST /data/restore`: an export uploaded back. A file that is not a whole Backstride export is
  refused with nothing written; a record that holds data is replaced only when the runner ticks
  the box that says so.
- `POST /data/delete`: everything kept about the runner deleted, once they have typed DELETE;
  the page then says what was deleted. The runner row stays (see `clear_record`).

Every download's file name carries the date where the runner lives.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile

from backstride.errors import BackstrideError
from backstride.services.accounts import delete_account
from backstride.services.data import (
    clear_record,
    export_record,
    record_counts,
    restore_record,
)
from backstride.services.record import Record
from backstride.services.report import NothingToReport, report_file
from backstride.services.return_to_run import runner_today
from backstride.web.auth import clear_session_cookie
from backstride.web.deps import RecordDep
from backstride.web.routes.activities import safe_file_name
from backstride.web.routes.pages import PostedForm
from backstride.web.templating import team_mode, templates

router = APIRouter(include_in_schema=False)

#: What a runner types to confirm deleting everything.
DELETE_WORD = "DELETE"
#: Where an export is uploaded to be restored.
RESTORE_PATH = "/data/restore"

#: The form fields of the restore and delete forms.
RESTORE_FILE, RESTORE_REPLACE, DELETE_CONFIRM = "archive", "replace", "confirm"

#: Each kind of record in words: key of `COUNT_NAMES` -> (one, many).
COUNT_WORDS: dict[str, tuple[str, str]] = {
    "assessments": ("assessment", "assessments"),
    "check_ins": ("check-in", "check-ins"),
    "return_to_run": ("return-to-run programme", "return-to-run programmes"),
    "activities": ("activity", "activities"),
    "activity_files": ("original activity file", "original activity files"),
    "outcomes": ("outcome questionnaire", "outcome questionnaires"),
    "form_analyses": ("form analysis", "form analyses"),
}


def counted(counts: dict[str, int]) -> list[str]:
    """Each kind of record with its count in words, e.g. ["2 assessments", "1 check-in"]."""
    return [
        f"{counts.get(key, 0)} {one if counts.get(key, 0) == 1 else many}"
        for key, (one, many) in COUNT_WORDS.items()
        if counts.get(key, 0) or key in ("assessments", "check_ins", "activities")
    ]


@router.get("/data", response_class=HTMLResponse)
def your_data_page(request: Request, record: RecordDep) -> HTMLResponse:
    """What Backstride keeps about the runner, and the ways to take it away or delete it."""
    return _data_page(request, record)


@router.get("/data/report.{file_format}", response_model=None)
def report_download(request: Request, file_format: str, record: RecordDep) -> Response:
    """The physio report as a PDF or HTML file; the page says so when there is nothing yet."""
    if file_format not in ("pdf", "html"):
        return _not_found(request)
    try:
        report = report_file(record, file_format=file_format)
    except NothingToReport:
        problem = (
            "There is nothing to report yet. Answer the assessment first, then log your days "
            "on the Today page; the report shows both."
        )
        return _data_page(request, record, problems={"report": problem}, status=409)
    except BackstrideError as exc:
        return _data_page(request, record, problems={"report": str(exc)}, status=409)
    return Response(
        report.content,
        media_type=report.media_type,
        headers={"Content-Disposition": f'attachment; filename="{report.file_name}"'},
    )


@router.get("/data/export.zip", response_model=None)
def export_download(request: Request, record: RecordDep) -> Response:
    """Everything kept about the runner as a zip; the temporary copy goes once it is sent."""
    folder = Path(tempfile.mkdtemp(prefix="backstride-export-"))
    name = f"backstride-export-{runner_today(record).isoformat()}.zip"
    try:
        export_record(record, folder / name)
    except BackstrideError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _data_page(request, record, problems={"export": str(exc)}, status=503)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        folder / name,
        media_type="application/zip",
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.post(RESTORE_PATH, response_class=HTMLResponse)
async def restore_upload(request: Request, record: RecordDep) -> HTMLResponse:
    """Bring back an uploaded export; replace what the record holds only when asked to."""
    # The form is closed (its spooled files removed) when the block ends, whatever happens.
    async with request.form() as form:
        upload = form.get(RESTORE_FILE)
        replace = form.get(RESTORE_REPLACE) == "yes"
        if not isinstance(upload, UploadFile) or not upload.filename:
            problem = "Choose the zip file that Backstride's export gave you, then restore it."
            return await _data_page_async(request, record, {"restore": problem})
        folder = Path(tempfile.mkdtemp(prefix="backstride-restore-"))
        try:
            path = folder / (safe_file_name(upload.filename) or "export.zip")
            with path.open("wb") as out:
                while chunk := await upload.read(1024 * 1024):
                    out.write(chunk)
            return await run_in_threadpool(_restore, request, record, path, replace)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@router.post("/data/delete", response_class=HTMLResponse)
def delete_everything(request: Request, posted: PostedForm, record: RecordDep) -> Response:
    """Delete everything kept about the runner, once they have typed DELETE to confirm."""
    typed = " ".join(posted.get(DELETE_CONFIRM, [""])[:1]).strip()
    if typed != DELETE_WORD:
        problem = (
            f"Nothing was deleted: type {DELETE_WORD} in capital letters in the box to confirm."
        )
        return _data_page(request, record, problems={"delete": problem})
    if team_mode(request):
        # In team mode the account goes with the record: its sessions end, its clinician links
        # and invite codes go, and the browser is sent to the sign-in page, which says so.
        try:
            delete_account(record)
        except BackstrideError as exc:
            return _data_page(request, record, problems={"delete": str(exc)}, status=503)
        response = RedirectResponse("/login?deleted=1", status_code=303)
        clear_session_cookie(response, request)
        return response
    try:
        deleted = clear_record(record)
    except BackstrideError as exc:
        return _data_page(request, record, problems={"delete": str(exc)}, status=503)
    return templates.TemplateResponse(request, "data_deleted.html", {"deleted": counted(deleted)})


def _restore(request: Request, record: Record, path: Path, replace: bool) -> HTMLResponse:
    try:
        if not replace and any(record_counts(record).values()):
            problem = (
                "Nothing was restored: your record already holds data. To put the export in "
                "its place, tick the box that says so (download an export first to keep a copy)."
            )
            return _data_page(request, record, problems={"restore": problem})
        summary = restore_record(record, path, replace=replace, keep_runner=True)
    except BackstrideError as exc:
        return _data_page(request, record, problems={"restore": str(exc)})
    return templates.TemplateResponse(
        request, "data_restored.html", {"restored": counted(summary.counts)}
    )


def _data_page(
    request: Request,
    record: Record,
    problems: dict[str, str] | None = None,
    status: int | None = None,
) -> HTMLResponse:
    counts = record_counts(record)
    context: dict[str, Any] = {
        "holds": counted(counts),
        "holds_data": any(counts.values()),
        "problems": problems or {},
        "delete_word": DELETE_WORD,
        "fields": {
            "file": RESTORE_FILE,
            "replace": RESTORE_REPLACE,
            "confirm": DELETE_CONFIRM,
        },
    }
    code = status if status is not None else (422 if problems else 200)
    return templates.TemplateResponse(request, "data.html", context, status_code=code)


async def _data_page_async(
    request: Request, record: Record, problems: dict[str, str]
) -> HTMLResponse:
    return await run_in_threadpool(_data_page, request, record, problems)


def _not_found(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "not_found.html",
        {"what": "There is no such download. The report comes as PDF or HTML."},
        status_code=404,
    )
