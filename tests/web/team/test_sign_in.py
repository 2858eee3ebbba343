"""Team mode's way in: sign up, sign in, sessions and their cookies, sign out, the limits."""

from __future__ import annotations

import re

import pytest

from backstride.errors import BackstrideError
from backstride.settings import Settings
from backstride.web.app import create_app
from backstride.web.middleware import SECURITY_HEADERS

from .conftest import PASSWORD, Team

pytestmark = pytest.mark.anyio

SESSION = "__Host-backstride_session"
VISITOR = "__Host-backstride_visitor"


def _set_cookie(response, name: str) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    assert found, f"no {name} cookie in {response.headers.get_list('set-cookie')}"
    return found[0]


async def _sign_in(browser, email: str, password: str = PASSWORD, next_page: str = ""):
    await browser.get("/login")
    fields = {"email": email, "password": password}
    if next_page:
        fields["next"] = next_page
    return await browser.post("/login", data=browser.form(**fields))


async def test_signing_up_signs_a_runner_in_and_starts_the_assessment(team: Team) -> None:
    browser = await team.signed_out()
    await browser.get("/signup")
    fields = {"email": "ana@example.org", "password": PASSWORD, "password_again": PASSWORD}
    response = await browser.post("/signup", data=browser.form(**fields, role="runner"))

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert (await browser.get("/today")).status_code == 200
    account = await browser.get("/account")
    assert "ana@example.org" in account.text


async def test_a_clinician_starts_at_their_athletes(team: Team) -> None:
    browser = await team.clinician("physio@example.org")

    response = await browser.get("/athletes")

    assert response.status_code == 200
    assert "No athlete has linked you yet" in response.text


async def test_the_session_cookie_is_secure_httponly_lax_and_host_only(team: Team) -> None:
    await team.runner("ana@example.org")
    browser = await team.signed_out()

    response = await _sign_in(browser, "ana@example.org")

    assert response.status_code == 303
    cookie = _set_cookie(response, SESSION)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "path", "samesite"} <= attributes
    assert "domain" not in attributes
    assert re.search(r"samesite=lax", cookie, re.IGNORECASE)
    assert re.search(r"Path=/(;|$)", cookie)
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 40
    assert "Max-Age=1209600" in cookie  # 14 days


async def test_plain_http_cookies_when_secure_cookies_is_off(database_url, clock, serve) -> None:
    settings = Settings(
        database_url=database_url,
        mode="team",
        secret_key="k" * 40,
        secure_cookies=False,
    )
    async with serve(create_app(settings, clock=clock)) as client:
        response = await client.get("/login")
        cookie = _set_cookie(response, "backstride_visitor")
    assert "secure" not in cookie.lower()
    assert "httponly" in cookie.lower()


async def test_a_visitor_cookie_is_given_before_sign_in_and_not_to_a_signed_in_request(
    team: Team,
) -> None:
    runner = await team.runner("ana@example.org")
    runner.client.cookies.delete(VISITOR)
    assert VISITOR not in runner.client.cookies
    fresh = await team.browser()

    signed_in = await runner.get("/today")
    first_visit = await fresh.get("/login")

    assert signed_in.status_code == 200
    assert not [c for c in signed_in.headers.get_list("set-cookie") if "visitor" in c]
    seed = _set_cookie(first_visit, VISITOR).split(";")[0].split("=", 1)[1]
    # Kept by the browser, the same seed comes back: no new cookie, the same form token.
    again = await fresh.get("/login")
    assert not [c for c in again.headers.get_list("set-cookie") if "visitor" in c]
    assert fresh.client.cookies.get(VISITOR) == seed


async def test_signing_in_makes_a_new_session_and_ends_the_old_one(team: Team) -> None:
    browser = await team.runner("ana@example.org")
    before = browser.client.cookies.get(SESSION)

    response = await _sign_in(browser, "ana@example.org")

    after = _set_cookie(response, SESSION).split(";")[0].split("=", 1)[1]
    assert after != before
    stale = await team.browser()
    stale.client.cookies.set(SESSION, before or "", domain="testserver")
    assert (await stale.get("/today")).status_code == 303


async def test_signing_out_ends_the_session_on_the_server(team: Team) -> None:
    browser = await team.runner("ana@example.org")
    token = browser.client.cookies.get(SESSION)

    response = await browser.post("/logout", data=browser.form())

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert (
        "Max-Age=0" in _set_cookie(response, SESSION)
        or "expires=" in _set_cookie(response, SESSION).lower()
    )
    replay = await team.browser()
    replay.client.cookies.set(SESSION, token or "", domain="testserver")
    assert (await replay.get("/today")).headers["location"].startswith("/login")
    assert (await replay.get("/api/v1/checkins")).status_code == 401


async def test_a_session_ends_after_fourteen_days(team: Team) -> None:
    browser = await team.runner("ana@example.org")
    team.clock.advance(days=14)

    response = await browser.get("/today")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftoday"


async def test_signed_out_pages_go_to_sign_in_and_the_api_answers_401(team: Team) -> None:
    browser = await team.signed_out()

    page = await browser.get("/today?checkin=saved")
    api = await browser.get("/api/v1/checkins")

    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Ftoday%3Fcheckin%3Dsaved"
    assert api.status_code == 401
    body = api.json()
    assert body["ok"] is False and body["status"] == 401
    assert body["error"].startswith("sign in first")
    assert (await browser.get("/login")).status_code == 200
    assert (await browser.get("/signup")).status_code == 200


async def test_sign_in_goes_on_to_the_page_asked_for_and_nowhere_else(team: Team) -> None:
    await team.runner("ana@example.org")
    for wanted, lands in (
        ("/progress", "/progress"),
        ("https://evil.example/", "/today"),
        ("//evil.example/", "/today"),
        ("/\\evil.example", "/today"),
    ):
        browser = await team.signed_out()
        response = await _sign_in(browser, "ana@example.org", next_page=wanted)
        assert response.headers["location"] == lands, wanted


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(team: Team) -> None:
    await team.runner("ana@example.org")
    browser = await team.signed_out()

    wrong = await _sign_in(browser, "ana@example.org", "not the password")
    unknown = await _sign_in(browser, "nobody@example.org", "not the password")

    assert wrong.status_code == unknown.status_code == 401
    assert "email or the password is wrong" in wrong.text
    assert wrong.text.replace("ana@example.org", "X") == unknown.text.replace(
        "nobody@example.org", "X"
    )
    assert SESSION not in wrong.headers.get("set-cookie", "")


async def test_repeated_bad_sign_ins_are_slowed_then_refused(team: Team) -> None:
    await team.runner("ana@example.org")
    browser = await team.signed_out()
    statuses = []
    for _ in range(4):
        statuses.append((await _sign_in(browser, "ana@example.org", "wrong password")).status_code)

    # Three failures are free; the fourth comes too soon after the third.
    assert statuses == [401, 401, 401, 429]
    slowed = await _sign_in(browser, "ana@example.org", PASSWORD)
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "1"
    assert "try again in 1 second" in slowed.text
    team.clock.advance(seconds=1)
    assert (await _sign_in(browser, "ana@example.org", PASSWORD)).status_code == 303

    browser = await team.signed_out()
    for _ in range(30):
        response = await _sign_in(browser, "ana@example.org", "wrong password")
        wait = int(response.headers.get("retry-after", "0"))
        if wait > 60:
            break
        team.clock.advance(seconds=wait)
    # Ten failures in fifteen minutes: refused for minutes, even with the right password.
    locked = await _sign_in(browser, "ana@example.org", PASSWORD)
    assert locked.status_code == 429
    assert re.search(r"try again in \d+ minutes?", locked.text)


async def test_sign_up_says_what_is_wrong_at_its_field(team: Team) -> None:
    await team.runner("ana@example.org")
    browser = await team.signed_out()
    await browser.get("/signup")
    cases = [
        ({"email": "ana@example.org"}, "exists already"),
        ({"email": "nope"}, "Not an email address"),
        ({"password": "short", "password_again": "short"}, "Too short"),
        ({"password_again": "something else"}, "The two passwords differ"),
        ({"role": "admin"}, "Choose whether you are a runner or a clinician"),
        ({"time_zone": "Mars/Base"}, "Not a time zone name"),
    ]
    for changes, message in cases:
        fields = {
            "email": "new@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "role": "runner",
            **changes,
        }
        response = await browser.post("/signup", data=browser.form(**fields))
        assert response.status_code == 422, changes
        assert message in response.text, (changes, response.text)
        assert PASSWORD not in response.text


async def test_team_mode_refuses_to_start_without_a_secret_key(database_url) -> None:
    for key, message in ((None, "needs a secret key"), ("short", "too short")):
        settings = Settings(database_url=database_url, mode="team", secret_key=key)
        with pytest.raises(BackstrideError, match=message):
            create_app(settings)


async def test_every_answer_carries_the_security_headers(team: Team) -> None:
    browser = await team.runner("ana@example.org")
    signed_out = await team.signed_out()
    answers = [
        await browser.get("/account"),
        await browser.get("/today"),
        await browser.post("/account/invites", data={}),
        await signed_out.get("/today"),
        await signed_out.get("/api/v1/checkins"),
        await browser.get("/athletes/1"),
    ]
    for response in answers:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.request.url, name)
        assert response.headers["cache-control"] == "no-store"


async def test_the_header_shows_who_is_signed_in_and_only_their_pages(team: Team) -> None:
    runner = await team.runner("ana@example.org", "Ana Runner")
    clinician = await team.clinician("physio@example.org", "Dr Pat")
    visitor = await team.signed_out()

    mine = (await runner.get("/today")).text
    theirs = (await clinician.get("/athletes")).text
    nobody = (await visitor.get("/login")).text

    assert "Ana Runner" in mine and 'action="/logout"' in mine and 'href="/today"' in mine
    assert "Dr Pat (clinician)" in theirs and 'href="/athletes"' in theirs
    assert 'href="/today"' not in theirs
    assert 'href="/login"' in nobody and 'href="/signup"' in nobody
    assert 'href="/today"' not in nobody and 'action="/logout"' not in nobody


async def test_personal_mode_has_no_account_header(client) -> None:
    page = (await client.get("/today")).text

    assert 'action="/logout"' not in page and 'href="/login"' not in page
    assert 'href="/today"' in page
    assert 'name="csrf_token"' not in page
