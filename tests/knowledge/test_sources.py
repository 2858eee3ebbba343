"""Every source carries a citation a clinician can find: authors, title, journal, year, DOI, URL."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from backstride.knowledge import KnowledgeBase
from backstride.knowledge.models import DOI_PATTERN, Source

DOI = re.compile(DOI_PATTERN)
# A DOI as it is written inside a citation: "doi:" and the DOI, up to a space or the final dot.
DOI_IN_TEXT = re.compile(r"doi:(\S+?)(?=\.?(?:\s|$))")


def test_every_doi_is_well_formed(kb: KnowledgeBase) -> None:
    with_doi = [s for s in kb.sources if s.doi is not None]
    assert len(with_doi) >= 10
    for source in kb.sources:
        written = DOI_IN_TEXT.findall(source.citation)
        for doi in [*written, *([source.doi] if source.doi else [])]:
            assert DOI.match(doi), f"{source.id}: {doi!r} is not a well-formed DOI"
        if source.doi is not None:
            assert source.doi in written, f"{source.id}: the citation does not show its DOI"


@pytest.mark.parametrize("kind", ["study", "tool", "model"])
def test_studies_tools_and_models_have_a_full_citation(kb: KnowledgeBase, kind: str) -> None:
    for source in (s for s in kb.sources if s.kind == kind):
        assert source.authors, source.id
        assert source.journal and source.year, source.id
        assert source.doi or source.url, source.id
        # The citation names the first author as cited and the year it was published.
        assert source.citation.startswith(source.authors[0]), source.id
        assert str(source.year) in source.citation, source.id


def test_guidelines_name_their_publisher_and_address(kb: KnowledgeBase) -> None:
    for source in (s for s in kb.sources if s.kind == "guideline"):
        assert source.publisher and source.url, source.id
        assert source.url.startswith("https://"), source.id


def test_doi_addresses_are_the_sources_own(kb: KnowledgeBase) -> None:
    for source in kb.sources:
        if source.url and source.url.startswith("https://doi.org/"):
            assert source.url == f"https://doi.org/{source.doi}", source.id


def test_articles_carry_only_what_their_text_shows(kb: KnowledgeBase) -> None:
    authors = {s.id: s.authors for s in kb.sources if s.kind == "article"}
    # Two of the five founding articles name their writer; none gives a DOI or an address.
    assert authors["article_manage_back_pain"] == ["Aidan"]
    assert authors["article_safely_running"] == ["Erin Hesch"]
    assert sum(1 for names in authors.values() if names) == 2
    assert all(s.doi is None and s.url is None for s in kb.sources if s.kind == "article")


def test_corrected_citations(kb: KnowledgeBase) -> None:
    impellizzeri = kb.source("impellizzeri_2020")
    assert impellizzeri.authors == [
        "Impellizzeri FM",
        "Tenan MS",
        "Kempton T",
        "Novak A",
        "Coutts AJ",
    ]
    assert impellizzeri.doi == "10.1123/ijspp.2019-0864"
    assert "2020;15(6):907-913" in impellizzeri.citation
    ng234 = kb.source("nice_ng234")
    assert ng234.url == "https://www.nice.org.uk/guidance/ng234"
    assert "replaces" in ng234.citation and "CG75" in ng234.citation


BASE = {
    "id": "some_study",
    "kind": "study",
    "title": "A study",
    "authors": ["Doe J"],
    "journal": "A Journal",
    "year": 2020,
    "doi": "10.1234/abc.5",
    "citation": "Doe J. A study. A Journal 2020;1:1-2. doi:10.1234/abc.5.",
    "summary": "What we take from it.",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"doi": "doi.org/10.1234/abc"}, "String should match pattern"),
        ({"doi": "10.12/abc"}, "String should match pattern"),
        ({"authors": []}, "names its authors"),
        ({"journal": None}, "journal and year"),
        ({"doi": None}, "DOI or its address"),
        ({"citation": "Doe J. A study. A Journal 2020."}, "shows its DOI"),
        ({"url": "https://doi.org/10.9999/other"}, "source's own DOI"),
        ({"url": "http://example.org/study"}, "starts with https://"),
        ({"kind": "guideline", "authors": [], "doi": None, "url": None}, "publisher"),
    ],
)
def test_an_incomplete_citation_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Source.model_validate({**BASE, **change})


def test_a_complete_citation_is_accepted() -> None:
    assert Source.model_validate(BASE).doi == "10.1234/abc.5"
