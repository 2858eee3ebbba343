"""The import rule of DESIGN.md: each layer imports only the layers below it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "backstride"

# Layer -> prefixes it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "clock.py": ("backstride",),
    "domain.py": ("backstride", "pydantic", "sqlalchemy"),
    "errors.py": ("backstride", "pydantic", "sqlalchemy"),
    "contracts": (
        "backstride.coach",
        "backstride.store",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
        "backstride.importers",
        "sqlalchemy",
    ),
    "knowledge": (
        "backstride.coach",
        "backstride.store",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
        "backstride.importers",
        "sqlalchemy",
    ),
    "coach": (
        "sqlalchemy",
        "alembic",
        "fastapi",
        "typer",
        "click",
        "rich",
        "backstride.store",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
        "backstride.importers",
        "backstride.reports",
        "backstride.settings",
        "backstride.clock",
    ),
    "form": (
        "sqlalchemy",
        "alembic",
        "fastapi",
        "typer",
        "click",
        "rich",
        "backstride.store",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
        "backstride.importers",
        "backstride.coach",
        "backstride.reports",
        "backstride.settings",
        "backstride.clock",
    ),
    "importers": (
        "sqlalchemy",
        "backstride.store",
        "backstride.coach",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
        "backstride.knowledge",
    ),
    "store": (
        "backstride.coach",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
        "backstride.importers",
        "backstride.knowledge",
        "backstride.reports",
    ),
    "reports": (
        "sqlalchemy",
        "backstride.store",
        "backstride.services",
        "backstride.cli",
        "backstride.web",
    ),
    "services": ("backstride.cli", "backstride.web", "typer", "fastapi"),
    "cli": ("backstride.store", "backstride.importers", "sqlalchemy", "backstride.web"),
    "web": ("backstride.store", "backstride.importers", "sqlalchemy", "backstride.cli"),
}
# The coach must not read the clock or the disk: it is given `today` and its data.
COACH_CALLS = ("date.today", "datetime.now", "time.time", "open")

# The pure part of form analysis (keypoint arrays in; metrics, quality and findings out) keeps
# the coach's rules: no video, no model, no files, no clock. The rest of backstride.form (video,
# pose, tracking, drawing) does the I/O around it.
FORM_PURE = (
    "track",
    "cleaning",
    "steps",
    "metrics",
    "quality",
    "findings",
    "evidence",
    "analysis",
)
FORM_IO = (
    "av",
    "cv2",
    "mediapipe",
    "PIL",
    "matplotlib",
    *(f"backstride.form.{name}" for name in ("video", "pose", "tracking", "drawing")),
)


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def layer_files(layer: str) -> list[Path]:
    target = PACKAGE / layer
    return [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("layer", FORBIDDEN)
def test_layer_imports(layer):
    files = layer_files(layer)
    assert files, f"no modules found for layer {layer}"
    for path in files:
        for name in imported_modules(path):
            for prefix in FORBIDDEN[layer]:
                assert not (name == prefix or name.startswith(prefix + ".")), (
                    f"{path.relative_to(PACKAGE.parent)} imports {name}"
                )


def test_the_coach_reads_no_clock_and_no_files():
    for path in layer_files("coach"):
        source = path.read_text(encoding="utf-8")
        for call in COACH_CALLS:
            assert f"{call}(" not in source, f"{path.name} calls {call}()"


def test_only_the_clock_module_reads_the_date_and_time():
    # Everything else asks backstride.clock, so a test can set one moment for all of it.
    for path in layer_files("."):
        if path.name == "clock.py" and path.parent == PACKAGE:
            continue
        source = path.read_text(encoding="utf-8")
        for call in ("date.today(", "datetime.now(", "datetime.utcnow("):
            assert call not in source, f"{path.relative_to(PACKAGE.parent)} calls {call})"


@pytest.mark.parametrize("module", FORM_PURE)
def test_the_pure_form_analysis_does_no_io(module):
    path = PACKAGE / "form" / f"{module}.py"
    for name in imported_modules(path):
        for prefix in FORM_IO:
            assert not (name == prefix or name.startswith(prefix + ".")), f"{module} imports {name}"
    source = path.read_text(encoding="utf-8")
    for call in COACH_CALLS:
        assert f"{call}(" not in source, f"form/{module}.py calls {call}()"


def test_the_coach_uses_only_the_pure_form_analysis():
    for path in layer_files("coach"):
        for name in imported_modules(path):
            if name.startswith("backstride.form."):
                assert name.removeprefix("backstride.form.") in FORM_PURE, f"{path.name}: {name}"


def test_an_assessment_starts_without_numpy_or_the_pose_pipeline():
    # A cold `backstride assess` reads the latest form analysis as a record; loading numpy and
    # the analysis for it would add about a tenth of a second to every start.
    probe = (
        "import sys, backstride.cli.assess, backstride.services.assess, backstride.services.form;"
        "print(sorted(m for m in ('numpy', 'av', 'mediapipe', 'backstride.form.analysis')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
