"""The assessment questions in plain words, shared by the command line and the web pages.

A question knows where its answer goes in the intake, how to read a typed answer, and whether
it may be skipped. `build_intake` turns the answers into a checked `Intake`.

Three kinds of question cannot simply be passed over:

- the required ones (age, pain right now), without which there is no assessment;
- "does it ease when you rest?" once the pain given so far reaches 7/10: its answer decides
  whether a doctor is needed within days, so it is asked, not assumed (`is_needed`);
- the safety questions (`is_safety`): at a terminal each needs an explicit yes or no, so that
  one press of Enter never passes a warning sign. The web form may leave them unanswered, and
  the assessment then lists each one left out, before the plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from backstride.coach.triage import SEVERE_PAIN
from backstride.contracts.intake import (
    Aggravator,
    Character,
    Frequency,
    Intake,
    Onset,
    Region,
    Sex,
    Surface,
)
from backstride.knowledge.models import KnowledgeBase

Kind = Literal["int", "float", "bool", "choice", "multi", "numbers"]


@dataclass(frozen=True, slots=True)
class Question:
    """One question: where the answer goes, how to read it, what is allowed."""

    path: tuple[str, ...]
    text: str
    kind: Kind
    section: str
    required: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    needed_when_severe: bool = False
    """Needed once the pain answered so far reaches `SEVERE_PAIN` (now or worst this week)."""

    @property
    def is_safety(self) -> bool:
        """A red-flag question: at a terminal it needs an explicit yes or no."""
        return self.path[0] == "red_flags"

    def is_needed(self, answers: Mapping[tuple[str, ...], Any]) -> bool:
        """Whether the answers so far make this question one that must be answered."""
        return self.required or (self.needed_when_severe and worst_pain(answers) >= SEVERE_PAIN)

    @property
    def hint(self) -> str:
        """What may be typed, e.g. "0-10" or "upper, mid, lower"."""
        if self.kind in ("choice", "multi"):
            many = ", several with commas" if self.kind == "multi" else ""
            return " / ".join(self.choices) + many
        if self.kind == "bool":
            return "y/n"
        if self.kind == "numbers":
            return "numbers separated by commas"
        if self.low is not None and self.high is not None:
            return f"{self.low:g}-{self.high:g}"
        return "a number"

    def parse(self, text: str) -> Any:
        """The answer typed as `text`, checked; ValueError with a plain message when wrong."""
        text = text.strip()
        if self.kind == "bool":
            return _parse_bool(text)
        if self.kind == "choice":
            return _parse_choice(text, self.choices)
        if self.kind == "multi":
            return [_parse_choice(part, self.choices) for part in _split(text)]
        if self.kind == "numbers":
            return [self._number(part, float) for part in _split(text)]
        return self._number(text, int if self.kind == "int" else float)

    def _number(self, text: str, kind: type[int] | type[float]) -> int | float:
        try:
            value = kind(text.replace(",", ".") if kind is float else text)
        except ValueError:
            noun = "a whole number" if kind is int else "a number"
            raise ValueError(f"{text!r} is not {noun}") from None
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ValueError(f"{value:g} is out of range; type {self.hint}")
        return value


STARTBACK_ITEMS: tuple[str, ...] = (
    "In the last two weeks, has the pain spread down a leg at any time?",
    "In the last two weeks, have you also had pain in your shoulder or neck?",
    "Has back pain kept you to walking only short distances?",
    "Has back pain made you slower than usual at getting dressed?",
    "Do you feel it is not really safe for someone with your back to be physically active?",
    "Have worrying thoughts been on your mind a lot?",
    "Do you feel your back pain is terrible and will never get better?",
    "Have you generally stopped enjoying the things you used to enjoy?",
)
"""The Keele STarT Back items 1-8, summarised in our own words (source: keele_startback)."""
STARTBACK_SECTION = "How your back affects you"
STARTBACK_BOTHER = (
    "Overall, how bothersome has your back pain been in the last two weeks? "
    "(0 not at all, 1 slightly, 2 moderately, 3 very much, 4 extremely)"
)


def questions(knowledge: KnowledgeBase) -> Iterator[Question]:
    """Every question in the order it is asked; red-flag wording comes from the knowledge base."""
    yield from _ABOUT_YOU
    yield from _PAIN
    for flag in knowledge.red_flags:
        yield Question(("red_flags", flag.id), flag.question, "bool", "Safety questions")
    yield from _HISTORY_AND_TRAINING
    for number, text in enumerate(STARTBACK_ITEMS, start=1):
        yield Question(("startback", str(number)), text, "bool", STARTBACK_SECTION)
    yield Question(("startback", "9"), STARTBACK_BOTHER, "int", STARTBACK_SECTION, low=0, high=4)


def worst_pain(answers: Mapping[tuple[str, ...], Any]) -> int:
    """The highest of "pain right now" and "worst this week" among the answers, 0 when neither."""
    scores = [answers.get(("pain", "nrs_now")), answers.get(("pain", "nrs_worst_week"))]
    return max((s for s in scores if isinstance(s, int)), default=0)


#: What the runner is told when the rest question must be answered.
REST_QUESTION_NEEDED = (
    "Your pain has reached 7 out of 10 or more, so this answer decides how soon you should see "
    "someone: please answer it."
)


def build_intake(answers: dict[tuple[str, ...], Any]) -> Intake:
    """An `Intake` from answers keyed by question path; STarT Back only when all nine are given."""
    document: dict[str, Any] = {}
    startback: dict[str, Any] = {}
    for path, value in answers.items():
        if value is None:
            continue
        if path[0] == "startback":
            startback[path[1]] = value
            continue
        node = document
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    if len(startback) == len(STARTBACK_ITEMS) + 1:
        document["startback"] = [startback[str(n)] for n in range(1, 10)]
    document.setdefault("pain", {})
    return Intake.model_validate(document)


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(get_args(literal))


def _q(path: str, text: str, kind: Kind, section: str, **extra: Any) -> Question:
    return Question(tuple(path.split(".")), text, kind, section, **extra)


_ABOUT_YOU = (
    _q("age", "How old are you?", "int", "About you", required=True, low=16, high=110),
    _q("sex", "Sex", "choice", "About you", choices=_choices(Sex)),
    _q("height_cm", "Height in cm", "float", "About you", low=100, high=250),
    _q("weight_kg", "Weight in kg", "float", "About you", low=25, high=350),
)
_PAIN = (
    _q(
        "pain.regions", "Where does your back hurt?", "multi", "Your pain", choices=_choices(Region)
    ),
    _q(
        "pain.nrs_now",
        "How bad is the pain right now, from 0 (none) to 10 (worst)?",
        "int",
        "Your pain",
        required=True,
        low=0,
        high=10,
    ),
    _q(
        "pain.nrs_worst_week",
        "How bad was it at its worst in the last 7 days (0-10)?",
        "int",
        "Your pain",
        low=0,
        high=10,
    ),
    _q(
        "pain.nrs_during_run",
        "How bad was it during your last run (0-10)?",
        "int",
        "Your pain",
        low=0,
        high=10,
    ),
    _q(
        "pain.days_since_onset",
        "How many days ago did this episode start?",
        "int",
        "Your pain",
        low=0,
        high=36500,
    ),
    _q(
        "pain.onset",
        "Did it come on suddenly or gradually?",
        "choice",
        "Your pain",
        choices=_choices(Onset),
    ),
    _q(
        "pain.character",
        "What does it feel like?",
        "multi",
        "Your pain",
        choices=_choices(Character),
    ),
    _q(
        "pain.aggravators",
        "What makes it worse?",
        "multi",
        "Your pain",
        choices=_choices(Aggravator),
    ),
    _q(
        "pain.eases_with_rest",
        "Does it ease when you rest?",
        "bool",
        "Your pain",
        needed_when_severe=True,
    ),
    _q("pain.improving", "Is it getting better?", "bool", "Your pain"),
    _q(
        "pain.leg_pain_below_knee",
        "Does the pain spread down a leg below the knee?",
        "bool",
        "Your pain",
    ),
    _q(
        "pain.morning_stiffness_over_30min",
        "Is your back stiff for more than 30 minutes after you get up?",
        "bool",
        "Your pain",
    ),
    _q(
        "pain.previous_episodes", "Have you had back pain before this episode?", "bool", "Your pain"
    ),
)
_HISTORY_AND_TRAINING = (
    _q(
        "history.years_running",
        "How many years have you been running?",
        "float",
        "Your running",
        low=0,
        high=90,
    ),
    _q(
        "history.disc_herniation",
        "Have you ever had a slipped (herniated) disc?",
        "bool",
        "Your running",
    ),
    _q("history.sciatica", "Have you ever had sciatica?", "bool", "Your running"),
    _q(
        "history.leg_length_difference",
        "Has anyone told you one leg is longer?",
        "bool",
        "Your running",
    ),
    _q(
        "history.foot_imbalance",
        "Do you have flat feet or another foot imbalance?",
        "bool",
        "Your running",
    ),
    _q(
        "lifestyle.sitting_hours_per_day",
        "How many hours a day do you sit?",
        "float",
        "Your running",
        low=0,
        high=24,
    ),
    _q(
        "training.weekly_distance_km",
        "Your running km per week for the last few weeks, oldest first (e.g. 20, 22, 24, 33)",
        "numbers",
        "Your running",
        low=0,
        high=1000,
    ),
    _q("training.runs_per_week", "How many runs a week?", "int", "Your running", low=0, high=21),
    _q(
        "training.surface",
        "Where do you mostly run?",
        "choice",
        "Your running",
        choices=_choices(Surface),
    ),
    _q(
        "training.downhill",
        "How often do you run downhill?",
        "choice",
        "Your running",
        choices=_choices(Frequency),
    ),
    _q(
        "training.warm_up",
        "How often do you warm up before a run?",
        "choice",
        "Your running",
        choices=_choices(Frequency),
    ),
    _q(
        "training.cool_down",
        "How often do you cool down after a run?",
        "choice",
        "Your running",
        choices=_choices(Frequency),
    ),
    _q(
        "training.core_sessions_per_week",
        "Core or strength sessions a week?",
        "int",
        "Your running",
        low=0,
        high=21,
    ),
    _q(
        "training.cross_training_sessions_per_week",
        "Cross-training sessions a week (bike, swim, ...)?",
        "int",
        "Your running",
        low=0,
        high=21,
    ),
    _q(
        "training.shoe_km",
        "About how many km are on your running shoes?",
        "float",
        "Your running",
        low=0,
        high=20000,
    ),
)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _parse_bool(text: str) -> bool:
    answer = text.lower()
    if answer in ("y", "yes", "true", "1"):
        return True
    if answer in ("n", "no", "false", "0"):
        return False
    raise ValueError(f"{text!r}: answer y (yes) or n (no)")


def _parse_choice(text: str, choices: tuple[str, ...]) -> str:
    answer = text.strip().lower().replace(" ", "_")
    matches = [c for c in choices if c == answer] or [c for c in choices if c.startswith(answer)]
    if len(matches) != 1:
        raise ValueError(f"{text!r}: choose one of {', '.join(choices)}")
    return matches[0]
