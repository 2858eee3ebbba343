"""In team mode, "delete everything" on the Your data page takes the account with the record."""

from __future__ import annotations

import pytest

from tests.web.team.conftest import PASSWORD, Team
from tests.web.team.test_sharing_pages import link
from tests.web.test_pages import FEW_ANSWERS

pytestmark = pytest.mark.anyio


async def test_deleting_everything_ends_the_account_its_sessions_and_links(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    physio = await team.clinician("physio@example.org")
    runner_id = await link(team, ana, physio)
    await ana.post("/assess", data=ana.form(**FEW_ANSWERS))
    await ana.get("/data")

    response = await ana.post("/data/delete", data=ana.form(confirm="DELETE"))

    assert response.status_code == 303
    assert response.headers["location"] == "/login?deleted=1"
    assert "Your account is deleted." in (await ana.get("/login?deleted=1")).text
    # The old session is over, and the account no longer signs in.
    assert (await ana.get("/today")).status_code in (303, 307)
    again = await team.signed_out()
    refused = await again.post(
        "/login", data=again.form(email="ana@example.org", password=PASSWORD)
    )
    assert refused.status_code != 303
    # The clinician's link went with it.
    assert (await physio.get(f"/athletes/{runner_id}")).status_code == 404
    assert "ana" not in (await physio.get("/athletes")).text.lower()


async def test_without_the_confirmation_nothing_is_deleted(team: Team) -> None:
    ana = await team.runner("ana@example.org")
    await ana.get("/data")

    response = await ana.post("/data/delete", data=ana.form(confirm="delete"))

    assert response.status_code == 422
    assert "Nothing was deleted" in response.text
    assert (await ana.get("/today")).status_code == 200
