"""Safety properties of whole assessments over generated intakes, and the output contract."""

from __future__ import annotations

import jsonschema
from builders import SAMPLE_INTAKE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import intakes

from backstride.contracts.assessment import AssessmentOut
from backstride.contracts.intake import RED_FLAG_NAMES, Intake
from backstride.domain import triage_rank
from backstride.services.assess import assess_intake, assessment_document, parse_intake

FAST = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
OUTPUT_SCHEMA = AssessmentOut.model_json_schema()


@FAST
@given(intakes)
def test_every_intake_gives_a_valid_document_with_a_disclaimer(document):
    intake = Intake.model_validate(document)
    output = assessment_document(assess_intake(intake))
    AssessmentOut.model_validate(output)
    jsonschema.validate(output, OUTPUT_SCHEMA)
    assert output["disclaimer"].strip()
    assert all(source["citation"] for source in output["sources"])


@FAST
@given(intakes)
def test_emergency_or_urgent_never_continues_or_reduces(document):
    result = assess_intake(Intake.model_validate(document))
    if result.triage.level in ("emergency", "urgent"):
        assert result.running.decision == "stop"
        assert result.plan.exercises == ()
    if result.triage.level != "self_care":
        assert result.running.decision == "stop"


@FAST
@given(intakes, st.sampled_from(RED_FLAG_NAMES))
def test_adding_a_red_flag_never_lowers_the_level(document, flag):
    before = assess_intake(Intake.model_validate(document))
    flags = {**document.get("red_flags", {}), flag: True}
    after = assess_intake(Intake.model_validate({**document, "red_flags": flags}))
    assert triage_rank(after.triage.level) >= triage_rank(before.triage.level)
    assert after.running.decision == "stop"


def test_the_sample_intake(knowledge):
    output = assessment_document(assess_intake(parse_intake(dict(SAMPLE_INTAKE))), knowledge)
    assert output["schema_version"] == 1
    assert output["triage"]["level"] == "self_care"
    assert output["running"]["decision"] == "reduce"
    cited = {s["id"] for s in output["sources"]}
    for group in ("exercises", "self_care", "warm_up", "cool_down", "form_cues"):
        assert output["plan"][group], group
        for item in output["plan"][group]:
            assert set(item["sources"]) <= cited
