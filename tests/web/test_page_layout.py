"""How the pages are laid out for a phone: the header's links, exercises folded under their name
and dose, a way straight to the check-in, and each source listed once with only those the page
shows advice from.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from backstride.services.assess import assess_intake, assessment_document
from backstride.web.forms import read_assessment_form
from tests.web.test_pages import FEW_ANSWERS

pytestmark = pytest.mark.anyio

EMERGENCY_ANSWERS = {**FEW_ANSWERS, "red_flags.saddle_numbness": "yes"}


def section(html: str, element_id: str) -> str:
    """The markup of the element with this id, up to the next element with an id at its level."""
    start = html.index(f'id="{element_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def source_items(html: str) -> dict[str, str]:
    """Each listed source's id and the text of its list item, tags removed."""
    return {
        source_id: unescape(re.sub(r"<[^>]+>", "", item))
        for source_id, item in re.findall(r'<li id="source-([^"]+)">(.*?)</li>', html, re.S)
    }


async def test_the_header_marks_the_link_to_the_page_shown(client):
    today = (await client.get("/today")).text
    nav = today[today.index('aria-label="Main"') : today.index("</nav>")]

    assert nav.count('aria-current="page"') == 1
    assert '<a href="/today" aria-current="page">Today</a>' in nav
    assert '<a href="/learn">Learn</a>' in nav

    entry = (await client.get("/learn/exercises/glute_bridge")).text
    nav = entry[entry.index('aria-label="Main"') : entry.index("</nav>")]
    assert '<a href="/learn" aria-current="true">Learn</a>' in nav
    assert 'aria-current="page"' not in nav


async def test_the_result_folds_each_exercise_under_its_name_and_dose(client):
    html = (await client.post("/assess", data=FEW_ANSWERS)).text

    exercises = section(html, "exercises")
    cards = re.findall(r'<li class="exercise">(.*?)</details>', exercises, re.S)
    assert len(cards) >= 3
    for card in cards:
        # The name and dose come before the fold; the steps and cautions inside it.
        fold = card.index("<details")
        assert card.index("<h4>") < card.index('class="dose"') < fold
        assert card.index('class="steps-list"') > fold
        assert card.index('class="cautions"') > fold
    assert "<summary>How to do it" in exercises


async def test_today_folds_the_exercises_and_links_to_the_check_in_first(client):
    await client.post("/assess", data=FEW_ANSWERS)

    html = (await client.get("/today")).text

    main = html[html.index("<main") :]
    link = main.index('href="#checkin"')
    assert link < main.index('id="running"') < main.index('id="exercises"')
    assert "Check in for today</a>" in main
    exercises = section(main, "exercises")
    assert exercises.count("<details") == exercises.count('<li class="exercise">') > 0
    assert 'class="steps-list"' not in exercises.split("<details", 1)[0]


async def test_checked_in_today_the_link_offers_to_change_the_check_in(client):
    await client.post("/assess", data=FEW_ANSWERS)
    checked_in = await client.post(
        "/today/checkin", data={"morning_pain": "2", "session.kind": "none"}
    )
    assert checked_in.status_code < 400

    html = unescape((await client.get("/today")).text)

    assert 'id="checked-in"' in html
    assert "Change today's check-in</a>" in html
    assert "Check in for today</a>" not in html


async def test_each_source_is_listed_once_its_title_not_repeated(client, knowledge):
    html = (await client.post("/assess", data=FEW_ANSWERS)).text

    listed = source_items(html)
    assert listed
    for source_id, text in listed.items():
        source = knowledge.source(source_id)
        assert text.count(source.title) == 1, (source_id, text)
        assert source.citation in text or f"{source.title}. {source.citation}" in text
        assert f'href="/learn/sources/{source_id}"' in html
    # Advice points to its sources by their number in the list.
    numbers = re.findall(
        r'<a href="#source-([^"]+)"><span class="visually-hidden">source </span>(\d+)</a>', html
    )
    order = list(listed)
    assert numbers
    assert all(order.index(source_id) + 1 == int(number) for source_id, number in numbers)


async def test_the_emergency_page_lists_only_the_sources_of_its_reasons(client, knowledge):
    html = (await client.post("/assess", data=EMERGENCY_ANSWERS)).text

    assert 'class="triage act-now level-emergency"' in html
    form = read_assessment_form(
        {k: v if isinstance(v, list) else [v] for k, v in EMERGENCY_ANSWERS.items()}, knowledge
    )
    assert form.intake is not None
    document = assessment_document(assess_intake(form.intake, knowledge), knowledge)
    of_reasons = [s for reason in document["triage"]["reasons"] for s in reason["sources"]]
    # Only those, in the assessment's order, though the assessment cites more.
    assert list(source_items(html)) == [
        s["id"] for s in document["sources"] if s["id"] in of_reasons
    ]
    assert len(document["sources"]) > len(set(of_reasons))


async def test_a_disagreement_names_each_views_sources_by_title(client, knowledge):
    disagreement = knowledge.disagreements[0]

    html = unescape((await client.get(f"/learn/disagreements/{disagreement.id}")).text)

    for view in disagreement.views:
        for source_id in view.sources:
            title = knowledge.source(source_id).title
            assert f'<a href="/learn/sources/{source_id}">{title}</a>' in html


async def test_without_exercises_today_needs_no_link_to_the_check_in(client):
    html = (await client.get("/today")).text

    assert 'id="checkin"' in html
    assert 'href="#checkin"' not in html
