"""The assessment form: the questions laid out as form fields, and a posted form read back.

A field is named by its question's path (`pain.nrs_now`, `red_flags.saddle_numbness`,
`startback.9`). Each answer is read with `Question.parse`, as the command line reads a typed
one; an empty answer is a skipped question. What was given is kept, so a form refused for one
bad answer comes back with every other answer still in it.

```python
form = read_assessment_form({"age": ["44"], "pain.nrs_now": ["3"]}, knowledge)
form.errors      # {} when every answer was read
form.intake      # the checked Intake, or None when something was wrong
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from pydantic import ValidationError

from backstride.contracts.intake import Intake
from backstride.knowledge import KnowledgeBase
from backstride.services.questionnaire import (
    REST_QUESTION_NEEDED,
    STARTBACK_ITEMS,
    STARTBACK_SECTION,
    Question,
    build_intake,
    questions,
)

#: The words of a yes/no answer, as the form sends them.
YES, NO = "yes", "no"

#: What each section tells the runner before its questions.
SECTION_INTROS: dict[str, str] = {
    "About you": "Only your age is needed; the rest helps tailor the plan.",
    "Your pain": "Answer what you can; only the pain right now is needed.",
    "Safety questions": (
        "These questions look for rare but serious causes of back pain. Please answer each "
        "one. If any answer is yes, Backstride tells you who to see and how soon. A question "
        "left unanswered is taken as a no, so the assessment lists every one you leave out, "
        "before your plan, for you to check."
    ),
    "Your running": "Your running and daily habits, to find what may add to the pain.",
    STARTBACK_SECTION: (
        f"Optional: the Keele STarT Back questions. Answer all {len(STARTBACK_ITEMS) + 1} to "
        "get a score; with any left out, none of them is used."
    ),
}


@dataclass(frozen=True, slots=True)
class FormField:
    """One question on the page: its name in the form, what was given, and any problem."""

    question: Question
    given: tuple[str, ...] = ()
    error: str | None = None

    @property
    def name(self) -> str:
        return ".".join(self.question.path)

    @property
    def id(self) -> str:
        return "q-" + "-".join(self.question.path)

    @property
    def value(self) -> str:
        """The single answer given (text and number fields)."""
        return self.given[0] if self.given else ""

    def checked(self, choice: str) -> bool:
        return choice in self.given

    @property
    def input_type(self) -> str:
        return "number" if self.question.kind in ("int", "float") else "text"

    @property
    def step(self) -> str:
        return "1" if self.question.kind == "int" else "any"

    @property
    def bounds(self) -> tuple[str | None, str | None]:
        q = self.question
        return (
            None if q.low is None else f"{q.low:g}",
            None if q.high is None else f"{q.high:g}",
        )


@dataclass(frozen=True, slots=True)
class FormSection:
    """A step of the form: a heading, a line saying what it is for, and its fields."""

    step: int
    title: str
    intro: str
    fields: tuple[FormField, ...]

    @property
    def id(self) -> str:
        return f"step-{self.step}"


@dataclass(frozen=True, slots=True)
class AssessmentForm:
    """The form as posted: its sections (answers kept), the problems found, the intake."""

    sections: tuple[FormSection, ...]
    errors: dict[str, str] = field(default_factory=dict)
    intake: Intake | None = None

    @property
    def steps(self) -> int:
        return len(self.sections)


def blank_form(knowledge: KnowledgeBase) -> AssessmentForm:
    """The form with nothing answered yet."""
    return AssessmentForm(_sections(knowledge, {}, {}))


def read_assessment_form(
    posted: Mapping[str, Sequence[str]], knowledge: KnowledgeBase
) -> AssessmentForm:
    """Read every answer of a posted form; the intake when all of them are right."""
    given = {name: tuple(v for v in values if v.strip()) for name, values in posted.items()}
    errors: dict[str, str] = {}
    answers: dict[tuple[str, ...], Any] = {}
    for question in questions(knowledge):
        name = ".".join(question.path)
        values = given.get(name, ())
        if not values:
            if question.required:
                errors[name] = "Please answer this question; it is needed for the assessment."
            elif question.is_needed(answers):
                errors[name] = REST_QUESTION_NEEDED
            continue
        try:
            answers[question.path] = question.parse(",".join(values))
        except ValueError as exc:
            errors[name] = _sentence(str(exc).replace("; type ", "; allowed: "))
    intake = None
    if not errors:
        try:
            intake = build_intake(answers)
        except ValidationError as exc:
            errors.update(_validation_errors(exc))
    return AssessmentForm(_sections(knowledge, given, errors), errors, intake)


def _sections(
    knowledge: KnowledgeBase,
    given: Mapping[str, tuple[str, ...]],
    errors: Mapping[str, str],
) -> tuple[FormSection, ...]:
    grouped = groupby(questions(knowledge), key=lambda q: q.section)
    return tuple(
        FormSection(
            step=step,
            title=title,
            intro=SECTION_INTROS.get(title, ""),
            fields=tuple(_field(q, given, errors) for q in group),
        )
        for step, (title, group) in enumerate(grouped, start=1)
    )


def _field(
    question: Question, given: Mapping[str, tuple[str, ...]], errors: Mapping[str, str]
) -> FormField:
    name = ".".join(question.path)
    return FormField(question, given.get(name, ()), errors.get(name))


def _validation_errors(exc: ValidationError) -> dict[str, str]:
    """The intake's own refusals, each at the field it names (or at the top of the form)."""
    found: dict[str, str] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "form"
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        found.setdefault(name, _sentence(message.removeprefix("Value error, ")))
    return found


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text


def unplaced_errors(form: AssessmentForm) -> list[str]:
    """Problems that belong to no field on the page: shown at the top of the form."""
    names = {f.name for s in form.sections for f in s.fields}
    return [message for name, message in form.errors.items() if name not in names]
