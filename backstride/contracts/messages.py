"""Turn a pydantic validation error into one line a person can act on.

The line names the offending field as a dotted path and says what is allowed there, read
from the contract's own JSON Schema, e.g.

    pain.nrs_now: 12 is not allowed; expected a whole number from 0 to 10
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails


def describe_validation_error(exc: ValidationError, model: type[BaseModel]) -> str:
    """One line: the first problem, what is allowed, and how many more problems there are."""
    schema = model.model_json_schema()
    # Several errors can describe one problem (each missing item of a list): count it once.
    problems = list(dict.fromkeys(_describe(error, schema) for error in exc.errors()))
    first = problems[0]
    if len(problems) > 1:
        first += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    return first


def _describe(error: ErrorDetails, schema: dict[str, Any]) -> str:
    loc = [str(p) for p in error["loc"]]
    if error["type"] == "extra_forbidden":
        parent = _schema_at(schema, loc[:-1])
        keys = ", ".join(parent.get("properties", {})) if parent else ""
        where = ".".join(loc[:-1]) or "the top level"
        return f"{'.'.join(loc)}: unknown key in {where}; allowed keys: {keys}"
    parent = _schema_at(schema, loc[:-1]) if loc else None
    if parent is not None and "prefixItems" in parent and error["type"] in ("missing", "too_long"):
        # A fixed-length list with the wrong number of answers: name the list, not an item.
        return f"{'.'.join(loc[:-1])}: expected {_allowed(parent, schema)}"
    field = ".".join(loc) or "input"
    target = _schema_at(schema, loc)
    allowed = _allowed(target, schema) if target is not None else None
    if error["type"] == "missing":
        return f"{field}: missing; required: {allowed or 'a value'}"
    got = json.dumps(error.get("input"), default=str)
    if len(got) > 40:
        got = got[:37] + "..."
    expected = allowed or error["msg"].removeprefix("Input should be ").rstrip(".")
    return f"{field}: {got} is not allowed; expected {expected}"


def _schema_at(schema: dict[str, Any], loc: list[str]) -> dict[str, Any] | None:
    """The JSON Schema of the value at `loc`, following $ref, anyOf (null) and array items."""
    node: dict[str, Any] | None = _resolve(schema, schema)
    for part in loc:
        if node is None:
            return None
        if part.isdigit() and ("items" in node or "prefixItems" in node):
            prefix = node.get("prefixItems")
            node = prefix[int(part)] if prefix and int(part) < len(prefix) else node.get("items")
        else:
            node = node.get("properties", {}).get(part)
        node = _resolve(node, schema) if node is not None else None
    return node


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(root["$defs"][name], root)
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        merged = {k: v for k, v in node.items() if k != "anyOf"}
        return _resolve({**options[0], **merged}, root)
    return node


def _items(node: dict[str, Any], root: dict[str, Any]) -> str:
    """What each position of a fixed-length list holds, runs of the same kind grouped."""
    kinds = [_allowed(item, root) or "a value" for item in node["prefixItems"]]
    kinds = [k.removesuffix(" (or leave it out)") for k in kinds]
    groups: list[tuple[int, int, str]] = []
    for position, kind in enumerate(kinds, start=1):
        if groups and groups[-1][2] == kind:
            groups[-1] = (groups[-1][0], position, kind)
        else:
            groups.append((position, position, kind))
    return ", ".join(
        f"item {a} {kind}" if a == b else f"items {a}-{b} {kind}" for a, b, kind in groups
    )


def _allowed(node: dict[str, Any], root: dict[str, Any]) -> str | None:
    node = _resolve(node, root)
    kind = node.get("type")
    if "enum" in node:
        return "one of: " + ", ".join(json.dumps(v) for v in node["enum"])
    if "const" in node:
        return json.dumps(node["const"])
    if kind == "boolean":
        return "true or false (or leave it out)"
    if kind in ("integer", "number"):
        noun = "a whole number" if kind == "integer" else "a number"
        low, high = node.get("minimum"), node.get("maximum")
        if low is not None and high is not None:
            return f"{noun} from {low:g} to {high:g}"
        return noun
    if kind == "array":
        if "prefixItems" in node:
            return f"a list of exactly {len(node['prefixItems'])} answers ({_items(node, root)})"
        items = node.get("items")
        inner = _allowed(items, root) if items else None
        return f"a list, each {inner}" if inner else "a list"
    if kind == "object":
        return "an object with keys: " + ", ".join(node.get("properties", {}))
    if kind == "string":
        return "text"
    return None
