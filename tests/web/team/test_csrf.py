"""CSRF in team mode: no form or API write is taken without the token of its own session."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from builders import SAMPLE_INTAKE
from fastapi.routing import iter_route_contexts

from .conftest import PASSWORD, Team

pytestmark = pytest.mark.anyio

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _unsafe_routes(team: Team) -> list[tuple[str, str]]:
    found = []
    for route in iter_route_contexts(team.app.routes):
        for method in sorted(route.methods or ()):
            if method in UNSAFE and route.path:
                found.append((method, _PARAM.sub("1", route.path)))
    assert ("POST", "/api/v1/assess") in found and ("POST", "/logout") in found
    return found


async def test_every_write_without_the_token_is_refused(team: Team) -> None:
    runner = await team.runner("ana@example.org")
    for method, path in _unsafe_routes(team):
        for headers, data in (
            ({}, {"note": "x"}),
            ({"X-CSRF-Token": "not-the-token"}, None),
            ({}, {"csrf_token": "not-the-token"}),
        ):
            response = await runner.client.request(method, path, headers=headers, data=data)
            assert response.status_code == 403, (method, path, headers, response.text[:200])
    # The API's JSON writes too, though they carry no form.
    response = await runner.post("/api/v1/assess", json=SAMPLE_INTAKE)
    assert response.status_code == 403
    assert response.json()["error"].startswith("X-CSRF-Token: missing or wrong")
    assert (
        await runner.post("/api/v1/assess", json=SAMPLE_INTAKE, headers=runner.headers())
    ).is_success


async def test_a_refused_form_changes_nothing_and_says_what_to_do(team: Team) -> None:
    runner = await team.runner("ana@example.org")

    response = await runner.post("/account/invites", data={})
    assert response.status_code == 403
    assert "reload the page and send it again" in response.text
    assert "invite-code" not in response.text
    account = await runner.get("/account")
    assert "Codes not used yet" not in account.text
    # Signing out without the token does not sign out.
    assert (await runner.post("/logout", data={})).status_code == 403
    assert (await runner.get("/today")).status_code == 200


async def test_another_sessions_token_does_not_work(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    bo = await team.runner("bo@example.org")

    response = await ana.post("/account/invites", data={"csrf_token": bo.csrf})

    assert response.status_code == 403


async def test_signing_in_needs_the_token_of_this_browser(team: Team) -> None:
    await team.runner("ana@example.org")
    attacker = await team.signed_out()
    victim = await team.signed_out()
    fields = {"email": "ana@example.org", "password": PASSWORD}

    assert (await victim.post("/login", data=fields)).status_code == 403
    forged = await victim.post("/login", data=attacker.form(**fields))
    assert forged.status_code == 403
    assert "backstride_session" not in forged.headers.get("set-cookie", "")
    signed_in = await victim.post("/login", data=victim.form(**fields))
    assert signed_in.status_code == 303


async def test_the_token_changes_when_the_session_does(team: Team) -> None:
    browser = await team.signed_out()
    before = browser.csrf
    await browser.post(
        "/signup",
        data=browser.form(
            email="ana@example.org", password=PASSWORD, password_again=PASSWORD, role="runner"
        ),
    )
    after = await browser.refresh_csrf()

    assert before and after and before != after
    assert (await browser.post("/account/invites", data={"csrf_token": before})).status_code == 403


async def test_a_cross_site_request_is_refused_even_with_the_token(team: Team) -> None:
    runner = await team.runner("ana@example.org")

    response = await runner.post(
        "/account/invites", data=runner.form(), headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert response.status_code == 403
    assert "cross-site request refused" in response.text


class _Forms(HTMLParser):
    """The forms of a page that post, each with the names and values of its hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._inside = (found.get("method") or "get").lower() == "post"
            if self._inside:
                self.forms.append({"action": found.get("action") or ""})
        elif tag == "input" and self._inside and found.get("type") == "hidden":
            self.forms[-1][found.get("name") or ""] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


async def test_every_form_on_every_page_carries_the_sessions_token(team: Team) -> None:
    runner = await team.runner("ana@example.org")
    clinician = await team.clinician("physio@example.org")
    signed_out = await team.signed_out()
    pages = [
        route.path
        for route in iter_route_contexts(team.app.routes)
        if route.path and "GET" in (route.methods or ()) and not _PARAM.search(route.path)
    ]
    forms_seen = 0
    for browser in (runner, clinician, signed_out):
        for path in pages:
            response = await browser.get(path)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            parser = _Forms()
            parser.feed(response.text)
            for form in parser.forms:
                forms_seen += 1
                assert form.get("csrf_token") == browser.csrf, (path, form["action"])
    assert forms_seen >= 8
