"""The interactive assessment, answered as a person at a terminal would."""

from __future__ import annotations

import io
import sys

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


def test_a_wrong_answer_is_asked_again(run_cli, monkeypatch):
    answers = ["44", "", "", "", "", "eleven", "12", "8"]
    answers += [""] * 11 + ["y"] + [""] * 40
    answer(monkeypatch, answers)
    result = run_cli("assess", "--format", "json", stdin_tty=True)
    assert result.code == 0, result.err
    assert "'eleven' is not a whole number" in result.out
    assert "out of range" in result.out
    assert '"level": "emergency"' in result.out  # the first safety question answered yes


def test_end_of_input_stops_cleanly(run_cli, monkeypatch):
    answer(monkeypatch, ["44"])
    result = run_cli("assess", stdin_tty=True)
    assert result.code == 2
    assert "the answers ended before the assessment was complete; nothing was saved" in result.err
