"""JSON documents given by the user (an intake, a check-in): read from a file or text, checked
to be a JSON object, every problem one plain line naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backstride.errors import InputInvalid


def read_json_file(
    path: Path, *, what: str, needs: str, error: type[InputInvalid] = InputInvalid
) -> dict[str, Any]:
    """The JSON object in `path`, as given; `what` names the document ("intake")."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise error(f"{path}: no such file; give the path of {what} JSON file") from exc
    except IsADirectoryError as exc:
        raise error(f"{path}: is a folder; give the path of {what} JSON file") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not a UTF-8 text file; save it as UTF-8 JSON") from exc
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror})") from exc
    return parse_json_object(text, origin=path.name, needs=needs, error=error)


def parse_json_object(
    text: str | bytes, *, origin: str, needs: str, error: type[InputInvalid] = InputInvalid
) -> dict[str, Any]:
    """`text` parsed as a JSON object; `needs` says which keys it must have, for the message."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{origin}: not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise error(f"{origin}: expected a JSON object with at least {needs}")
    return data
