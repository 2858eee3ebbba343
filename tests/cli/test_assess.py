"""`backstride assess` with good and bad input."""

from __future__ import annotations

import json

import pytest
from builders import SAMPLE_INTAKE

from backstride.contracts.assessment import AssessmentOut


@pytest.fixture
def intake_file(tmp_path):
    def write(document, name="intake.json"):
        path = tmp_path / name
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        return path

    return write


def test_json_output_follows_the_contract(run_cli, intake_file):
    result = run_cli("assess", "--input", str(intake_file(SAMPLE_INTAKE)), "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    AssessmentOut.model_validate(document)
    assert document["triage"]["level"] == "self_care"
    assert document["running"]["decision"] == "reduce"
    assert document["startback"] == {"total": 4, "psychosocial": 2, "risk": "medium"}
    assert "rapid_mileage_increase" in {f["id"] for f in document["factors"]}


def test_text_report_puts_the_triage_first(run_cli, intake_file):
    result = run_cli("assess", "--input", str(intake_file(SAMPLE_INTAKE)))
    assert result.code == 0, result.err
    first_lines = result.out.splitlines()[:3]
    assert any("SELF-CARE" in line for line in first_lines)
    for heading in ("Running today: REDUCE", "What may be contributing", "Exercises", "Sources"):
        assert heading in result.out


def test_emergency_report_says_what_to_do_now_and_gives_no_exercises(run_cli, intake_file):
    document = {**SAMPLE_INTAKE, "red_flags": {"saddle_numbness": True}}
    result = run_cli("assess", "--input", str(intake_file(document)))
    assert result.code == 0
    assert "EMERGENCY" in result.out.splitlines()[0] + result.out.splitlines()[1]
    assert "Exercises" not in result.out


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON at line 1"),
        ("[1, 2]", "expected a JSON object"),
        ({"pain": {}}, "age: missing; required: a whole number from 16 to 110"),
        (
            {"age": 40, "pain": {"nrs_now": 12}},
            "pain.nrs_now: 12 is not allowed; expected a whole number from 0 to 10",
        ),
        ({"age": 40, "pain": {"nrs_now": "3"}}, "pain.nrs_now"),
        ({"age": 40, "pain": {}, "colour": "red"}, "colour: unknown key"),
        ({"age": 40, "pain": {"mood": 1}}, "pain.mood: unknown key in pain"),
        (
            {"age": 40, "pain": {"onset": "fast"}},
            'pain.onset: "fast" is not allowed; expected one of: "sudden", "gradual"',
        ),
        ({"age": 40, "pain": {"regions": ["neck"]}}, "pain.regions.0"),
        (
            {"age": 40, "pain": {}, "red_flags": {"saddle_numbness": "yes"}},
            "red_flags.saddle_numbness",
        ),
        (
            {"age": 40, "pain": {}, "startback": [True] * 8},
            "startback: expected a list of exactly 9 answers (items 1-8 true or false, item 9 a "
            "whole number from 0 to 4)",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(run_cli, intake_file, document, message):
    result = run_cli("assess", "--input", str(intake_file(document)), "--format", "json")
    assert result.code == 2
    assert result.out == ""
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_missing_file(run_cli, tmp_path):
    result = run_cli("assess", "--input", str(tmp_path / "nope.json"))
    assert result.code == 2
    assert "no such file" in result.err
    assert "Traceback" not in result.err


def test_without_input_and_without_a_terminal_names_the_flag(run_cli):
    result = run_cli("assess")
    assert result.code == 2
    assert "--input FILE" in result.err


def test_unknown_format_is_a_usage_error(run_cli, intake_file):
    result = run_cli("assess", "--input", str(intake_file(SAMPLE_INTAKE)), "--format", "xml")
    assert result.code == 2


def test_each_assessment_is_kept_in_the_record_as_given(run_cli, intake_file, tmp_path):
    from backstride.store import open_store, repo

    url = f"sqlite:///{tmp_path / 'record.db'}"
    path = intake_file(SAMPLE_INTAKE)
    assert run_cli("assess", "--input", str(path), "--db", url).code == 0
    assert run_cli("assess", "--input", str(path), "--db", url, "--format", "json").code == 0
    assert run_cli("assess", "--input", str(path), "--db", url, "--no-save").code == 0
    with open_store(url) as store, store.session() as session:
        runner = repo.get_or_create_personal_runner(session=session)
        kept = repo.list_assessments(session=session, runner_id=runner.id)
    assert len(kept) == 2
    assert kept[0].intake == SAMPLE_INTAKE
    assert kept[0].output["triage"]["level"] == "self_care"


def test_the_database_url_can_come_from_the_environment(
    run_cli, intake_file, tmp_path, monkeypatch
):
    monkeypatch.setenv("BACKSTRIDE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert run_cli("assess", "--input", str(intake_file(SAMPLE_INTAKE))).code == 0
    assert (tmp_path / "env.db").exists()


def test_an_unreachable_database_still_shows_the_triage_then_fails(run_cli, intake_file, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    url = f"sqlite:///{tmp_path / 'a-file' / 'x.db'}"
    result = run_cli("assess", "--input", str(intake_file(SAMPLE_INTAKE)), "--db", url)
    assert "SELF-CARE" in result.out
    assert result.code == 1
    assert "Could not create the folder" in result.err
    assert len(result.err.strip().splitlines()) == 1
