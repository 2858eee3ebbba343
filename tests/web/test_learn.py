"""The knowledge browser (GET /learn): every entry reachable, linked both ways, unknown ids 404."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from backstride.knowledge.models import Disagreement
from backstride.web.routes.learn import KINDS, entry_url

pytestmark = pytest.mark.anyio


class Links(HTMLParser):
    """The href of every link in a page's <main>, and whether it has any inline script."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.inline_scripts = 0
        self._in_main = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "main":
            self._in_main = True
        if tag == "a" and self._in_main and found.get("href"):
            self.hrefs.append(found["href"] or "")
        if tag == "script" and not found.get("src"):
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False


def cited(entry) -> set[str]:
    sources = set(getattr(entry, "sources", []))
    if isinstance(entry, Disagreement):
        sources |= {s for view in entry.views for s in view.sources}
    return sources


async def test_the_index_links_every_kind_and_every_list_links_its_entries(client, knowledge):
    index = await client.get("/learn")

    assert index.status_code == 200
    assert Links(index.text).inline_scripts == 0
    for kind in KINDS:
        path = "/learn/" + kind.replace("_", "-")
        assert path in Links(index.text).hrefs, kind
        listing = await client.get(path)
        assert listing.status_code == 200, path
        hrefs = Links(listing.text).hrefs
        for entry in getattr(knowledge, kind):
            assert entry_url(kind, entry.id) in hrefs, (kind, entry.id)


async def test_every_entry_links_to_its_sources_and_each_source_back(client, knowledge):
    pages: dict[str, list[str]] = {}
    for kind, entry in knowledge.entries():
        response = await client.get(entry_url(kind, entry.id))
        assert response.status_code == 200, (kind, entry.id)
        assert "Traceback" not in response.text
        assert 'style="' not in response.text
        links = Links(response.text)
        assert links.inline_scripts == 0
        pages[entry.id] = links.hrefs
        for source_id in cited(entry):
            assert entry_url("sources", source_id) in links.hrefs, (entry.id, source_id)

    for kind, entry in knowledge.entries():
        for source_id in cited(entry):
            assert entry_url(kind, entry.id) in pages[source_id], (source_id, entry.id)


async def test_causes_link_to_what_helps_and_back(client, knowledge):
    kinds = {entry.id: kind for kind, entry in knowledge.entries()}
    for factor in knowledge.factors:
        page = Links((await client.get(entry_url("factors", factor.id))).text).hrefs
        for helper in factor.helps:
            assert entry_url(kinds[helper], helper) in page, (factor.id, helper)
            back = await client.get(entry_url(kinds[helper], helper))
            assert entry_url("factors", factor.id) in Links(back.text).hrefs, (helper, factor.id)
        for fact in factor.education:
            assert entry_url("education", fact) in page
            back = await client.get(entry_url("education", fact))
            assert entry_url("factors", factor.id) in Links(back.text).hrefs


async def test_an_exercise_page_shows_dose_steps_cautions_and_the_causes_it_addresses(client):
    response = await client.get("/learn/exercises/dead_bug")

    html = response.text
    assert response.status_code == 200
    assert "<h1" in html and "Dead bug" in html
    for heading in ("Dose", "How to do it", "Take care", "Causes it addresses", "Sources"):
        assert f">{heading}" in html, heading
    assert "/learn/factors/weak_core" in html


async def test_a_cause_shows_its_evidence_with_its_strength(client):
    html = (await client.get("/learn/factors/rapid_mileage_increase")).text

    assert "The evidence" in html
    assert "Strongest evidence: a research study" in html


async def test_a_disagreement_shows_each_view_and_the_one_followed(client, knowledge):
    disagreement = knowledge.disagreements[0]

    html = (await client.get(entry_url("disagreements", disagreement.id))).text

    followed = next(v for v in disagreement.views if v.id == disagreement.followed)
    assert html.count('class="followed"') == 1
    chunk = html[html.index('class="followed"') :]
    assert "Backstride follows this view" in chunk[:200]
    assert followed.text[:40] in chunk
    assert "Why Backstride follows it" in html


async def test_a_source_shows_its_full_citation(client, knowledge):
    source = knowledge.source("nice_ng59")

    html = unescape((await client.get("/learn/sources/nice_ng59")).text)

    assert source.citation in html
    assert "Advice resting on it" in html


@pytest.mark.parametrize(
    "path",
    [
        "/learn/exercises/no_such_exercise",
        "/learn/factors/dead_bug",  # an exercise's id under causes
        "/learn/red_flags/saddle_numbness",  # the kind spelt with underscores
        "/learn/no-such-kind",
        "/learn/no-such-kind/dead_bug",
    ],
)
async def test_an_unknown_entry_is_a_404_page_in_the_site_style(client, path):
    response = await client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.text
    assert 'href="/static/backstride.css"' in response.text
    assert 'href="/learn"' in response.text


async def test_the_search_finds_entries_by_their_titles(client):
    response = await client.get("/learn", params={"q": "  GLUTE   bridge "})

    html = response.text
    assert response.status_code == 200
    assert 'value="GLUTE bridge"' in html
    results = html[html.index('id="results"') :]
    assert "/learn/exercises/glute_bridge" in results
    assert "/learn/exercises/single_leg_bridge" not in results  # not every word matches
    assert "/learn/exercises/dead_bug" not in results


async def test_a_search_that_finds_nothing_says_so(client):
    html = (await client.get("/learn", params={"q": "zzzz"})).text

    assert re.search(r"0 entries for .zzzz", html)
    assert "Nothing has that in its name" in html
