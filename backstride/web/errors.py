"""One JSON shape for every error the web app answers, and the handlers that build it.

```json
{"ok": false, "status": 422,
 "error": "pain.nrs_now: 12 is not allowed; expected a whole number from 0 to 10",
 "errors": [{"field": "pain.nrs_now", "message": "pain.nrs_now: 12 is not allowed; ..."}]}
```

`error` is one line naming the field and what is allowed (the command line's words); `errors`
lists every problem found, each with its field (null when the problem is not one field's).

A browser asking for a page (a path outside /api/ whose request accepts HTML) is answered with
the same line on a page in the site's style instead (`page_error`), never with raw JSON.

| Raised                                   | Status |
|------------------------------------------|--------|
| `InputInvalid`, `ImportFailed`, a request that breaks a contract | 422 |
| an `HTTPException` (404 no such route, 405, 413 too large, ...)  | its own |
| `StoreError` (the database could not be read or written)         | 503 |
| `KnowledgeInvalid` (a packaging bug)                             | 500 |
| any other `BackstrideError` (the record is not ready for this)   | 409 |
| anything else                            | 500, a generic message; see `middleware` |
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from pydantic_core import ErrorDetails, InitErrorDetails, ValidationError
from starlette.exceptions import HTTPException

from backstride.contracts.messages import describe_validation_error
from backstride.errors import (
    BackstrideError,
    ImportFailed,
    InputInvalid,
    KnowledgeInvalid,
    StoreError,
)
from backstride.web.inputs import Inputs, inputs_of
from backstride.web.templating import templates

#: What a client is told when something went wrong that Backstride did not foresee.
UNEXPECTED = (
    "unexpected error on the server; nothing in this message says what you sent. Try again, "
    "and please report it if it happens again"
)

# "pain.nrs_now: 12 is not allowed ..." -> the field a message is about.
_FIELD = re.compile(r"^([A-Za-z_][\w]*(?:\.[\w]+)*): ")
# " (and 2 more problems)" at the end of a one-line message.
_MORE = re.compile(r" \(and \d+ more problems?\)$")


def error_body(
    status: int, message: str, errors: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The error document: `ok` false, the status, one line, and every problem found."""
    return {
        "ok": False,
        "status": status,
        "error": message,
        "errors": [dict(e) for e in errors] if errors else [problem(message)],
    }


def error_response(
    status: int,
    message: str,
    errors: Sequence[Mapping[str, Any]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A JSON response in the error shape."""
    return JSONResponse(error_body(status, message, errors), status_code=status, headers=headers)


def wants_page(request: Request) -> bool:
    """Whether an error for this request is best shown as a page: a browser asking for one
    of the site's pages, not the JSON API or a static file."""
    path = request.url.path
    if path.startswith(("/api/", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def page_error(
    request: Request, status: int, message: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """The error as a page in the site's style: its title, then the one line."""
    return templates.TemplateResponse(
        request,
        "refused.html",
        {"title": _page_title(status), "message": message},
        status_code=status,
        headers=dict(headers) if headers else None,
    )


def answer_error(
    request: Request,
    status: int,
    message: str,
    errors: Sequence[Mapping[str, Any]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error as a page for a browser on a page, else in the JSON error shape."""
    if wants_page(request):
        return page_error(request, status, message, headers=headers)
    return error_response(status, message, errors, headers=headers)


def _page_title(status: int) -> str:
    titles = {
        404: "Page not found",
        413: "That upload is too large",
        422: "That could not be used",
        503: "Your record could not be reached",
    }
    return titles.get(status, _phrase(status))


def problem(message: str) -> dict[str, Any]:
    """One entry of `errors`: the field the message names (if any) and the message."""
    found = _FIELD.match(message)
    return {"field": found.group(1) if found else None, "message": message}


def status_of(exc: BackstrideError) -> int:
    """The HTTP status that answers a Backstride error."""
    if isinstance(exc, InputInvalid | ImportFailed):
        return 422
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, KnowledgeInvalid):
        return 500
    return 409


def install_error_handlers(app: FastAPI) -> None:
    """Answer every foreseen error in the one error shape."""
    app.add_exception_handler(BackstrideError, _backstride_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(HTTPException, _http_error)


async def _backstride_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, BackstrideError):  # registered for BackstrideError only
        raise exc
    return answer_error(request, status_of(exc), str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    status = exc.status_code
    if isinstance(exc.detail, str) and exc.detail != _phrase(status):
        message = exc.detail
    elif status == 404 and wants_page(request):
        message = f"there is no page at {_path(request)}"
    elif status == 404:
        message = (
            f"{request.method} {_path(request)}: no such route; the API is described at "
            f"{request.app.openapi_url}"
        )
    elif status == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{request.method} is not allowed on {_path(request)}; allowed: {allowed}"
    else:
        message = _phrase(status)
    return answer_error(request, status, message, headers=exc.headers)


async def _request_invalid(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # registered for it only
        raise exc
    contract = inputs_of(request.scope.get("endpoint"))
    messages = [_describe(error, exc.body, contract) for error in exc.errors()]
    problems = [problem(m) for m in dict.fromkeys(messages)]  # one problem, said once
    if not problems:
        return error_response(422, "the request is not valid")
    headline = problems[0]["message"] + _more(len(problems) - 1)
    found = _service_headline(exc, contract)
    if found is not None:
        # The service's own wording of the first problem (a check-in's date says how to write
        # one): the list then says the same.
        headline = found
        first = problem(_MORE.sub("", found))
        if first["field"] == problems[0]["field"]:
            problems[0] = first
    return error_response(422, headline, problems)


def _path(request: Request) -> str:
    path = request.url.path
    return path if len(path) <= 100 else path[:97] + "..."


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _more(count: int) -> str:
    return f" (and {count} more problem{'s' if count > 1 else ''})" if count else ""


def _service_headline(exc: RequestValidationError, inputs: Inputs) -> str | None:
    """The service parser's one line for a refused JSON body, as the command line says it."""
    errors = exc.errors()
    first = errors[0] if errors else None
    if first is None or inputs.parse_body is None or not _is_body(first):
        return None
    if (first["loc"] == ("body",) and first["type"] == "missing") or isinstance(exc.body, bytes):
        return None
    try:
        inputs.parse_body(exc.body)
    except InputInvalid as found:
        return str(found)
    return None


def _is_body(error: ErrorDetails) -> bool:
    return not error["loc"] or error["loc"][0] == "body"


def _describe(error: ErrorDetails, body: Any, inputs: Inputs) -> str:
    """One problem in one line: the field, what was given and what is allowed."""
    loc = error["loc"]
    field = ".".join(str(p) for p in loc[1:]) or (str(loc[0]) if loc else "body")
    kind = error["type"]
    if _is_body(error) and loc == ("body",) and kind == "missing":
        return f"body: missing; send {inputs.what} as a JSON object"
    if _is_body(error) and isinstance(body, bytes):
        return f"body: send {inputs.what} as JSON, with the header Content-Type: application/json"
    if kind == "json_invalid":
        return f"body: not valid JSON ({error.get('ctx', {}).get('error', error['msg'])})"
    if kind == "missing":
        return f"{field}: missing; required"
    given = _shown(error.get("input"))
    if kind == "value_error":
        # A validator of ours: its message says what is allowed.
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{field}: {given} is not allowed; {reason.removeprefix('Value error, ')}"
    if kind.startswith("date_"):
        return f"{field}: {given} is not allowed; expected a date written YYYY-MM-DD"
    model = inputs.body if _is_body(error) else inputs.query
    described = _described(error, model)
    if described is not None:
        return described
    return f"{field}: {given} is not allowed; {error['msg'].rstrip('.').lower()}"


def _described(error: ErrorDetails, model: type[BaseModel] | None) -> str | None:
    """The error in the command line's words, read from the model's JSON Schema."""
    if model is None:
        return None
    detail: InitErrorDetails = {
        "type": error["type"],
        "loc": tuple(error["loc"][1:]),
        "input": error.get("input"),
    }
    if "ctx" in error:
        detail["ctx"] = error["ctx"]
    try:
        rebuilt = ValidationError.from_exception_data(model.__name__, [detail])
        return describe_validation_error(rebuilt, model)
    except (TypeError, ValueError, KeyError, IndexError):
        # An error type pydantic cannot rebuild: the caller uses pydantic's own words.
        return None


def _shown(value: Any) -> str:
    shown = json.dumps(value, default=str)
    return shown if len(shown) <= 40 else shown[:37] + "..."
