"""Loading the knowledge base: the shipped files load; broken folders fail with a clear message."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.errors import KnowledgeInvalid
from backstride.knowledge import KnowledgeBase, load_knowledge
from backstride.knowledge.load import DATA_DIR


def minimal_kb() -> dict[str, Any]:
    """The smallest knowledge base that validates, as plain data."""
    levels = ("emergency", "urgent", "see_doctor", "self_care")
    return {
        "disclaimer": "General information, not a diagnosis.",
        "sources": [
            {
                "id": "some_article",
                "kind": "article",
                "title": "An article about backs",
                "citation": "An article about backs, no publisher named.",
                "summary": "Movement helps most back pain.",
            }
        ],
        "exercises": [
            {
                "id": "dead_bug",
                "name": "Dead bug",
                "target": ["core"],
                "phase": ["acute"],
                "movement": ["stability"],
                "dose": "20-30 seconds, two to three times a day.",
                "steps": ["Lie on your back.", "Reach out an arm and the opposite leg."],
                "cautions": ["Keep your back on the floor."],
                "sources": ["some_article"],
            }
        ],
        "self_care": [
            {
                "id": "short_walk",
                "name": "Short walk",
                "text": "Walk for ten minutes.",
                "sources": ["some_article"],
            }
        ],
        "warm_up": [],
        "cool_down": [],
        "form_cues": [],
        "prevention": [],
        "factors": [
            {
                "id": "weak_core",
                "name": "Weak core",
                "what": "The trunk muscles support the spine.",
                "recognised_by": "No core training.",
                "helps": ["dead_bug"],
                "sources": ["some_article"],
            }
        ],
        "red_flags": [],
        "triage_rules": [],
        "triage_levels": [
            {
                "level": level,
                "title": f"Level {level}",
                "advice": "Do this.",
                "sources": ["some_article"],
            }
            for level in levels
        ],
        "education": [],
        "disagreements": [],
        "return_to_run": [],
    }


def write_kb(folder: Path, kb: dict[str, Any]) -> Path:
    """Write `kb` as two YAML files, as the shipped data is split over several."""
    folder.mkdir(parents=True, exist_ok=True)
    first = {k: v for k, v in kb.items() if k in ("disclaimer", "sources", "triage_levels")}
    rest = {k: v for k, v in kb.items() if k not in first}
    (folder / "base.yaml").write_text(yaml.safe_dump(first, sort_keys=False), encoding="utf-8")
    (folder / "content.yaml").write_text(yaml.safe_dump(rest, sort_keys=False), encoding="utf-8")
    return folder


def load_error(folder: Path) -> str:
    with pytest.raises(KnowledgeInvalid) as caught:
        load_knowledge(folder)
    return str(caught.value)


# --- The shipped knowledge -----------------------------------------------------------------


def test_shipped_knowledge_loads_and_fills_every_kind(kb: KnowledgeBase) -> None:
    assert isinstance(kb, KnowledgeBase)
    assert kb.disclaimer
    for kind in KnowledgeBase.model_fields:
        if kind != "disclaimer":
            assert getattr(kb, kind), f"the shipped knowledge has no {kind}"


def test_shipped_knowledge_is_loaded_once_per_process() -> None:
    assert load_knowledge() is load_knowledge()


def test_shipped_files_load_the_same_from_an_explicit_path(kb: KnowledgeBase) -> None:
    assert load_knowledge(DATA_DIR) == kb


def test_every_shipped_file_is_a_mapping_of_known_kinds() -> None:
    files = sorted(DATA_DIR.glob("*.yaml"))
    assert files
    for file in files:
        content = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert isinstance(content, dict), file.name
        assert set(content) <= set(KnowledgeBase.model_fields), file.name


def test_find_and_source_look_entries_up_by_id(kb: KnowledgeBase) -> None:
    found = kb.find("dead_bug")
    assert found is not None
    assert found[0] == "exercises"
    assert kb.source("nice_ng59").kind == "guideline"
    assert kb.find("no_such_entry") is None
    with pytest.raises(KeyError):
        kb.source("dead_bug")


# --- A small folder loads; each kind of breakage is named ----------------------------------


def test_a_minimal_folder_loads_and_merges_its_files(tmp_path: Path) -> None:
    kb = load_knowledge(write_kb(tmp_path / "kb", minimal_kb()))
    assert [e.id for e in kb.exercises] == ["dead_bug"]
    assert kb.sources[0].publisher is None
    assert kb.find("weak_core") is not None


def test_an_unknown_field_is_rejected_by_name(tmp_path: Path) -> None:
    data = minimal_kb()
    data["exercises"][0]["colour"] = "red"
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "exercises.0.colour" in message
    assert "Extra inputs are not permitted" in message


def test_an_unknown_kind_is_rejected_by_name(tmp_path: Path) -> None:
    data = minimal_kb()
    data["recipes"] = []
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "recipes" in message


def test_a_missing_required_field_is_rejected_by_name(tmp_path: Path) -> None:
    data = minimal_kb()
    del data["exercises"][0]["dose"]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "exercises.0.dose" in message
    assert "Field required" in message


def test_a_missing_source_reference_is_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    data["exercises"][0]["sources"] = ["some_article", "nowhere_2020"]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "exercises.dead_bug cites unknown source 'nowhere_2020'" in message


def test_a_view_citing_a_missing_source_is_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    data["disagreements"] = [
        {
            "id": "rest_from_running",
            "question": "How long to rest?",
            "views": [
                {"id": "week_off", "text": "A week.", "sources": ["some_article"]},
                {"id": "keep_moving", "text": "Keep moving.", "sources": ["ghost_source"]},
            ],
            "followed": "keep_moving",
            "why": "Movement helps.",
            "sources": ["some_article"],
        }
    ]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "disagreements.rest_from_running.keep_moving cites unknown source 'ghost_source'" in (
        message
    )


def test_following_a_view_that_does_not_exist_is_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    data["disagreements"] = [
        {
            "id": "rest_from_running",
            "question": "How long to rest?",
            "views": [
                {"id": "week_off", "text": "A week.", "sources": ["some_article"]},
                {"id": "keep_moving", "text": "Keep moving.", "sources": ["some_article"]},
            ],
            "followed": "two_to_three_days",
            "why": "Movement helps.",
            "sources": ["some_article"],
        }
    ]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "follows unknown view 'two_to_three_days'" in message


def test_a_duplicate_id_is_rejected_with_both_kinds(tmp_path: Path) -> None:
    data = minimal_kb()
    twin = copy.deepcopy(data["self_care"][0])
    twin["id"] = "dead_bug"
    data["self_care"].append(twin)
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "id 'dead_bug' is used twice (exercises and self_care)" in message


def test_a_factor_helped_by_an_unknown_entry_is_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    data["factors"][0]["helps"] = ["dead_bug", "magic_cure"]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "factors.weak_core helps with unknown entry 'magic_cure'" in message


def test_an_id_that_is_not_snake_case_is_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    data["exercises"][0]["id"] = "DeadBug"
    data["factors"][0]["helps"] = ["DeadBug"]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "exercises.0.id" in message


def test_return_to_run_stages_with_a_gap_are_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    stage = {
        "name": "Walk",
        "session": "Walk for 30 minutes.",
        "walk_min": 30,
        "run_min": 0,
        "repeats": 1,
        "total_min": 30,
        "sources": ["some_article"],
    }
    data["return_to_run"] = [
        {"id": "first", "stage": 1, **stage},
        {"id": "third", "stage": 3, **stage},
    ]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "return_to_run stages must be numbered 1..N without gaps, got [1, 3]" in message


def test_a_missing_triage_level_is_rejected(tmp_path: Path) -> None:
    data = minimal_kb()
    data["triage_levels"] = data["triage_levels"][:3]
    message = load_error(write_kb(tmp_path / "kb", data))
    assert "triage_levels must hold exactly one entry per level" in message


def test_broken_yaml_is_rejected_naming_the_file(tmp_path: Path) -> None:
    folder = write_kb(tmp_path / "kb", minimal_kb())
    (folder / "broken.yaml").write_text("education: [\n  - id: unclosed\n", encoding="utf-8")
    message = load_error(folder)
    assert message.startswith("broken.yaml: not valid YAML")


def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    folder = write_kb(tmp_path / "kb", minimal_kb())
    (folder / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    assert "list.yaml: expected a mapping" in load_error(folder)


def test_a_kind_defined_in_two_files_is_rejected(tmp_path: Path) -> None:
    folder = write_kb(tmp_path / "kb", minimal_kb())
    (folder / "zz_extra.yaml").write_text("education: []\n", encoding="utf-8")
    assert "zz_extra.yaml: 'education' is also defined in another file" in load_error(folder)


def test_an_empty_folder_is_rejected(tmp_path: Path) -> None:
    assert "no knowledge files" in load_error(tmp_path)
