"""Findings: thresholds from the knowledge base, evidence quoting the runner's numbers."""

from __future__ import annotations

import dataclasses

import pytest

from backstride.form.analysis import VideoInfo, analyse
from backstride.form.findings import EVIDENCE, find_form_findings
from backstride.form.metrics import HEAD_BOUNDS_DEG, TRUNK_LEAN_BOUNDS_DEG

from .synthetic import Gait, runner


@pytest.fixture(scope="module")
def base_metrics(knowledge):
    truth = runner(Gait())
    info = VideoInfo("clip.mp4", 60.0, truth.track.frames, 1920, 1080)
    return analyse(truth.track, info, knowledge).metrics


def test_every_finding_has_its_evidence_cues_and_sources(knowledge):
    cue_ids = {c.id for c in knowledge.form_cues}
    source_ids = {s.id for s in knowledge.sources}
    assert {f.id for f in knowledge.form_findings} == set(EVIDENCE)
    for finding in knowledge.form_findings:
        assert set(finding.cues) <= cue_ids
        assert set(finding.sources) <= source_ids


def test_the_marked_categories_match_the_finding_thresholds(knowledge):
    rules = {f.id: f for f in knowledge.form_findings}
    assert rules["forward_trunk_lean"].above == TRUNK_LEAN_BOUNDS_DEG[-1]
    assert rules["head_forward"].above == HEAD_BOUNDS_DEG[-1]


@pytest.mark.parametrize(
    ("change", "finding", "quoted"),
    [
        (
            {"shank_angle_deg": 18.4, "heel_ahead_leg_lengths": 0.47},
            "overstriding",
            ["18°", "0.47"],
        ),
        ({"cadence_spm": 152.0}, "low_cadence", ["152 steps", "160 to 167"]),
        ({"trunk_lean_deg": 19.0}, "forward_trunk_lean", ["19°"]),
        ({"head_forward_deg": 46.0}, "head_forward", ["46°"]),
    ],
)
def test_each_finding_fires_past_its_threshold_and_quotes_the_numbers(
    knowledge, base_metrics, change, finding, quoted
):
    assert find_form_findings(base_metrics, knowledge) == ()
    found = find_form_findings(dataclasses.replace(base_metrics, **change), knowledge)
    assert [f.id for f in found] == [finding]
    for text in quoted:
        assert text in found[0].evidence
    assert found[0].cues
    assert found[0].sources


def test_thresholds_are_strict(knowledge, base_metrics):
    at = dataclasses.replace(base_metrics, shank_angle_deg=10.0, cadence_spm=166.0)
    assert find_form_findings(at, knowledge) == ()


def test_an_implausible_cadence_gives_no_cadence_finding(knowledge, base_metrics):
    slow = dataclasses.replace(base_metrics, cadence_spm=60.0)
    assert find_form_findings(slow, knowledge) == ()


def test_unmeasured_metrics_give_no_findings(knowledge, base_metrics):
    empty = dataclasses.replace(
        base_metrics,
        cadence_spm=None,
        shank_angle_deg=None,
        trunk_lean_deg=None,
        head_forward_deg=None,
    )
    assert find_form_findings(empty, knowledge) == ()
