"""What each route's input must follow, so a refused request can be described in one line.

FastAPI checks request bodies and query strings against the contract models; when it refuses
one, the error handler looks the route up here to name the field and what is allowed, in the
same words as the command line:

```python
@router.post("/assess")
@inputs(body=Intake, parse_body=parse_intake, query=AssessQuery)
def assess(intake: Intake, ...) -> JSONResponse: ...
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Inputs:
    """The contracts of one route's input."""

    body: type[BaseModel] | None = None
    """The model of the JSON body."""
    parse_body: Callable[[Any], object] | None = None
    """The service's own parser of that body; its `InputInvalid` message is the one shown."""
    what: str = "the request"
    """What the body is, in words: "the intake", "the check-in"."""
    query: type[BaseModel] | None = None
    """The model of the query string."""


_REGISTERED: dict[Callable[..., Any], Inputs] = {}


def inputs(
    *,
    body: type[BaseModel] | None = None,
    parse_body: Callable[[Any], object] | None = None,
    what: str = "the request",
    query: type[BaseModel] | None = None,
) -> Callable[[Endpoint], Endpoint]:
    """Register the contracts of an endpoint's input (put it under the route decorator)."""

    def register(endpoint: Endpoint) -> Endpoint:
        _REGISTERED[endpoint] = Inputs(body=body, parse_body=parse_body, what=what, query=query)
        return endpoint

    return register


def inputs_of(endpoint: object) -> Inputs:
    """The contracts registered for `endpoint`; none for an unknown one."""
    if not callable(endpoint):
        return Inputs()
    return _REGISTERED.get(endpoint, Inputs())


#: The days a query may name. Far outside them, week arithmetic runs off the calendar.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)


def _within_calendar(day: dt.date) -> dt.date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(
            f"expected a date from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"
        )
    return day


QueryDate = Annotated[dt.date, AfterValidator(_within_calendar)]
"""A date in a query string, YYYY-MM-DD, from `EARLIEST_DAY` to `LATEST_DAY`."""
