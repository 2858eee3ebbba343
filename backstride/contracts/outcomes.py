"""The outcome questionnaires a runner answers: the Roland-Morris (RMDQ) and the PSFS.

One document per questionnaire and date; unknown keys are errors. Pain comes from the
check-ins and STarT Back from the assessment, so neither has a document of its own.

```json
{"date": "2026-03-02", "instrument": "rmdq", "answers": [true, false, "... 24 in all"]}
{"date": "2026-03-02", "instrument": "psfs", "activities": [{"name": "run 5 km", "score": 4}]}
```
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from backstride.contracts.intake import Nrs

#: The questionnaires with a document of their own, by the `instrument` they carry.
QUESTIONNAIRES = ("rmdq", "psfs")
RMDQ_ITEMS = 24
PSFS_MOST_ACTIVITIES = 5
ACTIVITY_NAME_MAX = 80

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date = Field(description="The day the answers are about, YYYY-MM-DD.")

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # Pydantic would also take a number of seconds since 1970; a date is written out.
        if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
            return value
        raise ValueError("expected a date written YYYY-MM-DD")


class RmdqAnswers(_Contract):
    """The Roland-Morris Disability Questionnaire: yes or no to each of its 24 statements."""

    instrument: Literal["rmdq"]
    answers: Annotated[list[StrictBool], Field(min_length=RMDQ_ITEMS, max_length=RMDQ_ITEMS)] = (
        Field(description="Yes (true) or no (false) for each statement, in order, 24 in all.")
    )


ActivityName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ACTIVITY_NAME_MAX)
]


class PsfsActivity(BaseModel):
    """One activity the runner names, and how well they can do it today."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ActivityName = Field(description='The activity in the runner\'s words, e.g. "run 5 km".')
    score: Nrs = Field(description="0 (cannot do it) to 10 (as well as before the back hurt).")


class PsfsRatings(_Contract):
    """The Patient-Specific Functional Scale: 1-5 activities the runner names, each 0-10."""

    instrument: Literal["psfs"]
    activities: Annotated[
        list[PsfsActivity], Field(min_length=1, max_length=PSFS_MOST_ACTIVITIES)
    ] = Field(description="One to five activities, each with its rating.")

    @field_validator("activities")
    @classmethod
    def _named_once(cls, activities: list[PsfsActivity]) -> list[PsfsActivity]:
        seen: set[str] = set()
        for activity in activities:
            key = activity.name.casefold()
            if key in seen:
                raise ValueError(f"{activity.name!r} is named twice; name each activity once")
            seen.add(key)
        return activities


OutcomeAnswers = RmdqAnswers | PsfsRatings
