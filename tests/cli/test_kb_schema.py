"""`backstride kb` and `backstride schema`."""

from __future__ import annotations

import json

import jsonschema
from builders import SAMPLE_CHECKIN, SAMPLE_INTAKE


def test_schema_intake_is_a_json_schema_that_accepts_the_sample(run_cli):
    result = run_cli("schema", "intake")
    assert result.code == 0
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(SAMPLE_INTAKE, schema)
    bad = {**SAMPLE_INTAKE, "unknown": 1}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


def test_schema_of_an_unknown_contract_is_a_usage_error(run_cli):
    assert run_cli("schema", "nothing").code == 2


def test_kb_list_of_one_kind_as_json(run_cli, knowledge):
    result = run_cli("kb", "list", "exercises", "--format", "json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert {r["id"] for r in rows} == {e.id for e in knowledge.exercises}
    assert all(r["kind"] == "exercises" and r["name"] for r in rows)


def test_kb_list_everything_as_text(run_cli):
    result = run_cli("kb", "list")
    assert result.code == 0
    for entry_id in ("dead_bug", "saddle_numbness", "rapid_mileage_increase", "nice_ng59"):
        assert entry_id in result.out


def test_kb_list_unknown_kind(run_cli):
    result = run_cli("kb", "list", "potions")
    assert result.code == 2
    assert "unknown kind 'potions'" in result.err and "exercises" in result.err


def test_kb_show_an_exercise_with_its_steps_and_sources(run_cli, knowledge):
    result = run_cli("kb", "show", "dead_bug")
    assert result.code == 0
    exercise = next(e for e in knowledge.exercises if e.id == "dead_bug")
    assert exercise.name in result.out
    assert exercise.steps[0][:30] in result.out
    assert "sources" in result.out


def test_kb_show_as_json(run_cli):
    result = run_cli("kb", "show", "saddle_numbness", "--format", "json")
    document = json.loads(result.out)
    assert document["kind"] == "red_flags"
    assert document["level"] == "emergency"
    assert document["question"]


def test_kb_show_unknown_id(run_cli):
    result = run_cli("kb", "show", "unicorn_pose")
    assert result.code == 2
    assert "no entry with id 'unicorn_pose'" in result.err


def test_schema_checkin_accepts_the_design_example(run_cli):
    schema = json.loads(run_cli("schema", "checkin").out)
    jsonschema.validate(SAMPLE_CHECKIN, schema)
