"""The outcome measures: their scales, their MIC with its source, their wording and licence."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from backstride.knowledge import KnowledgeBase
from backstride.knowledge.models import INSTRUMENTS, OutcomeMeasure

# DESIGN.md, "Outcome measures": the scale and the MIC of each.
EXPECTED = {
    "rmdq": (0, 24, "lower", 5, 30),
    "psfs": (0, 10, "higher", 2, None),
    "pain_nrs": (0, 10, "lower", 2, 30),
    "startback": (0, 9, "lower", None, None),
}


@pytest.mark.parametrize("instrument", INSTRUMENTS)
def test_each_measure_has_its_scale_and_mic(kb: KnowledgeBase, instrument: str) -> None:
    measure = kb.outcome_measure(instrument)
    low, high, better, points, percent = EXPECTED[instrument]
    assert (measure.low, measure.high, measure.better) == (low, high, better)
    if points is None:
        assert measure.mic is None
        return
    assert measure.mic is not None
    assert (measure.mic.points, measure.mic.percent) == (points, percent)
    assert measure.mic.sources, "every threshold names its source"


def test_the_rmdq_has_24_statements_in_our_own_words(kb: KnowledgeBase) -> None:
    items = kb.outcome_measure("rmdq").items
    assert len(items) == 24 and len(set(items)) == 24
    # Each is written from the runner's side in Backstride's wording, not the original's.
    assert all(item.startswith(("My back", "I keep")) for item in items)
    assert not any("because of my back" in item.lower() for item in items)


def test_the_psfs_takes_one_to_five_activities(kb: KnowledgeBase) -> None:
    psfs = kb.outcome_measure("psfs")
    assert psfs.activities is not None
    assert (psfs.activities.least, psfs.activities.most) == (1, 5)
    assert psfs.rating_low and psfs.rating_high


@pytest.mark.parametrize(
    ("source_id", "words"),
    [
        ("roland_morris_1983", "own plain words"),
        ("stratford_1995", "own words"),
        ("keele_startback", "own words"),
    ],
)
def test_each_questionnaire_records_its_licence(kb: KnowledgeBase, source_id, words) -> None:
    licence = kb.source(source_id).licence
    assert licence is not None and words in licence


def test_a_yes_no_scale_must_match_its_statements() -> None:
    with pytest.raises(ValidationError, match="23 yes/no items cannot score 0-24"):
        OutcomeMeasure.model_validate(
            {
                "id": "rmdq",
                "name": "A questionnaire",
                "short_name": "QQQ",
                "what": "What it measures.",
                "recall": "today",
                "collected": "questionnaire",
                "items": [f"Statement {n}." for n in range(23)],
                "low": 0,
                "high": 24,
                "better": "lower",
                "sources": ["x"],
            }
        )
