"""A form analysis's findings as the evidence of poor running form, and their cues first."""

from __future__ import annotations

from datetime import date

from builders import sample_intake

from backstride.coach.assessment import assess
from backstride.form.evidence import FormEvidence, FormFinding

OVERSTRIDE = FormFinding(
    "overstriding",
    "Overstriding",
    "As your foot landed, your shin pointed 18° past vertical (median of 9 steps).",
    "Land closer under your hips.",
    ("no_overstriding", "short_stride"),
    ("souza_2016", "wille_2014"),
)
LEAN = FormFinding(
    "forward_trunk_lean",
    "Forward trunk lean",
    "Your trunk leaned 19° forward.",
    "Run tall.",
    ("back_straight", "core_engaged", "chest_up"),
    ("teng_powers_2015",),
)


def test_without_a_form_analysis_running_form_is_not_claimed(knowledge):
    result = assess(sample_intake(), knowledge)
    assert "poor_running_form" not in {f.id for f in result.factors}


def test_the_findings_are_the_evidence_quoting_the_numbers(knowledge):
    evidence = FormEvidence(date(2026, 6, 10), (OVERSTRIDE, LEAN))
    result = assess(sample_intake(), knowledge, evidence)
    factor = next(f for f in result.factors if f.id == "poor_running_form")
    assert "10 June 2026" in factor.evidence
    assert "18° past vertical" in factor.evidence
    assert "19° forward" in factor.evidence
    assert {"souza_2016", "wille_2014", "teng_powers_2015"} <= set(factor.sources)
    cues = [c.id for c in result.plan.form_cues]
    assert cues[:5] == [
        "no_overstriding",
        "short_stride",
        "back_straight",
        "core_engaged",
        "chest_up",
    ]
    assert len(cues) == len(set(cues))


def test_an_analysis_without_findings_adds_no_factor(knowledge):
    result = assess(sample_intake(), knowledge, FormEvidence(date(2026, 6, 10), ()))
    assert "poor_running_form" not in {f.id for f in result.factors}
    plain = assess(sample_intake(), knowledge)
    assert result.plan.form_cues == plain.plan.form_cues


def test_an_emergency_still_gives_no_plan(knowledge):
    intake = sample_intake(red_flags={"saddle_numbness": True})
    result = assess(intake, knowledge, FormEvidence(date(2026, 6, 10), (OVERSTRIDE,)))
    assert result.triage.level == "emergency"
    assert result.plan.form_cues == ()
