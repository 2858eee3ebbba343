"""JSON answers encoded with orjson: a large document as bytes in one step.

An assessment document is about 20 KB; the standard library's encoder took about 0.1 ms of
each POST /api/v1/assess, orjson about 5 µs. The bytes are those Starlette's `JSONResponse`
sends (compact, UTF-8), but for the spelling of some floats (1e16 rather than 1e+16, the same
number) and for values JSON cannot hold: where the standard encoder raises on NaN or infinity,
orjson writes null. So only documents built from checked contracts are sent this way (the
intake allows no NaN or infinity anywhere, and the coach computes none from it).

```python
return JSONAnswer({**document, "saved": True})
```
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse

__all__ = ["JSONAnswer"]


class JSONAnswer(JSONResponse):
    """A JSON response rendered by orjson (see the module's note on NaN)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
