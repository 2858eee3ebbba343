"""The daily check-in: the pain diary that drives the return-to-run programme.

One check-in per date. It holds that day's morning (pain and stiffness on waking), the session
done that day if any, the exercises done, and the safety questions. Unknown keys are errors.

```json
{"date": "2026-03-02", "morning_pain": 1, "morning_stiffness_min": 10,
 "session": {"kind": "run", "max_pain": 3, "pain_after": 2, "limp": false,
             "distance_km": 2.5, "duration_min": 20},
 "exercises_done": ["dead_bug", "glute_bridge"], "new_leg_symptoms": false,
 "red_flags": {"saddle_numbness": false}, "notes": "felt fine"}
```
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from backstride.contracts.intake import Nrs, RedFlags

SessionKind = Literal["walk", "run", "cross_training", "strength"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Session(_Contract):
    """The session done that day, logged after it."""

    kind: SessionKind = Field(description="What the session was.")
    max_pain: Nrs = Field(description="The highest back pain during the session, 0-10.")
    pain_after: Nrs = Field(description="Back pain just after the session, 0-10.")
    limp: StrictBool = Field(description="Did you limp during or after the session?")
    distance_km: Annotated[float, Field(ge=0, le=300)] | None = Field(
        None, description="Distance covered, in kilometres."
    )
    duration_min: Annotated[float, Field(ge=0, le=1440)] | None = Field(
        None, description="How long the session lasted, in minutes."
    )


class CheckIn(_Contract):
    """One day of the pain diary (contract version 1)."""

    date: dt.date = Field(description="The day this check-in is about, YYYY-MM-DD.")
    morning_pain: Nrs = Field(description="Back pain on waking this morning, 0-10.")
    morning_stiffness_min: Annotated[int, Field(ge=0, le=1440, strict=True)] | None = Field(
        None, description="Minutes of back stiffness after waking."
    )
    session: Session | None = Field(None, description="The session done this day; none on rest.")
    exercises_done: list[Annotated[str, Field(max_length=60)]] = Field(
        default_factory=list,
        description="Ids of the knowledge base's exercises done this day, e.g. dead_bug.",
        max_length=50,
    )
    new_leg_symptoms: StrictBool | None = Field(
        None, description="Any new pain, numbness, tingling or weakness in a leg?"
    )
    red_flags: RedFlags = Field(
        default_factory=RedFlags, description="Answers to the red-flag questions, by name."
    )
    notes: Annotated[str, Field(max_length=2000)] | None = Field(
        None, description="Anything else worth remembering about the day."
    )

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # Pydantic would also take a number of seconds since 1970; a diary date is written out.
        if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
            return value
        raise ValueError("expected a date written YYYY-MM-DD")

    def has_red_flag(self) -> bool:
        """True when any red-flag question was answered yes."""
        return any(value is True for value in self.red_flags.model_dump().values())
