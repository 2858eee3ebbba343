"""Load the knowledge base from its YAML files, validated, once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from backstride.errors import KnowledgeInvalid
from backstride.knowledge.models import KnowledgeBase

DATA_DIR = Path(__file__).with_name("data")

# The C loader is several times faster; fall back where PyYAML was built without libyaml.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_knowledge(path: Path | None = None) -> KnowledgeBase:
    """The knowledge base in `path` (a folder of YAML files), or the one shipped with Backstride.

    Each top-level key of each file becomes a field of `KnowledgeBase`; a key in two files,
    an unknown key or a broken reference raises `KnowledgeInvalid`.
    """
    if path is None:
        return _load_shipped()
    return _load(path)


@lru_cache(maxsize=1)
def _load_shipped() -> KnowledgeBase:
    return _load(DATA_DIR)


def _load(folder: Path) -> KnowledgeBase:
    merged: dict[str, Any] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise KnowledgeInvalid(f"{folder}: no knowledge files (*.yaml) found")
    for file in files:
        try:
            content = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
        except yaml.YAMLError as exc:
            raise KnowledgeInvalid(f"{file.name}: not valid YAML ({exc})") from exc
        if not isinstance(content, dict):
            raise KnowledgeInvalid(f"{file.name}: expected a mapping of kinds to entries")
        for key, value in content.items():
            if key in merged:
                raise KnowledgeInvalid(f"{file.name}: {key!r} is also defined in another file")
            merged[key] = value
    try:
        return KnowledgeBase.model_validate(merged)
    except ValidationError as exc:
        raise KnowledgeInvalid(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors()[:10]:
        where = ".".join(str(p) for p in error["loc"])
        lines.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(lines)
    if more > 0:
        lines.append(f"... and {more} more")
    return "knowledge base is invalid: " + "; ".join(lines)
