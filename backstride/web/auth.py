"""Team mode's sign-in, on every request: who is asking, may they, and did our page send it.

- **Session.** A random token in a cookie (HttpOnly, SameSite=Lax, Secure and `__Host-` unless
  `secure_cookies` is off); the database keeps its hash (`services.accounts`). Signing in
  always makes a new token; signing out or deleting the account ends it on the server.
- **Access.** Team mode is closed by default: every route needs a signed-in account except
  `PUBLIC_PATHS`. A clinician reaches only `CLINICIAN_PATHS` (their athletes, their account);
  a runner everything but `/athletes`. A signed-out page request goes to /login; the JSON API
  answers 401 in the error shape.
- **CSRF.** Each session (or, before signing in, each browser: the visitor cookie) has a token,
  an HMAC of the session token under the secret key, put on `request.state.csrf_token`, which
  `templating.csrf_field` writes into every form and base.html into a meta tag for htmx. A
  POST, PUT, PATCH or DELETE without it (form field `csrf_token` or header `X-CSRF-Token`) is
  refused with 403, the JSON API included.

`install_team_mode(app, ...)` wires all of it; personal mode installs none of it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstride.errors import BackstrideError
from backstride.services.accounts import Account, SignedIn, Store, signed_in_record
from backstride.web.errors import error_response
from backstride.web.store_threads import in_store_thread
from backstride.web.templating import CSRF_FIELD, CSRF_HEADER, templates

__all__ = [
    "AccountDep",
    "ClinicianDep",
    "RunnerAccountDep",
    "TeamConfig",
    "clear_session_cookie",
    "install_team_mode",
    "set_session_cookie",
    "team_config",
    "team_store",
]

API_PREFIX = "/api/"
#: Paths anyone may use without signing in (a prefix ends with "/").
PUBLIC_PATHS = ("/login", "/signup", "/learn", "/learn/")
#: The only paths a clinician's account reaches: their athletes and their own account.
CLINICIAN_PATHS = ("/athletes", "/athletes/", "/account", "/account/", "/logout")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True, slots=True)
class TeamConfig:
    """What team mode's requests need: the key, the cookie names, the clock."""

    secret_key: bytes
    secure_cookies: bool
    clock: Callable[[], datetime]

    @property
    def session_cookie(self) -> str:
        return "__Host-backstride_session" if self.secure_cookies else "backstride_session"

    @property
    def visitor_cookie(self) -> str:
        return "__Host-backstride_visitor" if self.secure_cookies else "backstride_visitor"

    def csrf_token(self, kind: str, seed: str) -> str:
        """The CSRF token bound to a session token (or a visitor's seed) under the key."""
        message = f"{kind}:{seed}".encode()
        return hmac.new(self.secret_key, message, hashlib.sha256).hexdigest()


class SignInRequired(BackstrideError):
    """The route needs a signed-in account and the request has none."""


class OutOfBounds(BackstrideError):
    """The account's role does not reach this route (a clinician on a runner's own page)."""


class CsrfRefused(BackstrideError):
    """An unsafe request without the CSRF token of its session."""


def team_config(request: Request) -> TeamConfig:
    """The team configuration the app was built with."""
    config = getattr(request.app.state, "team", None)
    if not isinstance(config, TeamConfig):
        raise RuntimeError("team mode is not installed on this app")
    return config


def team_store(request: Request) -> Store:
    """The app's one store, opened when the app started (each request makes its own Record)."""
    store = getattr(request.app.state, "store", None)
    if not isinstance(store, Store):
        raise RuntimeError("the app's store is not open: serve it with its lifespan running")
    return store


def current_account(request: Request) -> Account | None:
    """Who signed in, resolved once per request by `authenticate` (None when nobody)."""
    account = getattr(request.state, "account", None)
    return account if isinstance(account, Account) else None


async def authenticate(request: Request) -> Account | None:
    """Resolve the session cookie, set the CSRF token, and refuse what the account may not see.

    One query, on the app's store threads, reads the account and, for a runner, their record
    (`request.state.record`, which `web.deps.get_record` gives the routes).
    """
    config = team_config(request)
    token = request.cookies.get(config.session_cookie, "")
    found = None
    if token:
        found = await in_store_thread(
            request, signed_in_record, team_store(request), token, now=config.clock()
        )
    account, request.state.record = found if found is not None else (None, None)
    request.state.account = account
    request.state.session_token = token if account is not None else ""
    if account is not None:
        request.state.csrf_token = config.csrf_token("session", token)
    else:
        visitor = getattr(request.state, "visitor_seed", None)
        seed = visitor.value if isinstance(visitor, VisitorSeed) else ""
        request.state.csrf_token = config.csrf_token("visitor", seed) if seed else ""
    path = _route_path(request)
    if _matches(path, PUBLIC_PATHS):
        return account
    if account is None:
        raise SignInRequired(
            "sign in first: this needs your Backstride account (POST /login, then send the "
            "session cookie)"
        )
    if account.role == "clinician" and not _matches(path, CLINICIAN_PATHS):
        raise OutOfBounds(
            "a clinician's account has no record of its own: your athletes' records are under "
            "/athletes"
        )
    return account


async def check_csrf(request: Request, _: Annotated[object, Depends(authenticate)]) -> None:
    """Refuse a POST, PUT, PATCH or DELETE that does not carry this session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    expected = getattr(request.state, "csrf_token", "")
    given = request.headers.get(CSRF_HEADER, "")
    content_type = request.headers.get("content-type", "")
    if not given and content_type.startswith(FORM_TYPES):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused(
            "this form is out of date or did not come from Backstride's own page: reload the "
            "page and send it again"
        )


def require_account(request: Request) -> Account:
    """The signed-in account (the global check has already refused everyone else)."""
    account = current_account(request)
    if account is None:
        raise SignInRequired("sign in first: this needs your Backstride account")
    return account


def require_clinician(request: Request) -> Account:
    """The signed-in clinician; a runner is told there is no such page (404)."""
    account = require_account(request)
    if account.role != "clinician":
        raise NotForRunners("no such page: a runner's own record is under /today")
    return account


def require_runner(request: Request) -> Account:
    """The signed-in runner; a clinician is sent to their athletes."""
    account = require_account(request)
    if account.role != "runner":
        raise OutOfBounds("a clinician's account has no record of its own: see /athletes")
    return account


class NotForRunners(BackstrideError):
    """A runner asked for a clinician's page; it is not found, as for anyone else."""


AccountDep = Annotated[Account, Depends(require_account)]
ClinicianDep = Annotated[Account, Depends(require_clinician)]
RunnerAccountDep = Annotated[Account, Depends(require_runner)]


def set_session_cookie(response: Response, request: Request, signed_in: SignedIn) -> None:
    """Give the browser its new session token."""
    config = team_config(request)
    response.set_cookie(
        config.session_cookie,
        signed_in.token,
        max_age=int((signed_in.expires_at - config.clock()).total_seconds()),
        path="/",
        secure=config.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Tell the browser to forget its session token."""
    config = team_config(request)
    response.delete_cookie(
        config.session_cookie,
        path="/",
        secure=config.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def is_page(request: Request) -> bool:
    """Whether the request is for a page (HTML), not for the JSON API."""
    return not request.url.path.startswith(API_PREFIX)


def refused_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    """A plain page saying what was refused and where to go instead."""
    return templates.TemplateResponse(
        request, "refused.html", {"title": title, "message": message}, status_code=status
    )


class VisitorSeed:
    """A browser's visitor seed: the one its cookie brought, or a new one made when first
    asked for (a request signed in never asks, and then no visitor cookie is set)."""

    def __init__(self, given: str) -> None:
        self._value = given
        self.fresh = False

    @property
    def value(self) -> str:
        if not self._value:
            self._value = secrets.token_urlsafe(24)
            self.fresh = True
        return self._value


class VisitorCookie:
    """Give every browser that is not signed in a random visitor cookie, the seed of its CSRF
    token before sign-in.

    So even the sign-in and sign-up forms carry a token another site cannot know.
    """

    def __init__(self, app: ASGIApp, *, cookie: str, secure: bool) -> None:
        self.app = app
        self.cookie = cookie
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers", ())).get(b"cookie", b"").decode("latin-1")
        given = cookie_parser(header).get(self.cookie, "") if header else ""
        usable = 20 <= len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum()
        seed = VisitorSeed(given if usable else "")
        scope.setdefault("state", {})["visitor_seed"] = seed

        async def send_with_cookie(message: Message) -> None:
            if seed.fresh and message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("Set-Cookie", self._set_cookie(seed.value))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _set_cookie(self, seed: str) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[self.cookie] = seed
        morsel = cookie[self.cookie]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.secure:
            morsel["secure"] = True
        return morsel.OutputString()


def install_team_mode(app: FastAPI, config: TeamConfig) -> None:
    """Sign-in, access rules and CSRF checks on every route of `app`, and their answers.

    Call it before adding any route: FastAPI gives each route the app's dependencies as they
    are when the route is added.
    """
    if any(getattr(r, "path", None) != app.openapi_url for r in app.router.routes):
        raise RuntimeError("install team mode before adding routes, or they go unchecked")
    app.state.team = config
    app.router.dependencies.append(Depends(check_csrf))
    app.add_middleware(VisitorCookie, cookie=config.visitor_cookie, secure=config.secure_cookies)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(OutOfBounds, _out_of_bounds)
    app.add_exception_handler(NotForRunners, _not_for_runners)
    app.add_exception_handler(CsrfRefused, _csrf_refused)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return error_response(401, str(exc), headers={"WWW-Authenticate": "Cookie"})
    target = "/login"
    if request.method == "GET" and request.url.path != "/":
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target += f"?next={quote(wanted, safe='')}"
    return RedirectResponse(target, status_code=303)


async def _out_of_bounds(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return error_response(403, str(exc))
    if request.method == "GET":
        return RedirectResponse("/athletes", status_code=303)
    return refused_page(request, 403, "Not for a clinician's account", str(exc))


async def _not_for_runners(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return error_response(404, str(exc))
    return refused_page(request, 404, "No such page", str(exc))


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return error_response(403, f"{CSRF_HEADER}: missing or wrong; {exc}")
    return refused_page(request, 403, "Please send the form again", str(exc))


def _route_path(request: Request) -> str:
    """The path the request was routed by. The route's own template is not used: a route
    included under a prefix (the API's /api/v1) keeps its template without the prefix."""
    return request.url.path


def _matches(path: str, allowed: tuple[str, ...]) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in allowed)
