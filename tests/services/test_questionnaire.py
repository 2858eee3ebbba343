"""The assessment questions: reading typed answers and building the intake."""

from __future__ import annotations

import pytest

from backstride.contracts.intake import RED_FLAG_NAMES
from backstride.services.questionnaire import STARTBACK_ITEMS, build_intake, questions


@pytest.fixture(scope="module")
def asked(knowledge):
    return {q.path: q for q in questions(knowledge)}


def test_every_red_flag_is_asked_in_plain_words(asked, knowledge):
    flags = {path[1]: q for path, q in asked.items() if path[0] == "red_flags"}
    assert set(flags) == set(RED_FLAG_NAMES)
    wording = {f.id: f.question for f in knowledge.red_flags}
    assert all(q.text == wording[name] for name, q in flags.items())


def test_only_age_and_pain_now_are_required(asked):
    assert [q.path for q in asked.values() if q.required] == [("age",), ("pain", "nrs_now")]


@pytest.mark.parametrize(
    ("path", "typed", "value"),
    [
        (("age",), "44", 44),
        (("pain", "nrs_now"), " 3 ", 3),
        (("pain", "regions"), "lower, buttock", ["lower", "buttock"]),
        (("pain", "onset"), "grad", "gradual"),
        (("pain", "eases_with_rest"), "Y", True),
        (("pain", "improving"), "no", False),
        (("training", "weekly_distance_km"), "20, 22,24;33", [20.0, 22.0, 24.0, 33.0]),
        (("history", "years_running"), "1,5", 1.5),
    ],
)
def test_answers_are_read_generously(asked, path, typed, value):
    assert asked[path].parse(typed) == value


@pytest.mark.parametrize(
    ("path", "typed", "message"),
    [
        (("age",), "forty", "not a whole number"),
        (("age",), "12", "out of range"),
        (("pain", "nrs_now"), "11", "out of range; type 0-10"),
        (("pain", "regions"), "neck", "choose one of upper, mid, side, lower, buttock"),
        (("pain", "eases_with_rest"), "maybe", "answer y (yes) or n (no)"),
        (("training", "surface"), "t", "choose one of"),  # trail or track: ambiguous
    ],
)
def test_wrong_answers_say_what_to_type(asked, path, typed, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        asked[path].parse(typed)


def test_build_intake_nests_answers_and_skips_blanks():
    intake = build_intake(
        {
            ("age",): 40,
            ("pain", "nrs_now"): 4,
            ("pain", "improving"): None,
            ("red_flags", "saddle_numbness"): False,
        }
    )
    assert intake.age == 40
    assert intake.pain.nrs_now == 4
    assert intake.pain.improving is None
    assert intake.red_flags.saddle_numbness is False
    assert intake.startback is None


def test_startback_only_when_all_nine_answers_are_given():
    answers = {("age",): 40} | {("startback", str(n)): True for n in range(1, 9)}
    assert build_intake(answers).startback is None
    answers[("startback", "9")] = 3
    assert build_intake(answers).startback == (*[True] * len(STARTBACK_ITEMS), 3)


def test_every_red_flag_question_is_a_safety_question(asked):
    safety = {path for path, q in asked.items() if q.is_safety}
    assert safety == {("red_flags", name) for name in RED_FLAG_NAMES}


@pytest.mark.parametrize(
    ("answers", "needed"),
    [
        ({}, False),
        ({("pain", "nrs_now"): 6, ("pain", "nrs_worst_week"): 6}, False),
        ({("pain", "nrs_now"): 7}, True),
        ({("pain", "nrs_now"): 2, ("pain", "nrs_worst_week"): 9}, True),
        ({("pain", "nrs_now"): None, ("pain", "nrs_worst_week"): 7}, True),
    ],
)
def test_the_rest_question_is_needed_from_seven_out_of_ten(asked, answers, needed):
    assert asked[("pain", "eases_with_rest")].is_needed(answers) is needed
    assert asked[("pain", "improving")].is_needed(answers) is False
