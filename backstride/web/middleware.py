"""ASGI middleware: security headers, request size limits, and the last word on surprises.

Plain ASGI classes (no `BaseHTTPMiddleware`), so they add nothing to a streamed response and
behave the same under every server.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstride.web.errors import UNEXPECTED, answer_error, error_response

logger = logging.getLogger("backstride.web")

#: Sent with every response. Pages come later; the headers belong from the start.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
        "object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

#: Health data must not sit in a shared or browser cache; a response may say otherwise.
DEFAULT_CACHE_CONTROL = "no-store"


class SecurityHeaders:
    """Add `SECURITY_HEADERS` (and `Cache-Control: no-store` unless set) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = list(SECURITY_HEADERS.items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
                headers.setdefault("Cache-Control", DEFAULT_CACHE_CONTROL)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RefuseCrossSite:
    """Refuse a request that changes something when a browser says another site sent it.

    Personal mode has no login, so any page the runner visits could otherwise post to the app
    on 127.0.0.1 (a form upload needs no CORS preflight). Browsers say where a request comes
    from (`Sec-Fetch-Site`, or at least `Origin`); clients that are not browsers send neither
    and are let through.
    """

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        changes = scope["type"] == "http" and scope["method"] not in self.SAFE_METHODS
        if changes and _is_cross_site(Headers(scope=scope), scope):
            refused = error_response(
                403,
                "cross-site request refused: another web page tried to change your Backstride "
                "record; use Backstride's own pages, or a client that is not a browser",
            )
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_cross_site(headers: Headers, scope: Scope) -> bool:
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "")
    return origin != f"{scope.get('scheme', 'http')}://{host}"


class BodyLimit:
    """Refuse request bodies over a size limit with 413, before or while reading them.

    `limit_for(scope)` gives the limit in bytes and the message that names it. A declared
    Content-Length over the limit is refused before anything is read; a body sent without one
    is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[Scope], tuple[int, str]]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            refused = answer_error(Request(scope), 413, message, headers={"Connection": "close"})
            await refused(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > limit:
                    # FastAPI re-raises an HTTPException met while reading the body; the error
                    # handler answers it in the error shape.
                    raise HTTPException(413, message, headers={"Connection": "close"})
            return incoming

        await self.app(scope, counted, send)


class CatchUnexpected:
    """Answer an unforeseen exception with a generic 500 and log where it happened, not what.

    The exception's message and the request are never logged: either may hold health data.
    The type and the code locations are enough to find the bug.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            log_unexpected(exc, method=scope.get("method", ""), route=_route(scope))
            if not started:
                await error_response(500, UNEXPECTED)(scope, receive, send)


def log_unexpected(exc: BaseException, *, method: str, route: str) -> None:
    """Log an exception's type and where it was raised; never its message."""
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    logger.error("unexpected %s in %s %s at %s", type(exc).__name__, method, route, where)


def _route(scope: Scope) -> str:
    """The route's path template (`/api/v1/checkins`), not the path with its values."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else str(scope.get("path", ""))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
