"""The server-rendered pages' templates (Jinja2, autoescaped) and static files (CSS, scripts).

Templates and the stylesheet ship inside the package (`web/templates/`, `web/static/`); the
scripts (htmx, Chart.js) are copied from their npm packages into `web/static/vendor/` by
`make install`. Nothing is fetched from elsewhere, so the CSP's `default-src 'self'` covers
every asset a page uses.

Every form that posts carries `{{ csrf_field(request) }}`: in team mode it is the session's
CSRF token (see `web.auth`), in personal mode it renders nothing. `signed_in(request)` gives
templates the signed-in account (team mode), None otherwise; `team_mode(request)` says which
mode the app serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.requests import Request

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
#: Where the static files are served.
STATIC_PATH = "/static"
#: The form field (and header, for htmx requests) that carries the CSRF token.
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    """The token this request's forms must send back; empty when none is needed."""
    token = getattr(request.state, "csrf_token", "")
    return token if isinstance(token, str) else ""


def csrf_field(request: Request) -> Markup:
    """The hidden input that carries the CSRF token, or nothing when none is needed."""
    token = csrf_token(request)
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


def signed_in(request: Request) -> Any:
    """The account signed in for this request (team mode), or None."""
    return getattr(request.state, "account", None)


def team_mode(request: Request) -> bool:
    """Whether the app serves a team (accounts, sign-in) rather than one runner."""
    return getattr(request.app.state, "team", None) is not None


templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["csrf_field"] = csrf_field
templates.env.globals["signed_in"] = signed_in
templates.env.globals["team_mode"] = team_mode
