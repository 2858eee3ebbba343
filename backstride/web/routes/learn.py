"""The knowledge browser (GET /learn): exercises, causes, warning signs and the sources behind them.

Every entry of the knowledge base has a page at `/learn/{kind}/{id}`, the kind spelt with
hyphens (`/learn/exercises/dead_bug`, `/learn/red-flags/saddle_numbness`), and every kind a
list at `/learn/{kind}`. Entries link both ways: an entry to the sources it rests on and each
source back to every entry citing it; a cause to what helps with it and each exercise or piece
of advice back to the causes it addresses; facts to what they explain and back. `/learn?q=`
finds entries by their titles. An unknown kind or id is a 404 page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from backstride.knowledge import KnowledgeBase
from backstride.knowledge.models import Disagreement, Source
from backstride.web.deps import KnowledgeDep
from backstride.web.templating import templates

router = APIRouter(include_in_schema=False)

#: The kinds of entry the browser shows, in the order of its index: kind -> (title, what it is).
KINDS: dict[str, tuple[str, str]] = {
    "exercises": ("Exercises", "What each exercise is for, its dose, its steps and its cautions."),
    "factors": ("Causes", "What may add to back pain in runners, the evidence, and what helps."),
    "red_flags": ("Warning signs", "The safety questions in plain words, and why each matters."),
    "triage_rules": ("Safety rules", "When Backstride sends you to a doctor, and how soon."),
    "disagreements": ("Where sources disagree", "Each view with its source, and the one followed."),
    "self_care": ("Looking after your back", "Self-care while the pain settles."),
    "warm_up": ("Warm-up", "Getting ready to run."),
    "cool_down": ("Cool-down", "Easing off after a run."),
    "form_cues": ("Running form", "Small changes to how you run."),
    "prevention": ("Keeping it away", "Habits that make back pain less likely to come back."),
    "education": ("Good to know", "Facts that help you understand the pain and the advice."),
    "return_to_run": ("Return to running", "The graded walk-run programme, stage by stage."),
    "form_findings": (
        "Running form on video",
        "What a side-view video of your running can show, and when Backstride flags it.",
    ),
    "outcome_measures": (
        "Measuring progress",
        "The questionnaires a physio uses to tell whether your back is getting better.",
    ),
    "sources": ("Sources", "The articles, guidelines and studies the advice rests on."),
}

#: How much weight each kind of source carries, strongest first, in plain words.
EVIDENCE_STRENGTH: dict[str, str] = {
    "guideline": "a clinical guideline (experts weighing all the research)",
    "study": "a research study",
    "tool": "a validated clinical questionnaire",
    "model": "a clinical model used by physiotherapists",
    "article": "articles for runners (advice from experience, not tested in trials)",
}

LEVEL_WORDS = {
    "emergency": "Emergency: go to an emergency department now",
    "urgent": "Urgent: see a doctor today",
    "see_doctor": "See a GP or physiotherapist within days",
    "self_care": "Look after it yourself",
}


def slug(kind: str) -> str:
    """The kind as it appears in a URL: `red_flags` -> `red-flags`."""
    return kind.replace("_", "-")


def entry_url(kind: str, entry_id: str) -> str:
    """Where an entry's page is."""
    return f"/learn/{slug(kind)}/{entry_id}"


def entry_title(entry: Any) -> str:
    """The words an entry is known by: its name, title or question, or its text's first
    sentence (facts and safety rules have no name)."""
    for attribute in ("name", "title", "question"):
        value = getattr(entry, attribute, None)
        if isinstance(value, str) and value:
            return value
    text = getattr(entry, "text", None)
    if isinstance(text, str) and text:
        first, stop, _rest = text.partition(". ")
        return first + ("." if stop else "")
    return str(entry.id).replace("_", " ")


@dataclass(frozen=True, slots=True)
class Link:
    """A link to an entry's page, with the words it is known by."""

    kind: str
    id: str
    title: str

    @property
    def href(self) -> str:
        return entry_url(self.kind, self.id)


@dataclass(slots=True)
class KnowledgeLinks:
    """Who links to whom: every reference between entries, both ways."""

    links: dict[str, Link] = field(default_factory=dict)
    helps: dict[str, list[str]] = field(default_factory=dict)
    helped_by_factor: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    explains: dict[str, list[str]] = field(default_factory=dict)
    explained_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    cited_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def to(self, ids: list[str]) -> list[Link]:
        return [self.links[i] for i in ids if i in self.links]


def knowledge_links(knowledge: KnowledgeBase) -> KnowledgeLinks:
    """Every reference of the knowledge base, both ways; built once per knowledge base."""
    return knowledge.memo("learn_links", _build_links)


def _build_links(knowledge: KnowledgeBase) -> KnowledgeLinks:
    found = KnowledgeLinks()
    for kind, entry in knowledge.entries():
        found.links[entry.id] = Link(kind, entry.id, entry_title(entry))
    for factor in knowledge.factors:
        found.helps[factor.id] = list(factor.helps)
        for target in factor.helps:
            found.helped_by_factor[target].append(factor.id)
    # A fact explains what it relates to, and the causes that list it; both ways, once each.
    explains: dict[str, dict[str, None]] = defaultdict(dict)
    for fact in knowledge.education:
        explains[fact.id].update(dict.fromkeys(fact.relates_to))
    for factor in knowledge.factors:
        for fact_id in factor.education:
            explains[fact_id][factor.id] = None
    for fact_id, targets in explains.items():
        found.explains[fact_id] = list(targets)
        for target in targets:
            found.explained_by[target].append(fact_id)
    for kind, entry in knowledge.entries():
        if kind != "sources":
            for source_id in dict.fromkeys(_cited(entry)):
                found.cited_by[source_id].append(entry.id)
    return found


def _cited(entry: Any) -> Iterator[str]:
    yield from getattr(entry, "sources", [])
    if isinstance(entry, Disagreement):
        for view in entry.views:
            yield from view.sources


def evidence_strength(sources: list[Source]) -> str:
    """The strongest kind of source behind an entry, in plain words."""
    kinds = {s.kind for s in sources}
    for kind, words in EVIDENCE_STRENGTH.items():
        if kind in kinds:
            return words
    return EVIDENCE_STRENGTH["article"]


@router.get("/learn", response_class=HTMLResponse)
def learn_index(request: Request, knowledge: KnowledgeDep, q: str = "") -> HTMLResponse:
    """The browser's front page: every kind of entry, and entries whose titles match `q`."""
    query = " ".join(q.split())[:100]
    matches: list[Link] = []
    if query:
        words = query.casefold().split()
        matches = [
            link
            for link in knowledge_links(knowledge).links.values()
            if all(word in f"{link.title} {link.id.replace('_', ' ')}".casefold() for word in words)
        ]
    kinds = [
        {"slug": slug(kind), "title": title, "about": about, "count": len(getattr(knowledge, kind))}
        for kind, (title, about) in KINDS.items()
    ]
    return templates.TemplateResponse(
        request,
        "learn_index.html",
        {"kinds": kinds, "query": query, "matches": matches, "kind_titles": _kind_titles()},
    )


@router.get("/learn/{kind_slug}", response_class=HTMLResponse)
def learn_list(request: Request, kind_slug: str, knowledge: KnowledgeDep) -> HTMLResponse:
    """Every entry of one kind, e.g. /learn/exercises."""
    kind = kind_slug.replace("-", "_")
    if kind_slug != slug(kind) or kind not in KINDS:
        return _not_found(request, "There is no such part of the knowledge base.")
    title, about = KINDS[kind]
    links = knowledge_links(knowledge)
    entries = [links.links[entry.id] for entry in getattr(knowledge, kind)]
    return templates.TemplateResponse(
        request,
        "learn_list.html",
        {"kind": kind, "title": title, "about": about, "entries": entries},
    )


@router.get("/learn/{kind_slug}/{entry_id}", response_class=HTMLResponse)
def learn_entry(
    request: Request, kind_slug: str, entry_id: str, knowledge: KnowledgeDep
) -> HTMLResponse:
    """One entry in full, with the entries and sources it links to and those linking to it."""
    kind = kind_slug.replace("-", "_")
    found = knowledge.find(entry_id)
    if kind_slug != slug(kind) or kind not in KINDS or found is None or found[0] != kind:
        return _not_found(
            request,
            "There is no such entry in the knowledge base. It may have been renamed: search "
            "for it by name below.",
        )
    entry = found[1]
    links = knowledge_links(knowledge)
    sources = [knowledge.source(s) for s in dict.fromkeys(_cited(entry))]
    context = {
        "kind": kind,
        "kind_title": KINDS[kind][0],
        "entry": entry,
        "title": entry_title(entry),
        "sources": [links.links[s.id] for s in sources],
        "strength": evidence_strength(sources) if sources else None,
        "helps": links.to(links.helps.get(entry.id, [])),
        "addresses": links.to(links.helped_by_factor.get(entry.id, [])),
        "explains": links.to(links.explains.get(entry.id, [])),
        "explained_by": links.to(links.explained_by.get(entry.id, [])),
        "cited_by": links.to(links.cited_by.get(entry.id, [])),
        "level_words": LEVEL_WORDS,
        "kind_titles": _kind_titles(),
    }
    return templates.TemplateResponse(request, "learn_entry.html", context)


def _kind_titles() -> dict[str, str]:
    return {kind: title for kind, (title, _about) in KINDS.items()}


def _not_found(request: Request, what: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "not_found.html",
        {"what": what, "links": [{"href": "/learn", "text": "Search the knowledge base"}]},
        status_code=404,
    )
