"""JSONAnswer: orjson gives the bytes Starlette's JSONResponse sends for the API's documents."""

from __future__ import annotations

import json

from builders import SAMPLE_INTAKE
from fastapi.responses import JSONResponse

from backstride.knowledge import load_knowledge
from backstride.services.assess import assess_intake, assessment_document, parse_intake
from backstride.web.responses import JSONAnswer


def test_an_assessment_answers_the_bytes_of_the_standard_encoder():
    knowledge = load_knowledge()
    document = assessment_document(assess_intake(parse_intake(SAMPLE_INTAKE), knowledge), knowledge)
    answer = {**document, "saved": True, "note": "Rücken – ça va, 背中"}

    assert JSONAnswer(answer).body == JSONResponse(answer).body
    assert json.loads(JSONAnswer(answer).body) == answer
    assert JSONAnswer(answer).headers["content-type"] == "application/json"
