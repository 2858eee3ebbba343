"""Documentation that cannot rot: the README's sample and report come from the real program."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_intake_is_the_example_file_and_follows_the_contract():
    from backstride.services.assess import parse_intake

    block = re.search(r"```json\n(.*?)\n```", README, re.S)
    assert block is not None
    example = (ROOT / "examples" / "intake.json").read_text(encoding="utf-8")
    assert json.loads(block.group(1)) == json.loads(example)
    parse_intake(example)


def test_sample_report_is_what_assess_prints(run_cli, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    result = run_cli("assess", "--input", str(ROOT / "examples" / "intake.json"))
    printed = "\n".join(line.rstrip() for line in result.out.splitlines())
    saved = (ROOT / "docs" / "sample-report.txt").read_text(encoding="utf-8").rstrip("\n")
    assert printed == saved, "regenerate docs/sample-report.txt (see the README)"
    excerpt = re.search(r"```text\n(.*?)\n\.\.\.\n```", README, re.S)
    assert excerpt is not None
    assert saved.startswith(excerpt.group(1))


def test_every_command_is_in_the_readme():
    from typer.main import get_command

    from backstride.cli import app

    group = get_command(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        for full in [f"{name} {sub}" for sub in subcommands] if subcommands else [name]:
            assert f"backstride {full}" in README, f"`backstride {full}` is not in the README"
