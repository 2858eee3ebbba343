"""The interactive assessment, answered as a person at a terminal would."""

from __future__ import annotations

import io
import sys

import pytest

from backstride.contracts.intake import RED_FLAG_NAMES


def answer(monkeypatch, lines: list[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))


def test_a_runner_answers_a_few_questions_and_skips_the_rest(run_cli, monkeypatch):
    answers = ["", "44"]  # Enter on the required age asks again
    answers += ["", "", "", ""]  # sex, height, weight, regions skipped
    answers += ["4"]  # pain now
    answers += [""] * 11  # the rest of the pain questions
    answers += ["n"] * len(RED_FLAG_NAMES)
    answers += [""] * 15  # history and training
    answers += ["n"]  # no STarT Back
    answer(monkeypatch, answers)
    result = run_cli("assess", stdin_tty=True)
    assert result.code == 0, result.err
    assert "This one is needed" in result.out
    assert "SELF-CARE" in result.out
    assert "Running today: REDUCE" in result.out
    assert "safety questions were not answered" not in result.out


def test_one_enter_never_passes_a_safety_question(run_cli, monkeypatch):
    answers = ["44", "", "", "", "", "2"]
    answers += [""] * 11  # the rest of the pain questions
    answers += ["", "", "y"]  # Enter twice on saddle numbness: asked again until answered
    answers += ["n"] * (len(RED_FLAG_NAMES) - 1) + [""] * 15 + ["n"]
    answer(monkeypatch, answers)
    result = run_cli("assess", "--format", "json", stdin_tty=True)
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    assert "The safety questions cannot be skipped" in out
    assert out.count("This is a safety question and cannot be skipped") == 2
    assert '"level": "emergency"' in result.out
    assert "count as 'no'" not in out


@pytest.mark.parametrize("worst", ["7", "9"])
def test_severe_pain_asks_whether_it_eases_with_rest_until_answered(run_cli, monkeypatch, worst):
    answers = ["44", "", "", "", "", "3", worst, "", "", "", "", ""]  # regions ... aggravators
    answers += ["", "y"]  # eases with rest: Enter is not enough at 7/10 or more
    answers += [""] * 5  # improving ... previous episodes
    answers += ["n"] * len(RED_FLAG_NAMES) + [""] * 15 + ["n"]
    answer(monkeypatch, answers)
    result = run_cli("assess", "--format", "json", stdin_tty=True)
    assert result.code == 0, result.err
    assert "this answer decides how soon you should see someone" in " ".join(result.out.split())
    assert "severe_pain_rest_not_answered" not in result.out


def test_below_seven_the_rest_question_may_be_skipped(run_cli, monkeypatch):
    answers = ["44", "", "", "", "", "3", "6"] + [""] * 10
    answers += ["n"] * len(RED_FLAG_NAMES) + [""] * 15 + ["n"]
    answer(monkeypatch, answers)
    result = run_cli("assess", "--format", "json", stdin_tty=True)
    assert result.code == 0, result.err
    assert "decides how soon" not in result.out


def test_a_wrong_answer_is_asked_again(run_cli, monkeypatch):
    answers = ["44", "", "", "", "", "eleven", "12", "8"]
    answers += [""] * 6 + ["maybe", "y"] + [""] * 5  # eases with rest: needed at 8/10
    answers += ["y"] + ["n"] * (len(RED_FLAG_NAMES) - 1) + [""] * 15 + ["n"]
    answer(monkeypatch, answers)
    result = run_cli("assess", "--format", "json", stdin_tty=True)
    assert result.code == 0, result.err
    assert "'eleven' is not a whole number" in result.out
    assert "out of range" in result.out
    assert "answer y (yes) or n (no)" in result.out
    assert '"level": "emergency"' in result.out  # the first safety question answered yes


def test_end_of_input_stops_cleanly(run_cli, monkeypatch):
    answer(monkeypatch, ["44"])
    result = run_cli("assess", stdin_tty=True)
    assert result.code == 2
    assert "the answers ended before the assessment was complete; nothing was saved" in result.err
