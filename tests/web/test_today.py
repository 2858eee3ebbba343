"""The Today page (GET /today) and its check-in form (POST /today/checkin)."""

from __future__ import annotations

import pytest

from backstride.services.checkin import list_checkin_documents
from backstride.services.record import open_record
from backstride.web.middleware import SECURITY_HEADERS
from backstride.web.routes.today import todays_exercises
from tests.web.test_pages import FEW_ANSWERS, Page

pytestmark = pytest.mark.anyio

CHECKIN = {"morning_pain": "2", "morning_stiffness_min": "10", "session.kind": "none"}


def kept_checkins(database_url: str) -> list[dict[str, object]]:
    with open_record(database_url) as record:
        return list_checkin_documents(record)


def main_of(html: str) -> str:
    return html[html.index("<main") :]


async def test_without_an_assessment_today_asks_for_one(client):
    response = await client.get("/today")

    assert response.status_code == 200
    html = response.text
    assert "No assessment yet" in html
    assert 'href="/">Take the assessment' in html
    assert 'id="exercises"' not in html
    page = Page(html)
    for landmark in ("header", "main", "footer", "nav", "form", "h1"):
        assert landmark in page.tags
    assert "<script>" not in html  # no inline script: the CSP would refuse it
    assert page.label_for["c-morning_pain"].startswith("Back pain on waking")


async def test_after_an_assessment_today_shows_the_decision_and_the_exercises(client):
    result = await client.post("/assess", data=FEW_ANSWERS)
    assert 'href="/today"' in result.text

    html = (await client.get("/today")).text

    assert "Running today:" in html
    assert 'id="exercises"' in html
    assert 'class="dose"' in html
    assert 'type="checkbox" name="exercises_done"' in html
    assert 'id="safety"' not in html
    # The decision before the exercises, the exercises before the check-in form.
    assert html.index('id="running"') < html.index('id="exercises"') < html.index('id="checkin"')
    # Every input of the form has a label.
    page = Page(html)
    for input_id, attrs in page.inputs.items():
        if attrs.get("type") == "number":
            assert page.label_for.get(input_id), input_id


async def test_a_checkin_changes_the_today_page_and_a_second_one_updates_it(client, database_url):
    await client.post("/assess", data=FEW_ANSWERS)
    before = (await client.get("/today")).text
    assert "Checked in today" not in before
    exercise = before.split('name="exercises_done" value="', 1)[1].split('"', 1)[0]

    first = await client.post("/today/checkin", data={**CHECKIN, "exercises_done": [exercise]})
    assert first.status_code == 303
    assert first.headers["location"].startswith("/today")
    after = await client.get(first.headers["location"])
    assert "Checked in today: morning pain 2/10" in after.text
    assert "is saved" in after.text

    data = {
        **CHECKIN,
        "morning_pain": "4",
        "session.kind": "run",
        "session.max_pain": "3",
        "session.pain_after": "2",
        "session.limp": "no",
        "session.distance_km": "3.5",
    }
    second = await client.post("/today/checkin", data=data)
    assert second.status_code == 303
    again = (await client.get(second.headers["location"])).text
    assert "was updated" in again
    assert "Checked in today: morning pain 4/10" in again

    kept = kept_checkins(database_url)
    assert len(kept) == 1
    assert kept[0]["morning_pain"] == 4
    assert kept[0]["session"] == {
        "kind": "run",
        "max_pain": 3,
        "pain_after": 2,
        "limp": False,
        "distance_km": 3.5,
    }


async def test_a_bad_morning_pain_comes_back_at_its_field_and_nothing_is_kept(client, database_url):
    await client.post("/assess", data=FEW_ANSWERS)

    response = await client.post("/today/checkin", data={**CHECKIN, "morning_pain": "11"})

    assert response.status_code == 422
    page = Page(response.text)
    pain = page.inputs["c-morning_pain"]
    assert pain["value"] == "11"
    assert pain["aria-invalid"] == "true"
    assert pain["aria-describedby"] == "c-morning_pain-error"
    error = response.text[response.text.index('id="c-morning_pain-error"') :]
    assert "11 is not allowed" in error[: error.index("</p>")]
    assert page.inputs["c-morning_stiffness_min"]["value"] == "10"
    assert "Traceback" not in response.text
    assert kept_checkins(database_url) == []


async def test_saddle_numbness_at_checkin_shows_the_emergency_first_and_no_exercises(
    client, database_url
):
    await client.post("/assess", data=FEW_ANSWERS)

    response = await client.post(
        "/today/checkin", data={**CHECKIN, "red_flags.saddle_numbness": "yes"}
    )
    assert response.status_code == 303
    html = (await client.get(response.headers["location"])).text

    main = main_of(html)
    first_heading = main[main.index("<h1") : main.index("</h1>")]
    assert "emergency department" in first_heading
    assert "level-emergency" in main[: main.index("<h1")]
    for section in ('id="exercises"', 'id="running"', 'class="dose"'):
        assert section not in html
    assert len(kept_checkins(database_url)) == 1


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/today", None),
        ("POST", "/today/checkin", CHECKIN),
        ("POST", "/today/checkin", {"morning_pain": "x"}),
    ],
)
async def test_today_carries_the_security_headers(client, method, path, data):
    response = await client.request(method, path, data=data)

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert 'style="' not in response.text


async def test_new_leg_symptoms_at_checkin_keep_only_the_gentle_exercises(client, knowledge):
    await client.post("/assess", data=FEW_ANSWERS)
    before = (await client.get("/today")).text

    response = await client.post("/today/checkin", data={**CHECKIN, "new_leg_symptoms": "yes"})
    html = (await client.get(response.headers["location"])).text

    assert "level-see_doctor" in html
    assert 'id="running"' not in html
    gentle = {e.id for e in knowledge.exercises if "acute" in e.phase}
    shown = set(re_values('name="exercises_done" value="', html))
    planned = set(re_values('name="exercises_done" value="', before))
    assert shown == planned & gentle
    if shown:
        assert "keep moving with the gentle exercises below" in html
    else:
        assert "keep moving gently within what is comfortable" in html


def test_todays_exercises_by_safety_level(knowledge):
    gentle = next(e for e in knowledge.exercises if "acute" in e.phase)
    loaded = next(e for e in knowledge.exercises if "acute" not in e.phase)
    plan = [{"id": gentle.id}, {"id": loaded.id}]

    assert todays_exercises(None, plan, knowledge) == plan
    assert todays_exercises({"act_now": False}, plan, knowledge) == [{"id": gentle.id}]
    assert todays_exercises({"act_now": True}, plan, knowledge) == []


def re_values(marker: str, html: str) -> list[str]:
    """Every value that follows `marker` in `html`, up to its closing quote."""
    return [part.split('"', 1)[0] for part in html.split(marker)[1:]]
