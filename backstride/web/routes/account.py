"""Team mode's account pages: sign up, sign in, sign out, and /account.

/account shows a runner who can read their record: invite codes to give a clinician (made,
listed, withdrawn), the clinicians linked (each link can be ended at once) and the audit log of
who viewed what and when. A clinician's /account holds their details and deleting the account.

Forms post back here; a wrong answer comes back at its field (422) with nothing written.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backstride.errors import InputInvalid
from backstride.services.accounts import (
    PASSWORD_MIN_LENGTH,
    ROLES,
    Account,
    SignInRefused,
    SignInThrottled,
    account_record,
    delete_clinician_account,
    sign_in,
    sign_out,
    sign_up,
    start_session,
)
from backstride.services.audit import audit_log
from backstride.services.load import zone_named
from backstride.services.sharing import (
    INVITE_LIFETIME,
    NotFound,
    clinician_links,
    create_invite,
    invites,
    revoke_clinician,
    withdraw_invite,
)
from backstride.web.auth import (
    AccountDep,
    RunnerAccountDep,
    clear_session_cookie,
    current_account,
    refused_page,
    set_session_cookie,
    team_config,
    team_store,
)
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: The fields of each form, so that a refusal naming one lands next to it.
SIGN_UP_FIELDS = ("email", "password", "password_again", "role", "name", "time_zone")


async def posted_fields(request: Request) -> dict[str, str]:
    """The posted form, one text value per field (files and repeats ignored)."""
    async with request.form() as form:  # closed at the end: no file is left spooled
        return {name: value for name, value in form.items() if isinstance(value, str)}


Posted = Annotated[dict[str, str], Depends(posted_fields)]


# Sign in and out -------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse, response_model=None)
def login_page(request: Request, next: str = "") -> Response:
    """The sign-in form (or, when signed in already, where the account starts)."""
    account = current_account(request)
    if account is not None:
        return RedirectResponse(_start_page(account, next), status_code=303)
    return _login_form(request, email="", next_page=next)


@router.post("/login", response_class=HTMLResponse, response_model=None)
def login(request: Request, posted: Posted) -> Response:
    """Sign in: a new session (any earlier one of this browser ends), then the next page."""
    email, next_page = posted.get("email", ""), posted.get("next", "")
    store, config = team_store(request), team_config(request)
    address = request.client.host if request.client else "unknown"
    try:
        signed_in = sign_in(
            store,
            email=email,
            password=posted.get("password", ""),
            address=address,
            now=config.clock(),
        )
    except SignInThrottled as exc:
        seconds = str(max(1, int(exc.retry_after.total_seconds())))
        page = _login_form(request, email=email, next_page=next_page, error=str(exc), status=429)
        page.headers["Retry-After"] = seconds
        return page
    except SignInRefused as exc:
        return _login_form(request, email=email, next_page=next_page, error=str(exc), status=401)
    previous = getattr(request.state, "session_token", "")
    if previous:
        sign_out(store, previous)
    response = RedirectResponse(_start_page(signed_in.account, next_page), status_code=303)
    set_session_cookie(response, request, signed_in)
    return response


@router.post("/logout", response_model=None)
def logout(request: Request) -> Response:
    """Sign out: the session ends on the server and the browser forgets its cookie."""
    token = getattr(request.state, "session_token", "")
    if token:
        sign_out(team_store(request), token)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    clear_session_cookie(response, request)
    return response


@router.get("/signup", response_class=HTMLResponse, response_model=None)
def signup_page(request: Request) -> Response:
    """The form that makes an account: a runner's, or a clinician's."""
    account = current_account(request)
    if account is not None:
        return RedirectResponse(_start_page(account, ""), status_code=303)
    return _signup_form(request, {"role": "runner"}, {})


@router.post("/signup", response_class=HTMLResponse, response_model=None)
def signup(request: Request, posted: Posted) -> Response:
    """Make the account and sign it in; a runner starts with the assessment."""
    if posted.get("password", "") != posted.get("password_again", ""):
        message = "the two passwords differ; type the same password twice"
        return _signup_form(request, posted, {"password_again": message}, status=422)
    role = next((r for r in ROLES if r == posted.get("role")), None)
    if role is None:
        message = "choose whether you are a runner or a clinician"
        return _signup_form(request, posted, {"role": message}, status=422)
    store, config = team_store(request), team_config(request)
    try:
        account = sign_up(
            store,
            email=posted.get("email", ""),
            password=posted.get("password", ""),
            role=role,
            name=posted.get("name") or None,
            time_zone=posted.get("time_zone", "").strip() or "UTC",
            now=config.clock(),
        )
    except InputInvalid as exc:
        field, _, text = str(exc).partition(": ")
        if field not in SIGN_UP_FIELDS or not text:
            field, text = "email", str(exc)
        return _signup_form(request, posted, {field: text}, status=422)
    response = RedirectResponse("/" if account.role == "runner" else "/athletes", status_code=303)
    set_session_cookie(response, request, start_session(store, account, now=config.clock()))
    return response


# The account page ------------------------------------------------------------------------------


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, account: AccountDep) -> HTMLResponse:
    """The runner's sharing and audit log, or the clinician's details."""
    return _account_page(request, account)


@router.post("/account/invites", response_class=HTMLResponse)
def make_invite(request: Request, account: RunnerAccountDep) -> HTMLResponse:
    """Make an invite code and show it, this once."""
    store, config = team_store(request), team_config(request)
    made = create_invite(account_record(store, account), now=config.clock())
    return _account_page(request, account, new_code=made.code, status=201)


@router.post("/account/invites/{invite_id}/withdraw", response_model=None)
def withdraw(request: Request, invite_id: int, account: RunnerAccountDep) -> Response:
    """Withdraw an invite code not used yet."""
    try:
        withdraw_invite(account_record(team_store(request), account), invite_id)
    except NotFound as exc:
        return refused_page(request, 404, "No such invite code", str(exc))
    return RedirectResponse("/account?done=withdrawn", status_code=303)


@router.post("/account/links/{link_id}/revoke", response_model=None)
def revoke(request: Request, link_id: int, account: RunnerAccountDep) -> Response:
    """End a clinician's access to the record, at once."""
    store, config = team_store(request), team_config(request)
    try:
        revoke_clinician(account_record(store, account), link_id, now=config.clock())
    except NotFound as exc:
        return refused_page(request, 404, "No such clinician", str(exc))
    return RedirectResponse("/account?done=revoked", status_code=303)


@router.post("/account/delete", response_class=HTMLResponse, response_model=None)
def delete_account(request: Request, posted: Posted, account: AccountDep) -> Response:
    """Delete a clinician's account (a runner's goes with their record, from /data)."""
    if account.role != "clinician":
        return RedirectResponse("/data", status_code=303)
    if posted.get("confirm") != "yes":
        message = "tick the box to confirm that the account should be deleted"
        return _account_page(request, account, delete_error=message, status=422)
    delete_clinician_account(team_store(request), account)
    response = RedirectResponse("/login?deleted=1", status_code=303)
    clear_session_cookie(response, request)
    return response


DONE_WORDS = {
    "withdrawn": "The invite code was withdrawn: it no longer works.",
    "revoked": "Done: that clinician can no longer see your record.",
}


def _account_page(
    request: Request,
    account: Account,
    *,
    new_code: str | None = None,
    delete_error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "account": account,
        "new_code": new_code,
        "delete_error": delete_error,
        "done": DONE_WORDS.get(request.query_params.get("done", "")),
    }
    if account.role == "runner":
        record = account_record(team_store(request), account)
        zone = zone_named(record.runner.time_zone)
        now = team_config(request).clock()
        context |= {
            "zone": record.runner.time_zone,
            "invites": [
                _dated(i, zone, "created_at", "expires_at") for i in invites(record, now=now)
            ],
            "links": [
                _dated(link, zone, "created_at", "revoked_at") for link in clinician_links(record)
            ],
            "log": [_dated(line, zone, "at") for line in audit_log(record)],
        }
        if new_code is not None:
            context["new_code_ends"] = _when(now + INVITE_LIFETIME, zone)
    return templates.TemplateResponse(request, "account.html", context, status_code=status)


def _login_form(
    request: Request, *, email: str, next_page: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    notice = None
    if request.query_params.get("signed_out"):
        notice = "You are signed out."
    elif request.query_params.get("deleted"):
        notice = "Your account is deleted."
    return templates.TemplateResponse(
        request,
        "login.html",
        {"email": email, "next": _safe_next(next_page), "error": error, "notice": notice},
        status_code=status,
    )


def _signup_form(
    request: Request, given: dict[str, str], errors: dict[str, str], *, status: int = 200
) -> HTMLResponse:
    shown = {k: v for k, v in given.items() if k not in ("password", "password_again")}
    return templates.TemplateResponse(
        request,
        "signup.html",
        {"given": shown, "errors": errors, "password_min": PASSWORD_MIN_LENGTH},
        status_code=status,
    )


def _start_page(account: Account, next_page: str) -> str:
    wanted = _safe_next(next_page)
    if wanted:
        return wanted
    return "/today" if account.role == "runner" else "/athletes"


def _safe_next(next_page: str) -> str:
    """A page of this site to go on to; anything else (another site, a scheme) is dropped."""
    if not next_page.startswith("/") or next_page.startswith(("//", "/\\")):
        return ""
    return next_page if len(next_page) <= 500 and "\n" not in next_page else ""


def _dated(item: Any, zone: tzinfo, *names: str) -> dict[str, Any]:
    """The item's fields, with its times written in the runner's time zone."""
    fields = {name: getattr(item, name) for name in item.__slots__}
    for name in names:
        fields[name] = _when(fields[name], zone) if fields[name] is not None else None
    return fields


def _when(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
