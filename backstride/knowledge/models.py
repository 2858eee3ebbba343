"""The schema of the knowledge base. Every YAML file in `data/` is checked against it at load.

Unknown fields are errors, every entry has a stable snake_case `id` and a non-empty `sources`
list of source ids, and every id an entry refers to must exist (see `KnowledgeBase`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from backstride.contracts.intake import Aggravator, Region
from backstride.domain import TriageLevel

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=3, strip_whitespace=True)]
SourceIds = Annotated[list[Id], Field(min_length=1)]
#: A DOI as Crossref recommends matching modern ones: "10.", a registrant code, "/", a suffix.
DOI_PATTERN = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"
Doi = Annotated[str, StringConstraints(pattern=DOI_PATTERN)]
T = TypeVar("T")

Target = Literal["upper", "side", "lower", "core", "hips", "thoracic", "legs"]
Phase = Literal["acute", "subacute", "prevention"]
Movement = Literal[
    "mobility", "stretch", "stability", "strength", "rotation", "flexion", "extension", "loaded"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Entry(_Strict):
    """An entry a runner can look up by its id."""

    id: Id


class Source(_Entry):
    """A reference the advice rests on: one of the founding articles or a clinical reference.

    Studies, tools and models carry a full citation (authors, journal, year, and a DOI or an
    address); guidelines their publisher, year and address. The founding articles carry only
    what their own text shows: where it names no author, publisher or date, none is guessed.
    """

    kind: Literal["article", "guideline", "study", "tool", "model"]
    title: Text
    authors: list[Text] = Field(
        default_factory=list,
        description="The people who wrote it, as cited (e.g. 'Hill JC'); empty for an "
        "organisation's guideline or an unsigned article.",
    )
    publisher: Text | None = None
    journal: Text | None = None
    year: int | None = None
    doi: Doi | None = Field(None, description="Its DOI, e.g. 10.1002/art.23563.")
    citation: Text = Field(description="How to find it: authors, title, journal or site, year.")
    url: str | None = Field(None, description="Where it was published; shown, never fetched.")
    licence: Text | None = Field(
        None, description="For a questionnaire or tool: who may use it and how Backstride does."
    )
    summary: Text = Field(description="What Backstride takes from it, in our own words.")

    @model_validator(mode="after")
    def _check_citation(self) -> Source:
        problems = list(_citation_problems(self))
        if problems:
            raise ValueError(f"source {self.id}: " + "; ".join(problems))
        return self


def _citation_problems(source: Source) -> Iterator[str]:
    if source.kind in ("study", "tool", "model"):
        if not source.authors:
            yield "a study, tool or model names its authors"
        if source.journal is None or source.year is None:
            yield "a study, tool or model names its journal and year"
        if source.doi is None and source.url is None:
            yield "a study, tool or model gives its DOI or its address"
    if source.kind == "guideline" and (source.publisher is None or source.url is None):
        yield "a guideline names its publisher and its address"
    if source.doi is not None and f"doi:{source.doi}" not in source.citation:
        yield f"the citation shows its DOI as doi:{source.doi}"
    doi_address = source.url is not None and source.url.startswith("https://doi.org/")
    if doi_address and (source.doi is None or source.url != f"https://doi.org/{source.doi}"):
        yield "a doi.org address is the address of the source's own DOI"
    if source.url is not None and not source.url.startswith("https://"):
        yield "an address starts with https://"


class Exercise(_Entry):
    """An exercise with its dose, steps and cautions."""

    name: Text
    target: Annotated[list[Target], Field(min_length=1)]
    phase: Annotated[list[Phase], Field(min_length=1)]
    movement: Annotated[list[Movement], Field(min_length=1)]
    dose: Text
    steps: Annotated[list[Text], Field(min_length=2)]
    cautions: Annotated[list[Text], Field(min_length=1)]
    avoid_if: list[Aggravator] = Field(
        default_factory=list,
        description="Left out of a plan when any of these makes the runner's pain worse.",
    )
    equipment: list[Text] = Field(default_factory=list)
    sources: SourceIds


class Advice(_Entry):
    """A short piece of advice: self-care, warm-up, cool-down, form cue or prevention."""

    name: Text
    text: Text
    details: list[Text] = Field(default_factory=list)
    sources: SourceIds


class Factor(_Entry):
    """Something that may contribute to a runner's back pain."""

    name: Text
    what: Text = Field(description="What it is and why it matters for the back.")
    recognised_by: Text = Field(description="How Backstride or a clinician recognises it.")
    helps: Annotated[list[Id], Field(min_length=1)] = Field(
        description="Ids of exercises, advice and prevention entries that address it."
    )
    education: list[Id] = Field(default_factory=list)
    sources: SourceIds


class RedFlag(_Entry):
    """A warning sign of a serious cause, asked as a plain question."""

    id: Id = Field(description="The red-flag name used in the intake and check-in contracts.")
    question: Text = Field(description="The question as a runner is asked it, in plain words.")
    short_question: Text = Field(description="A short form for the daily check-in.")
    level: TriageLevel
    why: Text = Field(description="What it may point to and why it has this level.")
    sources: SourceIds


class TriageRule(_Entry):
    """A triage rule that is not a single red flag (combinations, duration, severity)."""

    level: TriageLevel
    text: Text = Field(description="Why this rule fired, told to the runner.")
    sources: SourceIds


class TriageLevelAdvice(_Strict):
    """What the runner should do now at each triage level."""

    level: TriageLevel
    title: Text
    advice: Text
    sources: SourceIds


class Education(_Entry):
    """A fact that helps a runner understand a cause or a piece of advice."""

    text: Text
    relates_to: list[Id] = Field(default_factory=list)
    regions: list[Region] = Field(
        default_factory=list,
        description="Shown with a plan when the back hurts in one of these places.",
    )
    sources: SourceIds


class View(_Entry):
    """One side of a question the sources answer differently."""

    text: Text
    sources: SourceIds


class Disagreement(_Entry):
    """A question the sources disagree on, each view with its source, and the one followed."""

    question: Text
    views: Annotated[list[View], Field(min_length=2)]
    followed: Id = Field(description="The id of the view Backstride follows.")
    why: Text = Field(description="Why Backstride follows that view.")
    sources: SourceIds


class ReturnToRunStage(_Entry):
    """One stage of the graded walk-run programme."""

    stage: Annotated[int, Field(ge=1)]
    name: Text
    session: Text = Field(description="The session in plain words.")
    walk_min: Annotated[float, Field(ge=0)]
    run_min: Annotated[float, Field(ge=0)]
    repeats: Annotated[int, Field(ge=1)]
    total_min: Annotated[float, Field(gt=0)]
    sources: SourceIds


FormMetric = Literal["cadence_spm", "shank_angle_deg", "trunk_lean_deg", "head_forward_deg"]


class FormFinding(_Entry):
    """Something a side-view video of a runner can show, and the threshold that flags it."""

    name: Text
    metric: FormMetric = Field(description="The measure of a form analysis it is judged on.")
    above: float | None = Field(None, description="Flagged when the measure is above this.")
    below: float | None = Field(None, description="Flagged when the measure is below this.")
    what: Text = Field(description="What it is and why it may matter for the back.")
    threshold: Text = Field(description="Where the threshold comes from, in plain words.")
    advice: Text = Field(description="What to try, in plain words.")
    cues: Annotated[list[Id], Field(min_length=1)] = Field(
        description="Ids of the form cues it calls for, the most useful first."
    )
    sources: SourceIds

    @model_validator(mode="after")
    def _one_threshold(self) -> FormFinding:
        if (self.above is None) == (self.below is None):
            raise ValueError(f"form finding {self.id!r} needs exactly one of 'above' or 'below'")
        return self


Instrument = Literal["rmdq", "psfs", "pain_nrs", "startback"]
#: The outcome measures Backstride tracks, by id, in the order it shows them.
INSTRUMENTS: tuple[Instrument, ...] = ("rmdq", "psfs", "pain_nrs", "startback")


class MinimalImportantChange(_Strict):
    """The smallest change in a score that patients notice as real, with where it comes from.

    A change reaches it when it is at least `points`, or (where `percent` is given) at least
    that share of the first score.
    """

    points: Annotated[float, Field(gt=0)]
    percent: Annotated[float, Field(gt=0, le=100)] | None = None
    text: Text = Field(description="The threshold in plain words, as the runner reads it.")
    sources: SourceIds


class ActivityLimits(_Strict):
    """How many activities the runner names, each rated on the measure's scale."""

    least: Annotated[int, Field(ge=1)]
    most: Annotated[int, Field(ge=1)]
    name_max_length: Annotated[int, Field(ge=10, le=200)] = 80


class OutcomeMeasure(_Entry):
    """A validated measure of how the back is doing, tracked over time against its MIC."""

    id: Instrument
    name: Text
    short_name: Text
    what: Text = Field(description="What it measures, in plain words.")
    recall: Text = Field(description="The time the answers are about, e.g. 'today'.")
    collected: Literal["questionnaire", "check_in", "assessment"] = Field(
        description="Where its answers come from: its own questionnaire, the daily check-in "
        "or the assessment."
    )
    instructions: Text | None = None
    items: list[Text] = Field(
        default_factory=list, description="Yes/no statements, in Backstride's own words."
    )
    activities: ActivityLimits | None = None
    rating_low: Text | None = Field(None, description="What the lowest rating means.")
    rating_high: Text | None = Field(None, description="What the highest rating means.")
    low: int
    high: int
    better: Literal["lower", "higher"]
    mic: MinimalImportantChange | None = Field(
        None,
        description="None where the measure sorts people into groups rather than "
        "tracking change (STarT Back).",
    )
    sources: SourceIds

    @model_validator(mode="after")
    def _check_scale(self) -> OutcomeMeasure:
        if self.low >= self.high:
            raise ValueError(f"outcome measure {self.id}: low must be below high")
        if self.items and len(self.items) != self.high - self.low:
            raise ValueError(
                f"outcome measure {self.id}: {len(self.items)} yes/no items cannot score "
                f"{self.low}-{self.high}"
            )
        if self.activities is not None and self.activities.least > self.activities.most:
            raise ValueError(f"outcome measure {self.id}: activities.least is above most")
        return self


class KnowledgeBase(_Strict):
    """The whole knowledge base, cross-checked: ids unique, every reference resolves."""

    disclaimer: Text
    sources: list[Source]
    exercises: list[Exercise]
    self_care: list[Advice]
    warm_up: list[Advice]
    cool_down: list[Advice]
    form_cues: list[Advice]
    prevention: list[Advice]
    factors: list[Factor]
    red_flags: list[RedFlag]
    triage_rules: list[TriageRule]
    triage_levels: list[TriageLevelAdvice]
    education: list[Education]
    disagreements: list[Disagreement]
    return_to_run: list[ReturnToRunStage]
    form_findings: list[FormFinding] = Field(default_factory=list)
    outcome_measures: list[OutcomeMeasure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_references(self) -> KnowledgeBase:
        problems = list(_reference_problems(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def entries(self) -> Iterator[tuple[str, _Entry]]:
        """Every entry with an id, with its kind, e.g. ("exercises", Exercise(...))."""
        for kind in ENTRY_KINDS:
            for entry in getattr(self, kind):
                yield kind, entry

    def find(self, entry_id: str) -> tuple[str, _Entry] | None:
        """The kind and entry with this id, or None."""
        return self._index().get(entry_id)

    def memo(self, name: str, build: Callable[[KnowledgeBase], T]) -> T:
        """A value derived from this knowledge base, built once: the base is frozen.

        Decisions use it for lookups they need on every call, e.g. entries by id.
        """
        cache: dict[str, Any] = self.__dict__.setdefault("_memo", {})
        if name not in cache:
            cache[name] = build(self)
        return cast(T, cache[name])

    def _index(self) -> dict[str, tuple[str, _Entry]]:
        return self.memo(
            "index", lambda kb: {entry.id: (kind, entry) for kind, entry in kb.entries()}
        )

    def outcome_measure(self, measure_id: str) -> OutcomeMeasure:
        """The outcome measure with this id (KeyError when missing)."""
        for measure in self.outcome_measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)

    def source(self, source_id: str) -> Source:
        """The source with this id (KeyError when missing)."""
        _kind, entry = self._index()[source_id]
        if not isinstance(entry, Source):
            raise KeyError(source_id)
        return entry


#: The kinds of entry that carry an id, in the order `kb list` shows them.
ENTRY_KINDS: tuple[str, ...] = (
    "exercises",
    "factors",
    "red_flags",
    "triage_rules",
    "self_care",
    "warm_up",
    "cool_down",
    "form_cues",
    "prevention",
    "education",
    "disagreements",
    "return_to_run",
    "form_findings",
    "outcome_measures",
    "sources",
)


def _reference_problems(kb: KnowledgeBase) -> Iterator[str]:
    seen: dict[str, str] = {}
    for kind, entry in kb.entries():
        entry_id = entry.id
        if entry_id in seen:
            yield f"id {entry_id!r} is used twice ({seen[entry_id]} and {kind})"
        seen[entry_id] = kind
    source_ids = {s.id for s in kb.sources}
    for kind, entry in kb.entries():
        entry_id = entry.id
        for source_id in getattr(entry, "sources", []) if kind != "sources" else []:
            if source_id not in source_ids:
                yield f"{kind}.{entry_id} cites unknown source {source_id!r}"
    actionable = {
        e.id
        for group in (
            kb.exercises,
            kb.self_care,
            kb.warm_up,
            kb.cool_down,
            kb.form_cues,
            kb.prevention,
        )
        for e in group
    }
    education_ids = {e.id for e in kb.education}
    for factor in kb.factors:
        for ref in factor.helps:
            if ref not in actionable:
                yield f"factors.{factor.id} helps with unknown entry {ref!r}"
        for ref in factor.education:
            if ref not in education_ids:
                yield f"factors.{factor.id} refers to unknown education entry {ref!r}"
    for item in kb.education:
        for ref in item.relates_to:
            if ref not in seen:
                yield f"education.{item.id} relates to unknown entry {ref!r}"
    for disagreement in kb.disagreements:
        view_ids = {v.id for v in disagreement.views}
        if disagreement.followed not in view_ids:
            yield f"disagreements.{disagreement.id} follows unknown view {disagreement.followed!r}"
        for view in disagreement.views:
            for source_id in view.sources:
                if source_id not in source_ids:
                    where = f"disagreements.{disagreement.id}.{view.id}"
                    yield f"{where} cites unknown source {source_id!r}"
    cue_ids = {c.id for c in kb.form_cues}
    for finding in kb.form_findings:
        for ref in finding.cues:
            if ref not in cue_ids:
                yield f"form_findings.{finding.id} calls for unknown form cue {ref!r}"
    stages = sorted(s.stage for s in kb.return_to_run)
    if stages != list(range(1, len(stages) + 1)):
        yield f"return_to_run stages must be numbered 1..N without gaps, got {stages}"
    for measure in kb.outcome_measures:
        for source_id in measure.mic.sources if measure.mic is not None else []:
            if source_id not in source_ids:
                yield f"outcome_measures.{measure.id}.mic cites unknown source {source_id!r}"
    levels = sorted(t.level for t in kb.triage_levels)
    if levels != sorted(("emergency", "urgent", "see_doctor", "self_care")):
        yield "triage_levels must hold exactly one entry per level"
