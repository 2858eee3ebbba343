"""The Keele STarT Back screening tool: risk of a poor outcome, to match the level of support.

Scoring (Hill et al. 2008): the total is the number of items 1-8 agreed with, plus one for
item 9 ("bothersomeness") answered "very much" (3) or "extremely" (4): 0 to 9. The
psychosocial subscale is items 5-9 scored the same way: 0 to 5. Risk is low when the total is
3 or less, high when the subscale is 4 or more, medium otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from backstride.contracts.intake import StartBackAnswers
from backstride.domain import StartBackRisk

LOW_RISK_MAX_TOTAL = 3
HIGH_RISK_MIN_PSYCHOSOCIAL = 4
BOTHERSOME_FROM = 3
"""Item 9 counts when the answer is "very much" (3) or "extremely" (4)."""


@dataclass(frozen=True, slots=True)
class StartBackScore:
    """The total (0-9), the psychosocial subscale (0-5) and the risk group."""

    total: int
    psychosocial: int
    risk: StartBackRisk


def score_startback(answers: StartBackAnswers | None) -> StartBackScore | None:
    """Score the nine STarT Back answers; None when they were not given."""
    if answers is None:
        return None
    agreed = [bool(a) for a in answers[:8]]
    bothersome = answers[8] >= BOTHERSOME_FROM
    total = sum(agreed) + bothersome
    psychosocial = sum(agreed[4:8]) + bothersome
    risk: StartBackRisk
    if total <= LOW_RISK_MAX_TOTAL:
        risk = "low"
    elif psychosocial >= HIGH_RISK_MIN_PSYCHOSOCIAL:
        risk = "high"
    else:
        risk = "medium"
    return StartBackScore(total, psychosocial, risk)
